package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;

/**
 * The spool's storage against a plain in-memory model: random sequences of append, commit, read,
 * release, crash (every in-memory object dropped, the directory reopened), a flipped byte, a cut
 * tail and a full disk. Invariants: no committed, unreleased, undamaged event is ever lost; nothing
 * is read that was never appended, or with other bytes; events are read in sequence order; the
 * highest sequence survives every crash (so none is reused); the segment files never pass the size
 * bound.
 */
class SpoolModelTest {
  private static final long MAX_BYTES = 24 * 1024;
  private static final long SEGMENT_BYTES = 3 * 1024;

  enum Kind {
    APPEND,
    COMMIT,
    READ,
    RELEASE,
    CRASH,
    FLIP,
    CUT_TAIL,
    DISK_FULL,
    DISK_BACK
  }

  static final class Op {
    final Kind kind;
    final int a;
    final int b;

    Op(Kind kind, int a, int b) {
      this.kind = kind;
      this.a = a;
      this.b = b;
    }

    @Override
    public String toString() {
      return kind + "(" + a + "," + b + ")";
    }
  }

  /** What the model knows of one appended event. */
  static final class Appended {
    final long sequence;
    final String key;
    final byte[] body;
    long position = -1;
    boolean durable; // committed: must survive until released
    boolean released;
    boolean damaged; // a flipped byte or a cut tail hit its frame

    Appended(long sequence, String key, byte[] body) {
      this.sequence = sequence;
      this.key = key;
      this.body = body;
    }
  }

  private File directory;

  @AfterTry
  void deleteDirectory() {
    if (directory != null) {
      File[] files = directory.listFiles();
      if (files != null) {
        for (File file : files) {
          file.delete();
        }
      }
      directory.delete();
    }
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Integer> small = Arbitraries.integers().between(0, 1000);
    Arbitrary<Op> op =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(
                30, combine(Kind.APPEND, small, Arbitraries.integers().between(0, 400))),
            net.jqwik.api.Tuple.of(10, combine(Kind.COMMIT, small, small)),
            net.jqwik.api.Tuple.of(
                12, combine(Kind.READ, Arbitraries.integers().between(1, 8), small)),
            net.jqwik.api.Tuple.of(
                14, combine(Kind.RELEASE, small, Arbitraries.integers().between(1, 6))),
            net.jqwik.api.Tuple.of(3, combine(Kind.CRASH, small, small)),
            net.jqwik.api.Tuple.of(
                2, combine(Kind.FLIP, small, Arbitraries.integers().between(0, 100_000))),
            net.jqwik.api.Tuple.of(
                2, combine(Kind.CUT_TAIL, Arbitraries.integers().between(1, 300), small)),
            net.jqwik.api.Tuple.of(
                2, combine(Kind.DISK_FULL, Arbitraries.integers().between(0, 3000), small)),
            net.jqwik.api.Tuple.of(2, combine(Kind.DISK_BACK, small, small)));
    return op.list().ofMinSize(1).ofMaxSize(80);
  }

  private static Arbitrary<Op> combine(Kind kind, Arbitrary<Integer> a, Arbitrary<Integer> b) {
    return Combinators.combine(a, b).as((x, y) -> new Op(kind, x, y));
  }

  /**
   * Found by the property above: after a failed commit on a full disk, a later commit, a release of
   * the first event and a torn tail, the spool reopened with its highest sequence lost.
   */
  @org.junit.jupiter.api.Test
  void theHighestSequenceSurvivesATornTailAfterADiskFullAndARelease() throws IOException {
    List<Op> operations = new java.util.ArrayList<>();
    operations.add(new Op(Kind.APPEND, 0, 0));
    operations.add(new Op(Kind.COMMIT, 0, 0));
    for (int i = 0; i < 17; i++) {
      operations.add(new Op(Kind.APPEND, 0, 0));
    }
    operations.add(new Op(Kind.DISK_FULL, 0, 0));
    operations.add(new Op(Kind.COMMIT, 0, 0));
    operations.add(new Op(Kind.DISK_FULL, 57, 0));
    operations.add(new Op(Kind.APPEND, 0, 0));
    operations.add(new Op(Kind.COMMIT, 0, 0));
    for (int i = 0; i < 5; i++) {
      operations.add(new Op(Kind.APPEND, 0, 0));
    }
    operations.add(new Op(Kind.READ, 1, 0));
    operations.add(new Op(Kind.RELEASE, 0, 1));
    operations.add(new Op(Kind.CUT_TAIL, 22, 0));
    new Run(Files.createTempDirectory("spool-model").toFile()).execute(operations);
  }

  @Property(tries = 1000, seed = "", shrinking = net.jqwik.api.ShrinkingMode.FULL)
  void theSpoolKeepsEveryCommittedEventThroughCrashesAndDamage(
      @ForAll("operations") List<Op> operations) throws IOException {
    new Run(Files.createTempDirectory("spool-model").toFile()).execute(operations);
  }

  /**
   * Found by the property (shrunk): the disk filled while the only segment's events were all
   * released, so the segment was deleted, and the restarted spool began its sequence at 1 again.
   */
  @net.jqwik.api.Example
  void aDeletedLastSegmentLeavesItsSequenceBehind() throws IOException {
    new Run(Files.createTempDirectory("spool-model").toFile())
        .execute(
            ops(
                Kind.APPEND,
                Kind.COMMIT,
                Kind.APPEND,
                Kind.APPEND,
                Kind.READ,
                Kind.RELEASE,
                Kind.DISK_FULL,
                Kind.COMMIT));
  }

  private static List<Op> ops(Kind... kinds) {
    List<Op> out = new ArrayList<>();
    for (Kind kind : kinds) {
      out.add(
          new Op(
              kind,
              kind == Kind.READ || kind == Kind.RELEASE ? 1 : 0,
              kind == Kind.RELEASE ? 1 : 0));
    }
    return out;
  }

  /** One run of the model against a real spool directory. */
  final class Run {
    final SpoolFaults faults = new SpoolFaults();
    final Map<Long, Appended> appended = new LinkedHashMap<>();
    final List<Appended> batch = new ArrayList<>(); // appended since the last commit
    final List<Appended> readNotReleased = new ArrayList<>();
    Spool spool;
    long nextSequence;
    long lastRead;
    long highestWritten; // the highest sequence that may be on disk

    Run(File dir) throws IOException {
      directory = dir;
      faults.skipSync = true;
      spool = open();
      nextSequence = spool.lastSequence() + 1;
    }

    Spool open() throws IOException {
      Spool opened = Spool.open(directory, faults, MAX_BYTES, SEGMENT_BYTES, null);
      lastRead = 0;
      readNotReleased.clear();
      return opened;
    }

    void execute(List<Op> operations) throws IOException {
      for (Op op : operations) {
        apply(op);
        assertThat(segmentBytes()).as("bytes on disk after %s", op).isLessThanOrEqualTo(MAX_BYTES);
      }
      // Finally: crash, reopen, read everything; every event that must be there is.
      crash();
      readAll();
      java.util.Set<Long> seen = new java.util.HashSet<>();
      for (Appended event : readNotReleased) {
        seen.add(event.sequence);
      }
      for (Appended event : appended.values()) {
        if (mustSurvive(event) && !seen.contains(event.sequence)) {
          throw new AssertionError("lost " + event.sequence + " at the end of " + operations);
        }
      }
      spool.close();
    }

    boolean mustSurvive(Appended event) {
      return event.durable && !event.released && !event.damaged;
    }

    void apply(Op op) throws IOException {
      switch (op.kind) {
        case APPEND:
          append(op.a, op.b);
          break;
        case COMMIT:
          commit();
          break;
        case READ:
          for (int i = 0; i < op.a; i++) {
            if (!readOne()) {
              break;
            }
          }
          break;
        case RELEASE:
          for (int i = 0; i < op.b && !readNotReleased.isEmpty(); i++) {
            Appended event = readNotReleased.remove(op.a % readNotReleased.size());
            spool.release(event.position, event.sequence);
            event.released = true;
          }
          break;
        case CRASH:
          crash();
          break;
        case FLIP:
          spool.abandon();
          forgetBatch();
          flip(op.a, op.b);
          reopen();
          break;
        case CUT_TAIL:
          spool.abandon();
          forgetBatch();
          cutTail(op.a);
          reopen();
          break;
        case DISK_FULL:
          faults.fillAfter(op.a);
          break;
        case DISK_BACK:
          faults.clear();
          faults.skipSync = true;
          break;
        default:
          throw new IllegalStateException();
      }
    }

    void append(int keySeed, int bodyLength) throws IOException {
      long sequence = nextSequence++;
      String key = "k" + (keySeed % 7);
      byte[] body = new byte[bodyLength];
      new Random(sequence * 31 + keySeed).nextBytes(body);
      Appended event = new Appended(sequence, key, body);
      long position;
      try {
        position = spool.append(sequence, key.getBytes(StandardCharsets.UTF_8), body, body.length);
      } catch (IOException e) {
        // A roll failed: what it wrote before failing is durable, the rest of the batch is not.
        settleBatch();
        spool.publish();
        return;
      }
      if (position < 0) {
        return; // refused: the spool is at its bound
      }
      event.position = position;
      highestWritten = Math.max(highestWritten, sequence);
      appended.put(sequence, event);
      batch.add(event);
    }

    void commit() {
      try {
        spool.commit();
        for (Appended event : batch) {
          event.durable = true;
        }
        batch.clear();
      } catch (IOException e) {
        settleBatch();
      }
      spool.publish();
    }

    /** After a failed write: each event of the batch is durable exactly if its frame is synced. */
    void settleBatch() {
      for (Appended event : batch) {
        event.durable = spool.isDurable(event.position);
      }
      batch.clear();
    }

    void forgetBatch() {
      batch.clear(); // never committed: may or may not be there after the crash
    }

    void crash() throws IOException {
      spool.abandon();
      forgetBatch();
      reopen();
    }

    void reopen() throws IOException {
      spool = open();
      assertThat(spool.lastSequence())
          .as("the highest sequence survives the crash")
          .isGreaterThanOrEqualTo(highestDurable());
      nextSequence = Math.max(nextSequence, spool.lastSequence() + 1);
      // Sequences are never reused: the model's counter never goes back, and the spool agrees.
      assertThat(spool.lastSequence() + 1).isLessThanOrEqualTo(nextSequence);
    }

    long highestDurable() {
      long highest = 0;
      for (Appended event : appended.values()) {
        if (event.durable && !event.damaged) {
          highest = Math.max(highest, event.sequence);
        }
      }
      return highest;
    }

    boolean readOne() throws IOException {
      Spool.Entry entry = spool.next();
      if (entry == null) {
        return false;
      }
      Appended event = appended.get(entry.sequence);
      assertThat(event)
          .as("read sequence %d, which was never appended", entry.sequence)
          .isNotNull();
      assertThat(entry.partitionKey).isEqualTo(event.key);
      assertThat(entry.body).as("bytes of %d", entry.sequence).isEqualTo(event.body);
      assertThat(entry.sequence).as("read in sequence order").isGreaterThan(lastRead);
      // Every event that must survive and comes before this one was read already.
      for (Appended earlier : appended.values()) {
        if (earlier.sequence > lastRead
            && earlier.sequence < entry.sequence
            && mustSurvive(earlier)) {
          throw new AssertionError("skipped " + earlier.sequence + " reading " + entry.sequence);
        }
      }
      lastRead = entry.sequence;
      event.position = entry.position;
      readNotReleased.add(event);
      return true;
    }

    void readAll() throws IOException {
      while (readOne()) {
        // keep reading
      }
    }

    List<File> segmentFiles() {
      List<File> out = new ArrayList<>();
      File[] files = directory.listFiles();
      if (files != null) {
        for (File file : files) {
          if (file.getName().endsWith(".seg")) {
            out.add(file);
          }
        }
      }
      out.sort((x, y) -> x.getName().compareTo(y.getName()));
      return out;
    }

    long segmentBytes() {
      long total = 0;
      for (File file : segmentFiles()) {
        total += file.length();
      }
      return total;
    }

    void flip(int which, int at) throws IOException {
      List<File> files = segmentFiles();
      if (files.isEmpty()) {
        return;
      }
      File file = files.get(which % files.size());
      long length = file.length();
      if (length == 0) {
        return;
      }
      long offset = at % length;
      try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
        raf.seek(offset);
        int b = raf.read();
        raf.seek(offset);
        raf.write(b ^ (1 << (at % 8)));
      }
      damage(segmentId(file), offset, offset + 1);
    }

    void cutTail(int bytes) throws IOException {
      List<File> files = segmentFiles();
      if (files.isEmpty()) {
        return;
      }
      File file = files.get(files.size() - 1);
      long length = file.length();
      long cut = Math.max(0, length - bytes);
      try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
        raf.setLength(cut);
      }
      damage(segmentId(file), cut, Long.MAX_VALUE);
    }

    /** Marks the events whose frames overlap [from, to) of a segment as damaged. */
    void damage(long segment, long from, long to) {
      for (Appended event : appended.values()) {
        if (event.position < 0 || SpoolFormat.segmentOf(event.position) != segment) {
          continue;
        }
        long start = SpoolFormat.offsetOf(event.position);
        long end = start + SpoolFormat.frameBytes(event.key.length(), event.body.length);
        if (start < to && from < end) {
          event.damaged = true;
        }
      }
    }

    long segmentId(File file) {
      return Long.parseLong(file.getName().substring(0, 20));
    }
  }

  @Property(tries = 50)
  void aSecondSpoolOnTheSameDirectoryIsRefused(@ForAll("operations") List<Op> ignored)
      throws IOException {
    directory = Files.createTempDirectory("spool-lock").toFile();
    try (Spool first = Spool.open(directory, SpoolFiles.REAL, MAX_BYTES, SEGMENT_BYTES, null)) {
      try {
        Spool.open(directory, SpoolFiles.REAL, MAX_BYTES, SEGMENT_BYTES, null).close();
        throw new AssertionError("a second spool opened the same directory");
      } catch (Spool.SpoolLockedException expected) {
        assertThat(expected).hasMessageContaining(directory.getPath()).hasMessageContaining("lock");
      }
    }
    assertThat(Arrays.asList(directory.list())).contains("lock", "producer");
  }
}
