package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.sink.RecordSink;
import dev.tideline.sdk.testkit.FaultInjectingSink;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracker with a spool, on the real clock, scheduler and disk, against an in-memory sink: what
 * is durable survives a close and a new tracker, sequences go on, and disk trouble (full, denied, a
 * segment deleted, an unusable directory, corrupt or torn files) is reported and loses nothing
 * else.
 */
class SpoolTrackerTest {
  /** Names each envelope's event type from its schema id. */
  private static final SchemaRegistry EVENT_TYPES = Harness.REGISTRY;

  @TempDir File directory;

  private final SpoolFaults faults = new SpoolFaults();
  private final Harness.RecordingListener listener = new Harness.RecordingListener();
  private final List<String> storageProblems = Collections.synchronizedList(new ArrayList<>());
  private final List<Tracker> trackers = new ArrayList<>();

  @AfterEach
  void closeTrackers() {
    for (Tracker tracker : trackers) {
      tracker.close(1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }

  private SpoolConfig.Builder spool() {
    return SpoolConfig.builder(directory).files(faults);
  }

  private Tracker start(RecordSink sink, SpoolConfig spool) {
    Tracker tracker =
        Tracker.builder()
            .streamName("events")
            .sink(sink)
            .registry(Harness.REGISTRY)
            .listener(
                new TrackerListener() {
                  @Override
                  public void onAcknowledged(List<TrackedEvent> events) {
                    listener.onAcknowledged(events);
                  }

                  @Override
                  public void onDropped(List<TrackedEvent> events, DropReason reason, String d) {
                    listener.onDropped(events, reason, d);
                  }

                  @Override
                  public void onStorageProblem(String detail) {
                    storageProblems.add(detail);
                  }
                })
            .auditPeriod(0, TimeUnit.SECONDS)
            .lingerTime(5, TimeUnit.MILLISECONDS)
            .retryBackoff(1, 5, TimeUnit.MILLISECONDS)
            .maxAttempts(1_000_000)
            .closeSinkOnClose(false)
            .spool(spool)
            .build();
    trackers.add(tracker);
    return tracker;
  }

  private static List<Long> sequences(InMemorySink sink) {
    List<Long> out = new ArrayList<>();
    for (Envelope envelope : sink.storedEnvelopes()) {
      out.add(envelope.getSequence());
    }
    Collections.sort(out);
    return out;
  }

  private static List<Long> range(long first, long last) {
    List<Long> out = new ArrayList<>();
    for (long i = first; i <= last; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void aDurableEventIsWrittenThenAcknowledged() {
    InMemorySink sink = InMemorySink.create();
    Tracker tracker = start(sink, spool().build());
    LogReceipt receipt = tracker.logDurably(Harness.payment(1));
    assertThat(receipt.outcome()).isEqualTo(LogOutcome.ACCEPTED);
    assertThat(receipt.written().await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(receipt.written().failure()).isNull();
    assertThat(receipt.acknowledged().await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(receipt.acknowledged().failure()).isNull();
    assertThat(sequences(sink)).containsExactly(1L);
    Envelope stored = sink.storedEnvelopes().get(0);
    assertThat(stored.getProducerId().toByteArray()).isEqualTo(tracker.producerId());
    assertThat(receipt.sequence()).isEqualTo(1);
    java.nio.ByteBuffer producer = stored.getProducerId().asReadOnlyByteBuffer();
    assertThat(receipt.eventId())
        .isEqualTo(
            dev.tideline.wire.Envelopes.eventId(
                producer.getLong(), producer.getLong(), stored.getSequence()));
    assertThat(tracker.metrics().spool().written()).isEqualTo(1);
  }

  @Test
  void withoutASpoolADurableEventSaysItIsNotOnDiskAndIsStillSent() {
    InMemorySink sink = InMemorySink.create();
    Tracker tracker =
        Tracker.builder()
            .streamName("events")
            .sink(sink)
            .registry(Harness.REGISTRY)
            .auditPeriod(0, TimeUnit.SECONDS)
            .lingerTime(1, TimeUnit.MILLISECONDS)
            .build();
    trackers.add(tracker);
    LogReceipt receipt = tracker.logDurably(Harness.payment(1));
    assertThat(receipt.written().failure()).hasMessageContaining("no spool");
    assertThat(receipt.acknowledged().await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(tracker.metrics().spool()).isNull();
  }

  @Test
  void closeWritesWhatWaitsInMemoryBeforeItReturns() {
    FaultInjectingSink down =
        FaultInjectingSink.wrap(InMemorySink.create())
            .failNextCalls(Integer.MAX_VALUE, "InternalFailure");
    Tracker first = start(down, spool().commitInterval(1, TimeUnit.HOURS).build());
    for (int i = 1; i <= 10; i++) {
      first.log(Harness.payment(i)); // plain log(): waits for the next group commit, an hour away
    }
    assertThat(first.close(1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(first.metrics().dropped()).doesNotContainKey(DropReason.CLOSED);

    InMemorySink up = InMemorySink.create();
    Tracker second = start(up, spool().build());
    assertThat(second.flush().await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(sequences(up)).isEqualTo(range(1, 10));
  }

  @Test
  void eventsUndeliveredAtCloseAreSentByTheNextTrackerWithTheirSequences() {
    FaultInjectingSink down =
        FaultInjectingSink.wrap(InMemorySink.create())
            .failNextCalls(Integer.MAX_VALUE, "InternalFailure");
    Tracker first = start(down, spool().build());
    byte[] producer = first.producerId();
    List<LogReceipt> receipts = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      receipts.add(first.logDurably(Harness.payment(i)));
    }
    for (LogReceipt receipt : receipts) {
      assertThat(receipt.written().await(5, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(first.close(200, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(first.metrics().dropped()).doesNotContainKey(DropReason.CLOSED);
    assertThat(receipts.get(0).acknowledged().failure()).hasMessageContaining("stays in the spool");

    InMemorySink up = InMemorySink.create();
    Tracker second = start(up, spool().build());
    assertThat(second.producerId()).isEqualTo(producer);
    assertThat(second.metrics().spool().recovered()).isEqualTo(50);
    await().atMost(Duration.ofSeconds(10)).until(() -> up.storedEnvelopes().size() == 50);
    assertThat(sequences(up)).isEqualTo(range(1, 50));
    second.log(Harness.payment(51));
    assertThat(second.flush().await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(sequences(up)).isEqualTo(range(1, 51));
  }

  @Test
  void sequencesGoOnAfterARestartEvenWhenEverythingWasDelivered() {
    InMemorySink sink = InMemorySink.create();
    Tracker first = start(sink, spool().build());
    for (int i = 1; i <= 3; i++) {
      first.log(Harness.payment(i));
    }
    assertThat(first.flush().await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(first.close(1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS)).isTrue();

    Tracker second = start(sink, spool().build());
    second.log(Harness.payment(4));
    assertThat(second.flush().await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(sequences(sink)).isEqualTo(range(1, 4));
    assertThat(second.producerId()).isEqualTo(first.producerId());
  }

  @Test
  void theAuditsSequenceRangesGoOnAfterARestart() throws Exception {
    InMemorySink sink = InMemorySink.create();
    for (int run = 0; run < 2; run++) {
      Tracker tracker =
          Tracker.builder()
              .streamName("events")
              .sink(sink)
              .registry(Harness.REGISTRY)
              .auditPeriod(1, TimeUnit.HOURS) // one audit record, at close
              .lingerTime(1, TimeUnit.MILLISECONDS)
              .closeSinkOnClose(false)
              .spool(spool().build())
              .build();
      for (int i = 0; i < 3; i++) {
        tracker.log(Harness.payment(i));
      }
      assertThat(tracker.close(5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS)).isTrue();
    }
    List<dev.tideline.events.v1.ProducerAudit> audits = new ArrayList<>();
    List<Long> auditSequences = new ArrayList<>();
    for (Envelope envelope : sink.storedEnvelopes()) {
      if (EVENT_TYPES.eventType(envelope).equals("tideline.events.v1.ProducerAudit")) {
        audits.add(dev.tideline.events.v1.ProducerAudit.parseFrom(envelope.getPayload()));
        auditSequences.add(envelope.getSequence());
      }
    }
    assertThat(auditSequences).containsExactly(4L, 8L);
    assertThat(audits.get(0).getFirstSequence()).isEqualTo(1);
    assertThat(audits.get(0).getLastSequence()).isEqualTo(3);
    // The second run's range starts after everything the first run gave, its audit included.
    assertThat(audits.get(1).getFirstSequence()).isEqualTo(5);
    assertThat(audits.get(1).getLastSequence()).isEqualTo(7);
    assertThat(sequences(sink)).isEqualTo(range(1, 8));
  }

  @Test
  void anIdleTrackerWritesItsAcknowledgementsSoACrashDoesNotSendThemAgain() {
    InMemorySink sink = InMemorySink.create();
    Tracker first = start(sink, spool().build());
    for (int i = 1; i <= 20; i++) {
      first.log(Harness.payment(i));
    }
    assertThat(first.flush().await(5, TimeUnit.SECONDS)).isTrue();
    // Nothing more is logged; the acknowledgements must reach the disk on their own.
    SpoolBuffer buffer = (SpoolBuffer) first.pipeline().buffer();
    await().atMost(Duration.ofSeconds(5)).until(() -> buffer.acknowledgementCommits() > 0);
    buffer.spool().abandon(); // the process dies: nothing else is written

    Tracker second = start(InMemorySink.create(), spool().build());
    assertThat(second.metrics().spool().recovered()).isZero();
  }

  @Test
  void trimmingMemoryLetsGoOfWrittenEventsWhichAreThenReadBackFromDisk() {
    Harness harness = new Harness();
    Tracker tracker =
        harness.start(harness.builder().lingerTime(0, TimeUnit.SECONDS).spool(spool().build()));
    trackers.add(tracker);
    LogReceipt last = null;
    for (int i = 1; i <= 100; i++) {
      if (i < 100) {
        tracker.log(Harness.payment(i));
      } else {
        last = tracker.logDurably(Harness.payment(i));
      }
    }
    assertThat(last.written().await(5, TimeUnit.SECONDS)).isTrue();
    // The worker has not run (manual scheduler): the written events wait in memory.
    assertThat(tracker.trimMemory()).isPositive();
    assertThat(tracker.trimMemory()).isZero();
    harness.scheduler.runDue();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              harness.scheduler.runDue();
              return harness.sink.storedEnvelopes().size() == 100;
            });
    assertThat(sequences(harness.sink)).isEqualTo(range(1, 100));
    assertThat(last.acknowledged().isDone()).isTrue();
  }

  @Test
  void withoutASpoolThereIsNothingToTrim() {
    Harness harness = new Harness();
    Tracker tracker = harness.start(harness.builder());
    trackers.add(tracker);
    tracker.log(Harness.payment(1));
    assertThat(tracker.trimMemory()).isZero();
  }

  @Test
  void aSecondTrackerOnTheSameDirectoryCannotBeBuilt() {
    start(InMemorySink.create(), spool().build());
    assertThatThrownBy(() -> start(InMemorySink.create(), spool().build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(directory.getPath())
        .hasMessageContaining("in use by another tracker");
  }

  @Test
  void anUnusableDirectoryIsReportedAndTheTrackerKeepsEventsInMemory() throws IOException {
    File notADirectory = new File(directory, "file");
    assertThat(notADirectory.createNewFile()).isTrue();
    InMemorySink sink = InMemorySink.create();
    Tracker tracker = start(sink, SpoolConfig.builder(notADirectory).build());
    assertThat(storageProblems).singleElement().asString().contains("cannot open the spool");
    tracker.log(Harness.payment(1));
    assertThat(tracker.flush().await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(sequences(sink)).containsExactly(1L);
    assertThat(tracker.metrics().storageProblems()).isEqualTo(1);
  }

  @Test
  void aFullDiskKeepsEventsInMemoryReportsItAndTheDiskIsUsedAgainOnceThereIsRoom() {
    InMemorySink sink = InMemorySink.create();
    Tracker tracker = start(sink, spool().build());
    faults.fillAfter(0);
    List<LogReceipt> receipts = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      receipts.add(tracker.logDurably(Harness.payment(i)));
    }
    assertThat(tracker.flush().await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(sequences(sink)).isEqualTo(range(1, 20));
    for (LogReceipt receipt : receipts) {
      // The spool's writer settles each receipt on its own thread, maybe after the send.
      assertThat(receipt.written().await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(receipt.written().failure()).hasMessageContaining("No space left on device");
      assertThat(receipt.acknowledged().failure()).isNull();
    }
    await().until(() -> String.join("\n", storageProblems).contains("No space left on device"));
    assertThat(tracker.metrics().spool().keptInMemory()).isEqualTo(20);
    assertThat(tracker.metrics().spool().writeFailures()).isGreaterThanOrEqualTo(1);

    faults.clear();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              LogReceipt receipt = tracker.logDurably(Harness.payment(0));
              return receipt.written().await(5, TimeUnit.SECONDS)
                  && receipt.written().failure() == null;
            });
    assertThat(tracker.flush().await(5, TimeUnit.SECONDS)).isTrue();
    List<Long> sent = sequences(sink);
    assertThat(sent).doesNotHaveDuplicates();
    assertThat(sent).isEqualTo(range(1, sent.size()));
  }

  @Test
  void aDeniedPermissionIsReportedAndNothingIsLost() {
    InMemorySink sink = InMemorySink.create();
    faults.denyCreate = true;
    Tracker tracker = start(sink, spool().build());
    for (int i = 1; i <= 5; i++) {
      tracker.log(Harness.payment(i));
    }
    assertThat(tracker.flush().await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(sequences(sink)).isEqualTo(range(1, 5));
    await().until(() -> String.join("\n", storageProblems).contains("Permission denied"));
  }

  @Test
  void aSegmentDeletedUnderTheSpoolIsReportedAndNothingIsLost() {
    InMemorySink sink = InMemorySink.create();
    Tracker tracker = start(sink, spool().build());
    assertThat(tracker.logDurably(Harness.payment(1)).written().await(5, TimeUnit.SECONDS))
        .isTrue();
    for (File file : segments()) {
      assertThat(file.delete()).isTrue();
    }
    LogReceipt second = tracker.logDurably(Harness.payment(2));
    assertThat(second.written().await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(second.written().failure()).hasMessageContaining("deleted under the spool");
    assertThat(second.acknowledged().await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(tracker.flush().await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(sequences(sink)).isEqualTo(range(1, 2));
  }

  @Test
  void theSpoolStaysWithinItsBoundAndRefusesWhatDoesNotFit() {
    FaultInjectingSink down =
        FaultInjectingSink.wrap(InMemorySink.create())
            .failNextCalls(Integer.MAX_VALUE, "InternalFailure");
    long bound = 2 * SpoolConfig.MIN_SEGMENT_BYTES;
    Tracker tracker =
        start(down, spool().maxBytes(bound).segmentBytes(SpoolConfig.MIN_SEGMENT_BYTES).build());
    int accepted = 0;
    int full = 0;
    for (int i = 0; i < 5_000 && full < 10; i++) {
      LogReceipt receipt = tracker.logDurably(Harness.paymentOfSize(i, 200));
      if (receipt.outcome() == LogOutcome.ACCEPTED) {
        accepted++;
        receipt.written().await(5, TimeUnit.SECONDS);
      } else {
        assertThat(receipt.outcome()).isEqualTo(LogOutcome.BUFFER_FULL);
        full++;
      }
      assertThat(segmentBytes()).isLessThanOrEqualTo(bound);
    }
    assertThat(full).isEqualTo(10);
    assertThat(accepted).isGreaterThan(100);
    assertThat(tracker.metrics().rejected()).containsEntry(LogOutcome.BUFFER_FULL, 10L);
  }

  @Test
  void underDropOldestAFullSpoolDropsItsOldestUnsentSegmentAndReportsEveryEventInIt() {
    FaultInjectingSink down =
        FaultInjectingSink.wrap(InMemorySink.create())
            .failNextCalls(Integer.MAX_VALUE, "InternalFailure");
    long segment = 256 * 1024;
    long bound = 16 * segment; // 4 MiB: the worker holds at most 1 MiB (one record) of it
    Tracker tracker =
        Tracker.builder()
            .streamName("events")
            .sink(down)
            .registry(Harness.REGISTRY)
            .listener(listener)
            .auditPeriod(0, TimeUnit.SECONDS)
            .bufferPolicy(BufferPolicy.DROP_OLDEST)
            .closeSinkOnClose(false)
            .spool(spool().maxBytes(bound).segmentBytes(segment).build())
            .build();
    trackers.add(tracker);
    int events = 20_000; // about 7 MiB of frames
    for (int i = 1; i <= events; i++) {
      Object event = Harness.paymentOfSize(i, 200);
      // Every 100th waits for its sync, so the writer keeps up and drops whole segments in time.
      LogOutcome outcome;
      if (i % 100 == 0) {
        LogReceipt receipt = tracker.logDurably(event);
        receipt.written().await(5, TimeUnit.SECONDS);
        outcome = receipt.outcome();
      } else {
        outcome = tracker.log(event);
      }
      assertThat(outcome)
          .as("event %d: %s %s", i, listener.rejections, tracker.metrics().spool())
          .isEqualTo(LogOutcome.ACCEPTED);
      if (i % 100 == 0) {
        assertThat(segmentBytes()).isLessThanOrEqualTo(bound);
      }
    }
    long dropped = tracker.metrics().dropped().getOrDefault(DropReason.BUFFER_FULL, 0L);
    assertThat(dropped).isGreaterThan(events / 4);
    assertThat(listener.dropped).hasSize((int) dropped);
    assertThat(listener.dropReasons).containsOnly(DropReason.BUFFER_FULL);
    // Whole unsent segments go, oldest first: never the newest events, never one twice.
    List<Long> droppedSequences = new ArrayList<>();
    for (TrackedEvent event : listener.dropped) {
      droppedSequences.add(event.sequence());
    }
    assertThat(droppedSequences).doesNotHaveDuplicates().allMatch(s -> s < events - 1_000);
  }

  // ---------------------------------------------------------------- damaged files, recovered

  /** Logs events that cannot be delivered, closes (they stay on disk), returns how many. */
  private int spoolUndelivered(int count) {
    FaultInjectingSink down =
        FaultInjectingSink.wrap(InMemorySink.create())
            .failNextCalls(Integer.MAX_VALUE, "InternalFailure");
    Tracker first = start(down, spool().build());
    for (int i = 1; i <= count; i++) {
      first.logDurably(Harness.payment(i)).written().await(5, TimeUnit.SECONDS);
    }
    first.close(100, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
    return count;
  }

  private Tracker recover(InMemorySink sink) {
    Tracker tracker = start(sink, spool().build());
    assertThat(tracker.flush().await(10, TimeUnit.SECONDS)).isTrue();
    return tracker;
  }

  private File onlySegment() {
    List<File> segments = segments();
    assertThat(segments).hasSize(1);
    return segments.get(0);
  }

  @Test
  void aBadChecksumMidSegmentLosesThatEventOnly() throws IOException {
    int count = spoolUndelivered(100);
    File segment = onlySegment();
    flip(segment, segment.length() / 2);
    InMemorySink sink = InMemorySink.create();
    Tracker tracker = recover(sink);
    List<Long> sent = sequences(sink);
    assertThat(sent).hasSize(count - 1).contains(1L, (long) count);
    assertThat(tracker.metrics().spool().corruptRegions()).isEqualTo(1);
  }

  @Test
  void aTornTailIsCutAndEverythingBeforeItIsSent() throws IOException {
    int count = spoolUndelivered(30);
    File segment = onlySegment();
    cut(segment, segment.length() - 3); // the last frame lost its last bytes
    InMemorySink sink = InMemorySink.create();
    Tracker tracker = recover(sink);
    assertThat(sequences(sink)).isEqualTo(range(1, count - 1));
    assertThat(tracker.metrics().spool().tornTailBytes()).isPositive();
  }

  @Test
  void aTruncatedSegmentKeepsItsSoundPrefix() throws IOException {
    spoolUndelivered(100);
    File segment = onlySegment();
    long before = segment.length();
    long at = before / 2 + 7; // inside a frame (frames are over 100 bytes; the half is a boundary)
    cut(segment, at);
    InMemorySink sink = InMemorySink.create();
    Tracker tracker = recover(sink);
    List<Long> sent = sequences(sink);
    assertThat(sent.size()).isBetween(45, 55);
    assertThat(sent).isEqualTo(range(1, sent.size()));
    assertThat(tracker.metrics().spool().tornTailBytes())
        .as("%s, %d bytes cut to %d", tracker.metrics().spool(), before, at)
        .isPositive();
  }

  @Test
  void aZeroFilledRegionIsSkippedAndTheEventsAfterItAreSent() throws IOException {
    int count = spoolUndelivered(100);
    File segment = onlySegment();
    long middle = segment.length() / 2;
    try (RandomAccessFile file = new RandomAccessFile(segment, "rw")) {
      file.seek(middle);
      file.write(new byte[300]);
    }
    InMemorySink sink = InMemorySink.create();
    Tracker tracker = recover(sink);
    List<Long> sent = sequences(sink);
    assertThat(sent).contains(1L, (long) count);
    assertThat(sent.size()).isBetween(count - 8, count - 2);
    assertThat(tracker.metrics().spool().corruptRegions()).isEqualTo(1);
    assertThat(tracker.metrics().spool().corruptBytes()).isGreaterThanOrEqualTo(300);
  }

  private List<File> segments() {
    List<File> out = new ArrayList<>();
    File[] files = directory.listFiles();
    if (files != null) {
      for (File file : files) {
        if (file.getName().endsWith(".seg")) {
          out.add(file);
        }
      }
    }
    return out;
  }

  private long segmentBytes() {
    long total = 0;
    for (File file : segments()) {
      total += file.length();
    }
    return total;
  }

  private static void flip(File file, long offset) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
      raf.seek(offset);
      int b = raf.read();
      raf.seek(offset);
      raf.write(b ^ 0x10);
    }
  }

  private static void cut(File file, long length) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
      raf.setLength(length);
    }
  }
}
