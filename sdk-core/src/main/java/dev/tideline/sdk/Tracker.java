package dev.tideline.sdk;

import dev.tideline.proto.v1.Context;
import dev.tideline.schema.Runtimes;
import java.util.concurrent.TimeUnit;

/**
 * Logs schema-typed events to a Kinesis stream: builds each event's envelope, buffers it (bounded
 * in bytes), aggregates envelopes into KPL-format records per predicted shard, collects records
 * into PutRecords calls, and retries failed entries, through a {@link
 * dev.tideline.sdk.sink.RecordSink}.
 *
 * <pre>{@code
 * Tracker tracker = Tracker.builder()
 *     .streamName("events")
 *     .sink(sink)
 *     .build();
 * LogOutcome outcome = tracker.log(Payment.newBuilder()...build());
 * tracker.close(5, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
 * }</pre>
 *
 * <p>Thread-safe. {@link #log(Object)} never throws at run time and never blocks, except under
 * {@link BufferPolicy#BLOCK} for at most the block timeout; one daemon worker does everything else.
 */
public final class Tracker {
  private final Pipeline pipeline;

  Tracker(TrackerBuilder builder) {
    this.pipeline = new Pipeline(builder);
    pipeline.start();
  }

  /**
   * A builder; {@code streamName} and {@code sink} are required.
   *
   * @throws IllegalStateException if no protobuf runtime is on the classpath, naming the dependency
   *     to add
   */
  public static TrackerBuilder builder() {
    Runtimes.requireProtobuf("Tideline's Tracker");
    return new TrackerBuilder();
  }

  /**
   * Logs an event: a generated protobuf message, or an object an {@link EventEncoder} handles.
   * Builds its envelope (UUIDv7 event id, producer id, sequence number, event time, schema id,
   * context) and buffers it.
   *
   * @return {@link LogOutcome#ACCEPTED}, or why the event was refused (details to the listener)
   * @throws NullPointerException if event is null (misuse, not a run-time condition)
   */
  public LogOutcome log(Object event) {
    return pipeline.log(event);
  }

  /**
   * Logs an event that must not be lost, such as a payment: as {@link #log(Object)}, and the
   * returned receipt completes {@link LogReceipt#written()} once the event is synced to the spool
   * (committed at once, not at the next group commit), and {@link LogReceipt#acknowledged()} once
   * Kinesis stored it. Costs one receipt per call; use {@link #log(Object)} for everything else.
   *
   * @return the receipt; {@link LogReceipt#outcome()} says whether the event was accepted
   * @throws NullPointerException if event is null
   */
  public LogReceipt logDurably(Object event) {
    return pipeline.logDurably(event);
  }

  /**
   * Sends everything accepted so far without waiting for the linger time.
   *
   * @return completes when every event accepted before this call was acknowledged or dropped
   */
  public Completion<Void> flush() {
    return pipeline.flush();
  }

  /**
   * Stops accepting events, sends what is buffered, waits at most the timeout for acknowledgements,
   * then drops what is left (as {@link DropReason#CLOSED}), closes the sink (unless configured not
   * to) and stops the worker. Idempotent: later calls return the same handle.
   *
   * @return completes when the tracker is closed, at the latest shortly after the timeout
   */
  public Completion<Void> close(long timeout, TimeUnit unit) {
    return pipeline.close(unit.toNanos(timeout));
  }

  /**
   * Frees memory the tracker can do without, for example when Android asks the app to use less
   * ({@code onTrimMemory}): with a spool, events already on disk are dropped from memory and read
   * back when they are sent. Without a spool there is nothing to let go. Thread-safe; no I/O.
   *
   * @return the bytes of events let go
   */
  public long trimMemory() {
    return pipeline.trimMemory();
  }

  /** A snapshot of the counters. */
  public TrackerMetrics metrics() {
    return pipeline.metrics();
  }

  /** Replaces the context of events logged from now on (for example a new session id). */
  public void setContext(Context context) {
    pipeline.setContext(context);
  }

  /** The context events are logged with now. */
  public Context context() {
    return pipeline.context();
  }

  /** The 16-byte producer id (a copy). */
  public byte[] producerId() {
    return pipeline.producerId();
  }

  /** For tests: the pipeline. */
  Pipeline pipeline() {
    return pipeline;
  }

  /** The stream this tracker writes to. */
  public String streamName() {
    return pipeline.streamName();
  }
}
