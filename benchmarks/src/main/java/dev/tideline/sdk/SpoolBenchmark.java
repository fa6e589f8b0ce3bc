package dev.tideline.sdk;

import com.squareup.tape2.QueueFile;
import dev.tideline.benchmarks.sdk.TrackerLogBenchmark;
import dev.tideline.events.v1.Click;
import dev.tideline.sdk.sink.InMemorySink;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
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

/**
 * The durable spool's write rate, against memory-only logging and against Square's Tape {@code
 * QueueFile} in the same run. Every spool and queue lives in a fresh directory under {@code
 * java.io.tmpdir}, deleted afterwards; the commit interval is the default, {@value
 * SpoolConfig#DEFAULT_COMMIT_INTERVAL_MILLIS} ms. Scores are events per second on one thread.
 *
 * <ul>
 *   <li>{@link #logDurably}: {@code Tracker.logDurably} of 100,000 events whose envelope (what the
 *       spool stores) is exactly {@value #ENVELOPE_BYTES} bytes, without waiting per event, then a
 *       wait for the last receipt's {@code written()}: the sustained durable rate with group
 *       commit. A durable event asks the writer to commit at once, so each commit holds what
 *       arrived while the previous one synced.
 *   <li>{@link #logDurablyAndWait}: the same, waiting for each receipt before the next call: one
 *       sync per event, as Tape does.
 *   <li>{@link #spoolAppend}: the storage alone, as the spool's writer thread drives it: {@code
 *       Spool.append} of {@value #ENVELOPE_BYTES}-byte envelopes, {@code commit()} (write and
 *       fsync) once {@value SpoolConfig#DEFAULT_COMMIT_INTERVAL_MILLIS} ms have passed since the
 *       last, then every committed frame is skipped and released, as after the sink's
 *       acknowledgement.
 *   <li>{@link #log}: {@code Tracker.log()} with {@code spool=off} and {@code spool=on}, the
 *       workload of {@link TrackerLogBenchmark} (200-byte events, so envelopes of 315 bytes), so
 *       the two compare with each other and with that benchmark.
 *   <li>{@link #tapeAdd}: {@code QueueFile.add} of the same {@value #ENVELOPE_BYTES}-byte
 *       envelopes; every 2,000 adds the elements are read back, checked and removed. Tape opens its
 *       file in {@code rwd} mode, so every add is synced before it returns: it has no group commit.
 * </ul>
 *
 * <p>Each benchmark checks its result after every iteration and fails if an event was lost or
 * refused: the trackers' sink acknowledged every accepted event and the spool wrote every one (none
 * kept in memory after a failed write); the storage benchmark reopens its spool and finds every
 * sequence written and acknowledged, nothing corrupt; the Tape benchmark read back every element it
 * added, in order.
 *
 * <p>This class is in sdk-core's package to reach the package-private {@link Spool}.
 *
 * <p>Run (benchmarks/README.md): {@code java -jar benchmarks/target/benchmarks.jar SpoolBenchmark}.
 */
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class SpoolBenchmark {
  /** The size of one envelope as the spool stores it (the "200-byte events"). */
  static final int ENVELOPE_BYTES = 200;

  /** Events logged per invocation of the batch benchmarks; distinct events cycled through. */
  static final int BATCH = 100_000;

  /** Tape elements added between two read-and-remove passes. */
  static final int TAPE_REMOVE_EVERY = 2_000;

  private static final String CLICK = "tideline.events.v1.Click";

  static final long COMMIT_INTERVAL_NANOS =
      TimeUnit.MILLISECONDS.toNanos(SpoolConfig.DEFAULT_COMMIT_INTERVAL_MILLIS);

  // ---------------------------------------------------------------- trackers

  /** A tracker with the spool, logging events of {@value #ENVELOPE_BYTES}-byte envelopes. */
  @State(Scope.Benchmark)
  public static class DurableTracker {
    Click[] events;
    TrackerUnderTest tracker;
    int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      events = envelopeSizedClicks(BATCH, ENVELOPE_BYTES);
      tracker = new TrackerUnderTest(true, ENVELOPE_BYTES);
    }

    @TearDown(Level.Iteration)
    public void checkEveryEventWasWrittenAndAcknowledged() {
      tracker.check();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      tracker.close();
    }
  }

  /** The workload of {@link TrackerLogBenchmark}, with the spool off or on. */
  @State(Scope.Benchmark)
  public static class LoggingTracker {
    @Param({"off", "on"})
    public String spool;

    Click[] events;
    TrackerUnderTest tracker;
    int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      events = TrackerLogBenchmark.clicks(BATCH, 200);
      tracker = new TrackerUnderTest(spool.equals("on"), 0);
    }

    @TearDown(Level.Iteration)
    public void checkEveryEventWasAcknowledged() {
      tracker.check();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      tracker.close();
    }
  }

  /** 100,000 durable events without waiting per event, then the last one's write. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(BATCH)
  public void logDurably(DurableTracker state) {
    Tracker tracker = state.tracker.tracker;
    LogReceipt last = null;
    for (Click event : state.events) {
      last = tracker.logDurably(event);
      if (last.outcome() != LogOutcome.ACCEPTED) {
        throw new IllegalStateException("refused: " + last.outcome() + "; " + tracker.metrics());
      }
    }
    awaitWritten(Objects.requireNonNull(last, "a batch is not empty"), tracker);
  }

  /** One durable event, waiting until it is synced. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void logDurablyAndWait(DurableTracker state) {
    int i = state.next;
    state.next = i + 1 == BATCH ? 0 : i + 1;
    Tracker tracker = state.tracker.tracker;
    LogReceipt receipt = tracker.logDurably(state.events[i]);
    if (receipt.outcome() != LogOutcome.ACCEPTED) {
      throw new IllegalStateException("refused: " + receipt.outcome() + "; " + tracker.metrics());
    }
    awaitWritten(receipt, tracker);
  }

  /** One {@code log()} call, with the spool off or on. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public LogOutcome log(LoggingTracker state) {
    int i = state.next;
    state.next = i + 1 == BATCH ? 0 : i + 1;
    return state.tracker.tracker.log(state.events[i]);
  }

  private static void awaitWritten(LogReceipt receipt, Tracker tracker) {
    if (!receipt.written().await(1, TimeUnit.MINUTES) || !receipt.written().isSuccess()) {
      throw new IllegalStateException(
          "not written within a minute: " + receipt.written() + "; " + tracker.metrics());
    }
  }

  /**
   * A tracker over sdk-core's in-memory sink (which acknowledges at once) with the settings of
   * {@link TrackerLogBenchmark}, optionally with a spool in a temporary directory.
   */
  static final class TrackerUnderTest {
    final Tracker tracker;
    final InMemorySink sink = InMemorySink.withShards(4);
    final LongAdder acknowledged = new LongAdder();
    final LongAdder wrongSize = new LongAdder();
    final @Nullable Path directory; // when spooled
    final boolean spooled;
    long acknowledgedBefore;

    /**
     * @param envelopeBytes the envelope size every acknowledged event must have, or 0 for any
     */
    TrackerUnderTest(boolean spooled, int envelopeBytes) throws IOException {
      this.spooled = spooled;
      this.directory = spooled ? Files.createTempDirectory("tideline-spool-benchmark") : null;
      TrackerBuilder builder =
          TrackerLogBenchmark.builder(sink, PartitionKeyStrategy.perEvent(), acknowledged);
      if (envelopeBytes > 0) {
        builder.listener(
            new TrackerListener() {
              @Override
              public void onAcknowledged(List<TrackedEvent> acked) {
                for (TrackedEvent event : acked) {
                  if (event.body.length != envelopeBytes && event.eventType().equals(CLICK)) {
                    wrongSize.increment();
                  }
                }
                acknowledged.add(acked.size());
              }
            });
      }
      if (directory != null) {
        builder.spool(
            SpoolConfig.builder(directory.toFile())
                .commitInterval(SpoolConfig.DEFAULT_COMMIT_INTERVAL_MILLIS, TimeUnit.MILLISECONDS)
                .build());
      }
      tracker = builder.build();
    }

    /**
     * Every accepted event was acknowledged, none dropped or refused, every one written to the
     * spool (when on) and of the expected size; an iteration logged something.
     */
    void check() {
      long acked = TrackerLogBenchmark.awaitEveryAcknowledged(tracker, acknowledged);
      TrackerMetrics metrics = tracker.metrics();
      if (spooled) {
        SpoolMetrics spool = metrics.spool();
        if (spool == null
            || spool.written() != metrics.eventsAccepted()
            || spool.keptInMemory() != 0
            || spool.writeFailures() != 0) {
          throw new IllegalStateException(
              "the spool did not write every accepted event: " + metrics);
        }
      }
      if (wrongSize.sum() != 0) {
        throw new IllegalStateException(wrongSize.sum() + " envelopes had another size");
      }
      if (acked == acknowledgedBefore) {
        throw new IllegalStateException("an iteration logged nothing");
      }
      acknowledgedBefore = acked;
      sink.clear();
    }

    void close() {
      tracker.close(10, TimeUnit.SECONDS).await(20, TimeUnit.SECONDS);
      if (directory != null) {
        deleteRecursively(directory);
      }
    }
  }

  /**
   * Clicks whose envelope, as the tracker builds it and the spool stores it, is exactly that many
   * bytes: the envelope's fields around the event are measured once through a tracker.
   */
  static Click[] envelopeSizedClicks(int count, int envelopeBytes) {
    int eventBytes = envelopeBytes;
    for (int tries = 0; tries < 4; tries++) {
      int measured = envelopeBytes(TrackerLogBenchmark.clicks(1, eventBytes)[0]);
      if (measured == envelopeBytes) {
        return TrackerLogBenchmark.clicks(count, eventBytes);
      }
      eventBytes += envelopeBytes - measured;
    }
    throw new IllegalStateException("no click makes an envelope of " + envelopeBytes + " bytes");
  }

  /** The envelope size of one event, logged through a tracker like the benchmark's. */
  private static int envelopeBytes(Click click) {
    AtomicInteger size = new AtomicInteger();
    Tracker tracker =
        TrackerLogBenchmark.builder(
                InMemorySink.withShards(1), PartitionKeyStrategy.perEvent(), new LongAdder())
            .listener(
                new TrackerListener() {
                  @Override
                  public void onAcknowledged(List<TrackedEvent> acked) {
                    for (TrackedEvent event : acked) {
                      if (event.eventType().equals(CLICK)) { // not the tracker's own audit events
                        size.set(event.body.length);
                      }
                    }
                  }
                })
            .build();
    try {
      tracker.log(click);
      tracker.flush().await(10, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (size.get() == 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
    } finally {
      tracker.close(1, TimeUnit.SECONDS).await(2, TimeUnit.SECONDS);
    }
    if (size.get() == 0) {
      throw new IllegalStateException("the probe event was not acknowledged");
    }
    return size.get();
  }

  // ---------------------------------------------------------------- the storage alone

  /** A spool in a temporary directory, appended to and committed by the benchmark thread. */
  @State(Scope.Benchmark)
  public static class Storage {
    Path directory;
    Spool spool;
    final byte[] partitionKey =
        Long.toHexString(0x5EED5EED5EED5EEDL).getBytes(StandardCharsets.US_ASCII);
    final byte[] envelope = randomBytes(ENVELOPE_BYTES);
    long sequence;
    long[] positions = new long[16 * 1024];
    long[] sequences = new long[16 * 1024];
    int uncommitted;
    long lastCommitNanos;
    int frameBytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      directory = Files.createTempDirectory("tideline-spool-benchmark");
      spool = open();
      frameBytes = SpoolFormat.frameBytes(partitionKey.length, envelope.length);
      lastCommitNanos = System.nanoTime();
    }

    private Spool open() throws IOException {
      return Spool.open(
          directory.toFile(),
          SpoolFiles.REAL,
          SpoolConfig.DEFAULT_MAX_BYTES,
          SpoolConfig.DEFAULT_SEGMENT_BYTES,
          null);
    }

    void append() throws IOException {
      long position = spool.append(++sequence, partitionKey, envelope, envelope.length);
      if (position < 0) {
        throw new IllegalStateException("the spool is full at sequence " + sequence);
      }
      if (uncommitted == positions.length) {
        positions = Arrays.copyOf(positions, uncommitted * 2);
        sequences = Arrays.copyOf(sequences, uncommitted * 2);
      }
      positions[uncommitted] = position;
      sequences[uncommitted++] = sequence;
    }

    /** Writes and syncs, then lets go of the frames as the buffer does once they are sent. */
    void commit() throws IOException {
      spool.commit();
      spool.publish();
      for (int i = 0; i < uncommitted; i++) {
        spool.skip(positions[i], frameBytes);
        spool.release(positions[i], sequences[i]);
      }
      uncommitted = 0;
      lastCommitNanos = System.nanoTime();
    }

    /**
     * Commits what is left and the acknowledgements, then reopens the spool: it must hold every
     * sequence, all acknowledged, and nothing corrupt.
     */
    @TearDown(Level.Iteration)
    public void checkEverySequenceIsDurable() throws IOException {
      commit();
      spool.commit(); // the acknowledgement frames of the last releases
      spool.close();
      spool = open();
      Spool.Recovery recovery = spool.recovery();
      if (spool.lastSequence() != sequence
          || recovery.events != 0
          || recovery.tornTailBytes != 0
          || spool.corruptRegions() != 0) {
        throw new IllegalStateException(
            "after reopening: last sequence "
                + spool.lastSequence()
                + " of "
                + sequence
                + ", "
                + recovery
                + ", "
                + spool.corruptRegions()
                + " corrupt regions");
      }
      lastCommitNanos = System.nanoTime();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      spool.close();
      deleteRecursively(directory);
    }
  }

  /** One {@code Spool.append}; a commit when the interval has passed since the last. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void spoolAppend(Storage state) throws IOException {
    state.append();
    if (System.nanoTime() - state.lastCommitNanos >= COMMIT_INTERVAL_NANOS) {
      state.commit();
    }
  }

  // ---------------------------------------------------------------- Square's Tape

  /** A Tape {@code QueueFile} in a temporary directory. */
  @State(Scope.Benchmark)
  public static class Tape {
    Path directory;
    QueueFile queue;
    final byte[] element = randomBytes(ENVELOPE_BYTES);
    long added;
    long removed;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      directory = Files.createTempDirectory("tideline-tape-benchmark");
      queue = new QueueFile.Builder(directory.resolve("queue").toFile()).build();
    }

    void add() throws IOException {
      SpoolFormat.putLong(element, 0, ++added);
      queue.add(element);
      if (queue.size() >= TAPE_REMOVE_EVERY) {
        readAndRemove();
      }
    }

    /** Reads every element back, checks it is the next one added, and removes them all. */
    void readAndRemove() throws IOException {
      int count = 0;
      for (Iterator<byte[]> it = queue.iterator(); it.hasNext(); count++) {
        byte[] read = it.next();
        long expected = removed + count + 1;
        if (read.length != ENVELOPE_BYTES || SpoolFormat.getLong(read, 0) != expected) {
          throw new IllegalStateException("element " + expected + " came back wrong");
        }
      }
      queue.remove(count);
      removed += count;
    }

    @TearDown(Level.Iteration)
    public void checkEveryElementCameBack() throws IOException {
      readAndRemove();
      if (removed != added || !queue.isEmpty()) {
        throw new IllegalStateException("read back " + removed + " of " + added + " elements");
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      queue.close();
      deleteRecursively(directory);
    }
  }

  /** One {@code QueueFile.add} (synced before it returns); every 2,000, read back and remove. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void tapeAdd(Tape state) throws IOException {
    state.add();
  }

  // ---------------------------------------------------------------- helpers

  static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    new Random(42).nextBytes(bytes);
    return bytes;
  }

  static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + directory, e);
    }
  }
}
