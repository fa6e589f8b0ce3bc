package dev.tideline.benchmarks.sdk;

import dev.tideline.events.v1.Click;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Platform;
import dev.tideline.sdk.BufferPolicy;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.PartitionKeyStrategy;
import dev.tideline.sdk.TrackedEvent;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.TrackerBuilder;
import dev.tideline.sdk.TrackerListener;
import dev.tideline.sdk.TrackerMetrics;
import dev.tideline.sdk.sink.InMemorySink;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code Tracker.log()} into KPL-aggregated records in sdk-core's in-memory sink: 200-byte events
 * (the serialized event; the envelope around it makes 315 bytes), 100,000 distinct events cycled
 * through, 4 shards, the buffer's BLOCK policy (so a logging thread that outruns the worker waits
 * rather than drops, and the score is a sustained rate), and the shard rate limits lifted (there is
 * no Kinesis behind an in-memory sink). After every iteration the benchmark flushes, checks that
 * the sink acknowledged every event the tracker accepted and that none was dropped or refused, and
 * fails otherwise.
 *
 * <ul>
 *   <li>{@link #log}: one call; run in {@code thrpt} mode for events per second and in {@code
 *       sample} mode for the latency distribution of a call (p99).
 *   <li>{@link #logAndFlush}: 100,000 distinct events then a flush that waits for the sink's
 *       acknowledgement of all of them; scores are per event, end to end.
 * </ul>
 *
 * <p>Run (README, "Benchmarks"): {@code java -jar benchmarks/target/benchmarks.jar
 * TrackerLogBenchmark -t 1} and {@code -t 4}.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TrackerLogBenchmark {
  /** Distinct events cycled through; every iteration logs each of them at least once. */
  static final int DISTINCT_EVENTS = 100_000;

  /** The size of one serialized event. */
  static final int EVENT_BYTES = 200;

  /**
   * The partition-key strategy: {@code perEvent} (the default: a random key, and so an MD5, per
   * event) or {@code perProducer} (one key, hashed once).
   */
  @Param({"perEvent", "perProducer"})
  public String partitionKeys;

  private Click[] events;
  private InMemorySink sink;
  private Tracker tracker;
  private final LongAdder acknowledged = new LongAdder();
  private long acknowledgedBefore;

  /** Each logging thread's place in the events. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup(Level.Trial)
    public void start() {
      // Threads start at different places, so that they log different events.
      next = (int) (Thread.currentThread().getId() * 7919 % DISTINCT_EVENTS);
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    events = events();
    sink = InMemorySink.withShards(4);
    tracker =
        builder(
                sink,
                partitionKeys.equals("perProducer")
                    ? PartitionKeyStrategy.perProducer()
                    : PartitionKeyStrategy.perEvent(),
                acknowledged)
            .build();
  }

  /** One call of {@code log()}. */
  @Benchmark
  @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public LogOutcome log(Cursor cursor) {
    int i = cursor.next;
    cursor.next = i + 1 == DISTINCT_EVENTS ? 0 : i + 1;
    return tracker.log(events[i]);
  }

  /** 100,000 distinct events, then a flush that waits for the sink's acknowledgement. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(DISTINCT_EVENTS)
  public void logAndFlush(Blackhole blackhole) {
    for (Click event : events) {
      blackhole.consume(tracker.log(event));
    }
    if (!tracker.flush().await(1, TimeUnit.MINUTES)) {
      throw new IllegalStateException("flush did not complete in a minute: " + tracker.metrics());
    }
  }

  /**
   * Every event accepted so far was acknowledged by the sink, none dropped or refused; the sink's
   * records are let go so that memory stays flat.
   */
  @TearDown(Level.Iteration)
  public void checkEveryEventWasAcknowledged() {
    long acked = awaitEveryAcknowledged(tracker, acknowledged);
    if (acked - acknowledgedBefore < DISTINCT_EVENTS) {
      throw new IllegalStateException(
          "an iteration logged only " + (acked - acknowledgedBefore) + " events");
    }
    acknowledgedBefore = acked;
    sink.clear();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    tracker.close(10, TimeUnit.SECONDS).await(20, TimeUnit.SECONDS);
  }

  /**
   * A tracker builder with this benchmark's settings: the sink, a 64 MiB buffer, the BLOCK policy,
   * rate limits lifted, and a listener that counts acknowledged events. Shared with {@code
   * dev.tideline.sdk.SpoolBenchmark}, so that its figures compare with these.
   */
  public static TrackerBuilder builder(
      InMemorySink sink, PartitionKeyStrategy partitionKeys, LongAdder acknowledged) {
    return Tracker.builder()
        .streamName("benchmark")
        .sink(sink)
        .context(
            Context.newBuilder()
                .setAppId("benchmarks")
                .setAppVersion("1.0.0")
                .setPlatform(Platform.JVM)
                .setHost("bench")
                .build())
        .partitionKeys(partitionKeys)
        .bufferPolicy(BufferPolicy.BLOCK)
        .blockTimeout(1, TimeUnit.MINUTES)
        .maxBufferBytes(64L * 1024 * 1024)
        .rateLimitFactor(10_000)
        .listener(
            new TrackerListener() {
              @Override
              public void onAcknowledged(List<TrackedEvent> acked) {
                acknowledged.add(acked.size());
              }
            });
  }

  /**
   * Flushes, then checks that the sink acknowledged every event the tracker accepted (as counted by
   * the listener of {@link #builder}) and that none was dropped or refused.
   *
   * @return the events acknowledged so far
   * @throws IllegalStateException if the flush took over a minute or any event went missing
   */
  public static long awaitEveryAcknowledged(Tracker tracker, LongAdder acknowledged) {
    if (!tracker.flush().await(1, TimeUnit.MINUTES)) {
      throw new IllegalStateException("flush did not complete in a minute: " + tracker.metrics());
    }
    // The listener hears of acknowledgements just after the flush handle completes.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (acknowledged.sum() < tracker.metrics().eventsAccepted()
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    TrackerMetrics metrics = tracker.metrics();
    long acked = acknowledged.sum();
    if (metrics.eventsDropped() != 0 || metrics.eventsRejected() != 0) {
      throw new IllegalStateException("events were dropped or refused: " + metrics);
    }
    if (acked != metrics.eventsAccepted()) {
      throw new IllegalStateException(
          "the sink acknowledged " + acked + " of " + metrics.eventsAccepted() + " events");
    }
    return acked;
  }

  /** Distinct clicks of exactly {@value #EVENT_BYTES} bytes each. */
  static Click[] events() {
    return clicks(DISTINCT_EVENTS, EVENT_BYTES);
  }

  /** Distinct clicks whose serialized size is exactly eventBytes each. */
  public static Click[] clicks(int count, int eventBytes) {
    Click[] events = new Click[count];
    for (int i = 0; i < count; i++) {
      Click.Builder click =
          Click.newBuilder()
              .setElementId("element-" + i)
              .setScreenName("checkout")
              .setTargetUrl("https://example.com/items/" + (i % 1000))
              .setX(i % 1080)
              .setY(i % 1920);
      // The text's length prefix takes 1 or 2 bytes: converge on the exact size.
      int text = eventBytes - click.build().getSerializedSize() - 2;
      events[i] = click.setElementText("x".repeat(text)).build();
      for (int tries = 0; tries < 3 && events[i].getSerializedSize() != eventBytes; tries++) {
        text += eventBytes - events[i].getSerializedSize();
        events[i] = click.setElementText("x".repeat(text)).build();
      }
      if (events[i].getSerializedSize() != eventBytes) {
        throw new IllegalStateException(
            "event " + i + " has " + events[i].getSerializedSize() + " bytes");
      }
    }
    return events;
  }
}
