package dev.tideline.sdk;

import dev.tideline.events.v1.ProducerAudit;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Context;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.sink.RecordSink;
import dev.tideline.wire.Hex;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The tracker's machinery, in two halves. The front runs on callers' threads: {@link #log} encodes
 * the event, picks its partition key and offers it to the {@link EventBuffer}; {@link #flush} and
 * {@link #close} return handles to wait on. The worker ({@link WorkerThread}: one task at a time on
 * the {@link Scheduler}) drains the buffer into its collaborators, which it alone owns, so none of
 * them needs a lock:
 *
 * <ul>
 *   <li>{@link Lanes}: route events to their predicted shard's lane, aggregate, seal, expire;
 *   <li>{@link Dispatcher}: collect PutRecords calls, send, time out, settle the results;
 *   <li>{@link RetryPolicy}: backoff, jitter, throttling, when to give up;
 *   <li>{@link ShardMapTracker}: the shard map and misrouted records;
 *   <li>{@link Settlement}: acknowledge, dead-letter, drop, each releasing to the buffer;
 *   <li>{@link Auditor}: the periodic {@code ProducerAudit} record.
 * </ul>
 *
 * <p>Sink results come back as worker tasks. No lock is held while calling the sink or the
 * listener.
 */
final class Pipeline {
  /** The soonest the worker wakes again for timed work, so timers never spin. */
  private static final long MIN_WAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** How long close() waits for the spool to write what is still in memory. */
  private static final long SPOOL_CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How long close() waits for the sink to finish closing. */
  private static final long SINK_CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String streamName;
  private final RecordSink sink;
  private final Clock clock;
  private final Scheduler scheduler;
  private final boolean ownScheduler;
  private final EnvelopeWriter writer;
  private final EventBuffer buffer;
  private final Metrics metrics = new Metrics();
  private final Reporter reporter;
  private final PartitionKeyStrategy partitionKeys;
  private final byte[] producerId;
  private final String producerKey;
  private final long producerHigh;
  private final long producerLow;
  private final long shutdownHookTimeoutNanos;
  private final boolean closeSink;

  /**
   * The most bytes the worker holds before it stops taking events from the buffer: enough for the
   * calls in flight and the next, and at most half the buffer (and half the spool), so that
   * DROP_OLDEST has queued events to evict during an outage.
   */
  private final long workerShareBytes;

  private final ThreadLocal<EnvelopeWriter.Encoded> encodedScratch =
      new ThreadLocal<EnvelopeWriter.Encoded>() {
        @Override
        protected EnvelopeWriter.Encoded initialValue() {
          return new EnvelopeWriter.Encoded();
        }
      };
  private final ThreadLocal<EventBuffer.Offer> offerScratch =
      new ThreadLocal<EventBuffer.Offer>() {
        @Override
        protected EventBuffer.Offer initialValue() {
          return new EventBuffer.Offer();
        }
      };

  private volatile boolean closed;
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicInteger pendingFlushes = new AtomicInteger();
  private final Object closeLock = new Object();
  private @Nullable Completion<Void> closeCompletion; // guarded by closeLock
  private boolean terminated; // guarded by closeLock
  private @Nullable Thread shutdownHook;
  private volatile long oldestInPipelineNanos = Long.MAX_VALUE;

  // Worker-owned.
  private final WorkerThread worker;
  private final Settlement settlement;
  private final Lanes lanes;
  private final ShardMapTracker shardMaps;
  private final Dispatcher dispatcher;
  private final Auditor auditor;
  private Scheduler.@Nullable Cancellable wake;
  private long wakeAtNanos = Long.MAX_VALUE;
  private boolean closing;
  private boolean finished;

  Pipeline(TrackerBuilder config) {
    this.streamName = config.streamName;
    this.sink = config.sink;
    this.clock = config.clock;
    Scheduler given = config.scheduler;
    this.ownScheduler = given == null;
    this.scheduler =
        given != null ? given : Scheduler.newDaemonThread("tideline-" + config.streamName);
    SchemaRegistry registry =
        config.registry != null ? config.registry : SchemaRegistry.fromClasspath();
    this.reporter = new Reporter(streamName, config.listener, metrics);
    SpoolBuffer spool =
        SpoolBuffer.open(config, id -> typeName(registry, id), reporter, this::scheduleDrain);
    // A spool keeps the producer id, so that its sequence numbers go on across restarts.
    this.producerId =
        spool != null
            ? spool.producerId()
            : config.producerId != null ? config.producerId.clone() : randomId();
    this.producerKey = Hex.encode(producerId);
    this.producerHigh = ByteBuffer.wrap(producerId).getLong(0);
    this.producerLow = ByteBuffer.wrap(producerId).getLong(8);
    this.writer =
        new EnvelopeWriter(
            registry,
            new ArrayList<>(config.encoders),
            producerId,
            config.context,
            new LinkedHashMap<>(config.attributes),
            config.piiPolicy);
    String unfiltered = IllFormedStrings.install();
    if (unfiltered != null) {
      reporter.logOnce(
          "ill-formed-filter",
          unfiltered
              + "; protobuf's warning about strings with a lone surrogate is not suppressed,"
              + " and such events are not counted");
    }
    this.buffer =
        spool != null
            ? spool
            : new MemoryBuffer(
                config.maxBufferBytes, config.bufferPolicy, config.blockTimeoutNanos, clock);
    this.partitionKeys = config.partitionKeys;
    this.shutdownHookTimeoutNanos = config.shutdownHookTimeoutNanos;
    this.closeSink = config.closeSink;
    // With a spool, the worker also leaves at least half the spool to the buffer's policy.
    long share =
        Math.min(
            config.maxBufferBytes / 2,
            (long) config.maxRequestBytes * (config.maxInFlightRequests + 1));
    if (spool != null && config.spool != null) { // a spool was configured, and it opened
      share = Math.min(share, config.spool.maxBytes / 2);
    }
    this.workerShareBytes = Math.max(config.maxRecordBytes, share);

    RetryPolicy retry = RetryPolicy.from(config);
    this.worker = new WorkerThread(scheduler, reporter);
    this.settlement = new Settlement(buffer, metrics, reporter, clock);
    this.lanes = new Lanes(config, clock, settlement, retry);
    this.shardMaps =
        new ShardMapTracker(
            config, worker, reporter, metrics, clock, lanes, settlement, this::drain);
    this.dispatcher =
        new Dispatcher(
            config,
            worker,
            reporter,
            metrics,
            clock,
            lanes,
            settlement,
            retry,
            shardMaps,
            this::drain);
    this.auditor = new Auditor(config.auditPeriodNanos, buffer, metrics, clock);
  }

  /** The event type a schema id names, for events read back from a spool. */
  private static String typeName(SchemaRegistry registry, long schemaId) {
    CatalogEntry entry = registry.byId(schemaId);
    return entry != null ? entry.getEventType() : "unknown schema " + Hex.of(schemaId);
  }

  private static byte[] randomId() {
    byte[] id = new byte[16];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 16; i++) {
      id[i] = (byte) random.nextInt();
    }
    id[6] = (byte) ((id[6] & 0x0F) | 0x40); // UUIDv4
    id[8] = (byte) ((id[8] & 0x3F) | 0x80);
    return id;
  }

  void start() {
    if (shutdownHookTimeoutNanos >= 0) {
      shutdownHook =
          new Thread(
              () ->
                  close(shutdownHookTimeoutNanos)
                      .await(
                          shutdownHookTimeoutNanos + TimeUnit.MILLISECONDS.toNanos(100),
                          TimeUnit.NANOSECONDS),
              "tideline-shutdown-" + streamName);
      try {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
      } catch (IllegalStateException | SecurityException e) {
        reporter.logOnce("hook", "cannot register the shutdown hook: " + e);
        shutdownHook = null;
      }
    }
    worker.submit(this::startOnWorker, 0);
  }

  private void startOnWorker() {
    long now = clock.nanoTime();
    boolean auditSchemaKnown = !auditor.isOn() || writer.typeOf(ProducerAudit.class).entry != null;
    if (!auditSchemaKnown) {
      reporter.logOnce(
          "audit-schema",
          "the registry has no catalog entry for "
              + ProducerAudit.class.getName()
              + ", so this tracker sends no delivery audit");
    }
    auditor.start(now, auditSchemaKnown);
    Completion<Integer> size;
    try {
      size = sink.maxRecordBytes(streamName);
    } catch (RuntimeException e) {
      size = Completion.failed(e);
    }
    if (size != null) {
      size.whenComplete(
          (value, failure) -> {
            if (value != null) {
              lanes.lowerMaxRecordBytes(value);
            }
          });
    }
    shardMaps.load(); // for aggregation and for the per-shard rate limits
    drain();
  }

  // ---------------------------------------------------------------- front: callers' threads

  LogOutcome log(Object event) {
    Objects.requireNonNull(event, "event");
    return log(event, true, false, null);
  }

  LogReceipt logDurably(Object event) {
    Objects.requireNonNull(event, "event");
    LogReceipt receipt = new LogReceipt();
    LogOutcome outcome = log(event, true, false, receipt);
    if (outcome != LogOutcome.ACCEPTED) {
      return LogReceipt.refused(outcome);
    }
    if (!(buffer instanceof SpoolBuffer)) {
      receipt
          .written()
          .fail(
              new IllegalStateException(
                  "this tracker has no spool (TrackerBuilder.spool), so nothing is written to"
                      + " disk; the event is kept in memory and sent"));
    }
    return receipt;
  }

  private LogOutcome log(
      Object event, boolean mayBlock, boolean internal, @Nullable LogReceipt receipt) {
    if (closed && !internal) {
      return reporter.rejected(
          LogOutcome.CLOSED, event.getClass().getName(), "the tracker is closed");
    }
    EnvelopeWriter.Encoded encoded = encodedScratch.get();
    long eventTimeMicros = clock.currentTimeMicros();
    try {
      writer.encode(event, eventTimeMicros, encoded);
    } catch (RuntimeException | LinkageError e) {
      return reporter.rejected(
          LogOutcome.ENCODING_FAILED,
          event.getClass().getName(),
          "encoding " + event.getClass().getName() + " failed: " + e);
    }
    if (encoded.refusal != null) {
      return reporter.rejected(encoded.refusal, encoded.eventType, encoded.detail);
    }
    String key = partitionKey(event);
    TrackedEvent prepared =
        new TrackedEvent(
            Objects.requireNonNull(encoded.body), // encode gives a body unless it refused
            encoded.eventType,
            key,
            utf8Length(key),
            eventTimeMicros,
            producerHigh,
            producerLow);
    if (receipt != null) {
      prepared.receipt = receipt;
      receipt.accepted(prepared); // before the offer, whose lock publishes it to other threads
    }
    EventBuffer.Offer offer = offerScratch.get();
    offer.reserved = internal;
    // No room is counted for the send delay: an event that fits a record only without it is sent
    // without it (Lanes.route).
    buffer.offer(prepared, lanes.maxRecordBytes(), mayBlock, offer);
    if (offer.evicted != null) {
      List<TrackedEvent> evicted = offer.evicted;
      offer.evicted = null;
      Settlement.evicted(reporter, evicted, "evicted from the full buffer (DROP_OLDEST)");
    }
    if (offer.refusal != null) {
      return reporter.rejected(offer.refusal, encoded.eventType, offer.detail);
    }
    metrics.accepted.increment();
    metrics.bytesAccepted.add(prepared.body.length);
    metrics.type(prepared.eventType).accepted.increment();
    if (encoded.illFormedStrings) {
      reporter.illFormedStrings(prepared.eventType);
    }
    if (encoded.pii.hashed > 0) {
      metrics.piiValuesHashed.add(encoded.pii.hashed);
    }
    if (encoded.pii.dropped > 0) {
      metrics.piiValuesDropped.add(encoded.pii.dropped);
    }
    scheduleDrain();
    return LogOutcome.ACCEPTED;
  }

  /** Asks the worker to drain, unless a drain is already on its way. */
  private void scheduleDrain() {
    // Read before the CAS: while a drain is pending, logging threads only read the flag.
    if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
      worker.submit(this::drain, 0);
    }
  }

  /** The event's partition key, or null for any shard (the worker then picks one). */
  private @Nullable String partitionKey(Object event) {
    if (partitionKeys instanceof AnyShardKeys) {
      return null;
    }
    String key;
    try {
      key = partitionKeys.partitionKey(event, producerKey);
    } catch (RuntimeException e) {
      metrics.partitionKeyFallbacks.increment();
      reporter.logOnce(
          "pk-throw", "the partition key strategy threw; using the producer key: " + e);
      return producerKey;
    }
    if (key == null || key.isEmpty() || key.length() > 256) {
      metrics.partitionKeyFallbacks.increment();
      reporter.logOnce(
          "pk-invalid",
          "the partition key strategy returned "
              + (key == null ? "null" : "a key of " + key.length() + " characters")
              + " (must be 1 to 256); using the producer key");
      return producerKey;
    }
    return key;
  }

  private static int utf8Length(@Nullable String key) {
    if (key == null) {
      return 0;
    }
    int length = key.length();
    for (int i = 0; i < length; i++) {
      if (key.charAt(i) >= 0x80) {
        return key.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return length;
  }

  Completion<Void> flush() {
    Completion<Void> barrier = buffer.barrier();
    if (!barrier.isDone()) {
      pendingFlushes.incrementAndGet();
      barrier.whenComplete((value, failure) -> pendingFlushes.decrementAndGet());
      worker.submit(this::drain, 0);
    }
    return barrier;
  }

  Completion<Void> close(final long timeoutNanos) {
    Completion<Void> completion;
    synchronized (closeLock) {
      if (closeCompletion != null) {
        return closeCompletion;
      }
      completion = Completion.create();
      closeCompletion = completion;
      closed = true;
    }
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException | SecurityException e) {
        // the JVM is already shutting down: the hook runs or ran
      }
    }
    worker.submit(() -> beginClose(timeoutNanos), 0);
    return completion;
  }

  TrackerMetrics metrics() {
    long oldest = Math.min(buffer.oldestQueuedNanos(), oldestInPipelineNanos);
    long age = oldest == Long.MAX_VALUE ? 0 : Math.max(0, (clock.nanoTime() - oldest) / 1000);
    TrackerMetrics snapshot =
        metrics.snapshot(buffer.bytes(), buffer.events(), age, lanes.maxRecordBytes());
    snapshot.storageProblems = metrics.storageProblems.sum();
    snapshot.partitionKeyFallbacks = metrics.partitionKeyFallbacks.sum();
    snapshot.requestWindowShrinks = metrics.requestWindowShrinks.sum();
    snapshot.eventsWithIllFormedStrings = metrics.eventsWithIllFormedStrings.sum();
    snapshot.piiValuesHashed = metrics.piiValuesHashed.sum();
    snapshot.piiValuesDropped = metrics.piiValuesDropped.sum();
    if (buffer instanceof SpoolBuffer) {
      snapshot.spool = ((SpoolBuffer) buffer).metrics();
    }
    return snapshot;
  }

  long trimMemory() {
    return buffer.trimMemory();
  }

  void setContext(Context context) {
    writer.setContext(Objects.requireNonNull(context, "context"));
  }

  Context context() {
    return writer.context();
  }

  byte[] producerId() {
    return producerId.clone();
  }

  String streamName() {
    return streamName;
  }

  /** For tests: the buffer. */
  EventBuffer buffer() {
    return buffer;
  }

  /** For tests: the registered shutdown hook, or null. */
  @Nullable Thread shutdownHook() {
    return shutdownHook;
  }

  // ---------------------------------------------------------------- worker

  /** The drain loop: everything due runs here, then the worker sleeps until the next due time. */
  private void drain() {
    drainScheduled.set(false);
    if (finished) {
      return;
    }
    long now = clock.nanoTime();
    if (!closing && auditor.periodEnded(now)) {
      log(auditor.record(), false, true, null);
    }
    shardMaps.refreshIfDue(now);
    if (shardMaps.awaitingFirstMap(now, buffer.oldestQueuedNanos())) {
      scheduleWake(now);
      return;
    }
    boolean flushing = isFlushing();
    take();
    lanes.expire(now);
    lanes.seal(now, flushing);
    dispatcher.send(now, flushing);
    oldestInPipelineNanos = Math.min(lanes.oldestAcceptedNanos(), dispatcher.oldestInFlightNanos());
    scheduleWake(now);
  }

  private boolean isFlushing() {
    return closing || pendingFlushes.get() > 0;
  }

  /** Takes events from the buffer into the lanes while the worker's share has room. */
  private void take() {
    while (settlement.heldBytes() < workerShareBytes || settlement.heldBytes() == 0) {
      long held = settlement.heldBytes();
      List<TrackedEvent> events =
          buffer.poll(held == 0 ? workerShareBytes : workerShareBytes - held);
      if (events.isEmpty()) {
        return;
      }
      for (TrackedEvent event : events) {
        settlement.took(event);
        lanes.route(event);
      }
    }
  }

  /** Sets one wake-up for the earliest timed work; results, logs and flushes wake it otherwise. */
  private void scheduleWake(long now) {
    if (finished) {
      return;
    }
    long next = lanes.nextDueNanos(now, isFlushing(), dispatcher.mayCall());
    next = Math.min(next, shardMaps.nextDueNanos(now, buffer.oldestQueuedNanos()));
    if (!closing) {
      next = Math.min(next, auditor.nextDueNanos());
    }
    if (next == Long.MAX_VALUE) {
      return;
    }
    // Work that is due now was done by this drain; logs, flushes and results trigger the next.
    next = Math.max(next, now + MIN_WAKE_NANOS);
    if (wake != null && wakeAtNanos <= next && wakeAtNanos > now) {
      return; // an earlier or equal wake-up is already set
    }
    if (wake != null) {
      wake.cancel();
    }
    wakeAtNanos = next;
    final long at = next;
    wake =
        worker.schedule(
            () -> {
              if (wakeAtNanos == at) {
                wake = null;
                wakeAtNanos = Long.MAX_VALUE;
              }
              drain();
            },
            next - now);
    if (wake == null) {
      wakeAtNanos = Long.MAX_VALUE;
    }
  }

  // ---------------------------------------------------------------- close

  private void beginClose(long timeoutNanos) {
    if (closing) {
      return;
    }
    if (auditor.isOn()) {
      log(
          auditor.record(),
          false,
          true,
          null); // the last period, so the validator sees every count
    }
    closing = true;
    buffer.barrier().whenComplete((value, failure) -> worker.submit(this::finishClose, 0));
    worker.submit(this::finishClose, timeoutNanos);
    drain();
  }

  private void finishClose() {
    if (finished) {
      return;
    }
    finished = true;
    if (wake != null) {
      wake.cancel();
      wake = null;
    }
    List<TrackedEvent> left = new ArrayList<>(buffer.drainQueued());
    for (TrackedEvent event : left) {
      settlement.took(event); // held by the worker now, then dropped below
    }
    left.addAll(lanes.takeAll());
    left.addAll(shardMaps.stop());
    left.addAll(dispatcher.stop());
    List<TrackedEvent> lost = buffer.close(left, SPOOL_CLOSE_GRACE_NANOS);
    if (lost.size() < left.size()) {
      java.util.Set<TrackedEvent> lostSet =
          java.util.Collections.newSetFromMap(
              new java.util.IdentityHashMap<TrackedEvent, Boolean>());
      lostSet.addAll(lost);
      List<TrackedEvent> kept = new ArrayList<>();
      for (TrackedEvent event : left) {
        if (!lostSet.contains(event)) {
          kept.add(event);
        }
      }
      settlement.keptOnClose(kept);
    }
    if (!lost.isEmpty()) {
      settlement.drop(lost, DropReason.CLOSED, "not delivered before close timed out");
    }
    Completion<Void> sinkClosed;
    if (closeSink) {
      try {
        sinkClosed = sink.close();
      } catch (RuntimeException e) {
        sinkClosed = Completion.failed(e);
      }
      if (sinkClosed == null) {
        sinkClosed = Completion.succeeded(null);
      }
    } else {
      sinkClosed = Completion.succeeded(null);
    }
    // A sink that never finishes closing must not hold close() past its bound.
    final Scheduler.Cancellable fallback =
        worker.schedule(
            () -> {
              reporter.logOnce(
                  "sink-close", "the sink did not finish closing; the tracker closed anyway");
              terminate();
            },
            SINK_CLOSE_GRACE_NANOS);
    sinkClosed.whenComplete(
        (value, failure) -> {
          if (fallback != null) {
            fallback.cancel();
          }
          terminate();
        });
  }

  /** Stops the worker and completes close(); idempotent, from any thread. */
  private void terminate() {
    Completion<Void> done;
    synchronized (closeLock) {
      if (terminated) {
        return;
      }
      terminated = true;
      done = Objects.requireNonNull(closeCompletion, "made by close(), which began closing");
    }
    if (ownScheduler) {
      scheduler.shutdown();
    }
    done.succeed(null);
  }
}
