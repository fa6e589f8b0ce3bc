package dev.tideline.sdk;

import static dev.tideline.sdk.SpoolFormat.ACK_RANGE_BYTES;
import static dev.tideline.sdk.SpoolFormat.EVENT;
import static dev.tideline.sdk.SpoolFormat.FRAME_HEADER_BYTES;
import static dev.tideline.sdk.SpoolFormat.HEADER_BYTES;
import static dev.tideline.sdk.SpoolFormat.MAX_FRAME_BODY;
import static dev.tideline.sdk.SpoolFormat.SEGMENT_MAGIC;
import static dev.tideline.sdk.SpoolFormat.STATE_MAGIC;
import static dev.tideline.sdk.SpoolFormat.ackBytes;
import static dev.tideline.sdk.SpoolFormat.addRange;
import static dev.tideline.sdk.SpoolFormat.contains;
import static dev.tideline.sdk.SpoolFormat.frameBytes;
import static dev.tideline.sdk.SpoolFormat.getInt;
import static dev.tideline.sdk.SpoolFormat.getLong;
import static dev.tideline.sdk.SpoolFormat.getShort;
import static dev.tideline.sdk.SpoolFormat.headerValid;
import static dev.tideline.sdk.SpoolFormat.offsetOf;
import static dev.tideline.sdk.SpoolFormat.position;
import static dev.tideline.sdk.SpoolFormat.segmentOf;

import java.io.Closeable;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The spool's storage: a write-ahead log of serialized envelopes in append-only segment files, in a
 * directory one process owns. The format is specified in {@code docs/formats/spool.md}; in short,
 * each segment starts with a header naming the producer and the sequence the segment follows, and
 * holds frames of {@code length | CRC-32C | body}, where a body is an event (sequence, partition
 * key, envelope) or an acknowledgement (ranges of sequences that no longer need sending).
 *
 * <p>Writing: {@link #append} buffers a frame, {@link #commit} writes the buffer and syncs it; only
 * then is it durable and readable. A segment is deleted once every event in it, and in every older
 * segment, was released (acknowledged by Kinesis or dropped and reported). Reading: one cursor
 * walks the committed events in order ({@link #next}), skipping events acknowledged before a
 * restart and corrupt bytes, which it counts. Opening ({@link #open}) locks the directory, recovers
 * the segments (a torn tail is cut, corrupt frames are skipped, never fatal), and continues the
 * producer's sequence after the highest one ever written.
 *
 * <p>Thread-safe: every method holds the spool's monitor (the writer thread appends and commits,
 * the worker reads and releases; neither holds it for long except while syncing).
 */
final class Spool implements Closeable {
  private static final int MAX_RANGES_PER_ACK = 4096;
  private static final String SEGMENT_SUFFIX = ".seg";
  private static final String STATE_FILE = "producer";
  private static final String LOCK_FILE = "lock";
  private static final int READ_CHUNK = 64 * 1024;

  /** One event read back from the spool. */
  static final class Entry {
    final long position;
    final int frameBytes;
    final long sequence;
    final @Nullable String partitionKey; // null: logged without a key
    final int partitionKeyBytes;
    final byte[] body;

    Entry(
        long position,
        int frameBytes,
        long sequence,
        @Nullable String partitionKey,
        int partitionKeyBytes,
        byte[] body) {
      this.position = position;
      this.frameBytes = frameBytes;
      this.sequence = sequence;
      this.partitionKey = partitionKey;
      this.partitionKeyBytes = partitionKeyBytes;
      this.body = body;
    }
  }

  /** What opening found; see {@link #recovery()}. */
  static final class Recovery {
    int segments;
    long events; // unacknowledged events found
    long acknowledged; // events skipped because an acknowledgement frame covers them
    long tornTailBytes;
    int corruptHeaders; // segments whose header is unreadable (their frames are still read)
    int foreignSegments; // segments of another producer (left alone)
    long lastSequence;

    @Override
    public String toString() {
      return segments
          + " segments, "
          + events
          + " events to send, "
          + acknowledged
          + " already acknowledged, "
          + tornTailBytes
          + " torn-tail bytes cut, "
          + corruptHeaders
          + " unreadable segment headers, "
          + foreignSegments
          + " segments of another producer";
    }
  }

  private static final class Segment {
    final long id;
    final File file;
    long size; // bytes in the file that were written and synced (or found on open)
    long entries; // events in it still to release
    long released;
    SpoolFiles.@Nullable Output out; // only the active segment
    @Nullable RandomAccessFile in; // opened by the reader on demand

    Segment(long id, File file) {
      this.id = id;
      this.file = file;
    }
  }

  private final File directory;
  private final SpoolFiles files;
  private final long maxBytes;
  private final long segmentBytes;
  private final RandomAccessFile lockFile;
  private final FileLock lock;
  private final byte[] producerId;
  private final Recovery recovery = new Recovery();
  private final SpoolFormat format = new SpoolFormat(Crc32c.create());

  // Guarded by this.
  private final TreeMap<Long, Segment> segments = new TreeMap<>();
  private final TreeMap<Long, Long> recoveredAcks = new TreeMap<>(); // first -> last sequence
  private @Nullable Segment active; // the segment being written; null between segments
  private long nextSegmentId;
  private byte[] writeBuffer = new byte[64 * 1024];
  private byte[] spareBuffer = new byte[0];
  private int writeLength;
  private int writing; // bytes being written by commit(), outside the monitor
  private long committedEnd; // the position after the last synced byte
  private long visible; // the reader reads frames before this position only
  private int writeEntries;
  private long bytes;
  private long lastSequence;
  private final List<long[]> pendingAcks = new ArrayList<>();
  private long cursor;
  private byte[] chunk = new byte[READ_CHUNK]; // the reader's window on one segment
  private long chunkSegment = -1;
  private long chunkStart;
  private int chunkLength;
  private long corruptRegions;
  private long corruptBytes;
  private boolean closed;
  private @Nullable String lastKey;
  private byte @Nullable [] lastKeyBytes;

  private Spool(
      File directory,
      SpoolFiles files,
      long maxBytes,
      long segmentBytes,
      RandomAccessFile lockFile,
      FileLock lock,
      byte[] producerId) {
    this.directory = directory;
    this.files = files;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    this.lockFile = lockFile;
    this.lock = lock;
    this.producerId = producerId;
  }

  /**
   * Opens (creating it if needed) and recovers a spool directory.
   *
   * @param producerId the producer id to use if the directory has none yet (null: a random one)
   * @throws SpoolLockedException if another process, or another spool in this one, has it open
   * @throws IOException if the directory cannot be created, read or locked
   */
  static Spool open(
      File directory,
      SpoolFiles files,
      long maxBytes,
      long segmentBytes,
      byte @Nullable [] producerId)
      throws IOException {
    if (!directory.isDirectory() && !directory.mkdirs() && !directory.isDirectory()) {
      throw new IOException("cannot create the spool directory " + directory);
    }
    File lockPath = new File(directory, LOCK_FILE);
    RandomAccessFile lockFile;
    try {
      lockFile = new RandomAccessFile(lockPath, "rw");
    } catch (FileNotFoundException e) {
      throw new IOException("cannot open the spool lock file " + lockPath + ": " + e.getMessage());
    }
    FileLock lock;
    try {
      lock = lockFile.getChannel().tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      closeQuietly(lockFile);
      throw e;
    }
    if (lock == null) {
      closeQuietly(lockFile);
      throw new SpoolLockedException(
          "the spool directory "
              + directory
              + " is in use by another tracker (its lock file "
              + lockPath
              + " is locked); give each process and each tracker a directory of its own");
    }
    try {
      byte[] state = readState(new File(directory, STATE_FILE));
      byte[] id =
          state != null
              ? Arrays.copyOfRange(state, 8, 24)
              : producerId != null ? producerId.clone() : randomProducerId();
      Spool spool = new Spool(directory, files, maxBytes, segmentBytes, lockFile, lock, id);
      synchronized (spool) {
        spool.lastSequence = state != null ? getLong(state, 24) : 0;
        spool.recover();
        spool.writeState();
      }
      return spool;
    } catch (IOException | RuntimeException e) {
      try {
        lock.release();
      } catch (IOException ignored) {
        // closing the file releases it too
      }
      closeQuietly(lockFile);
      throw e;
    }
  }

  /** Thrown when a spool directory is locked by someone else. */
  static final class SpoolLockedException extends IOException {
    private static final long serialVersionUID = 1L;

    SpoolLockedException(String message) {
      super(message);
    }
  }

  /** The state file's bytes (producer id at 8, sequence floor at 24), or null if absent or torn. */
  private static byte @Nullable [] readState(File file) throws IOException {
    if (!file.exists()) {
      return null;
    }
    byte[] bytes = new byte[HEADER_BYTES];
    try (RandomAccessFile in = new RandomAccessFile(file, "r")) {
      if (in.length() < HEADER_BYTES) {
        return null;
      }
      in.readFully(bytes);
    }
    // A torn state file is ignored: the segment headers name the producer and the sequence too.
    return headerValid(bytes, 0, STATE_MAGIC) ? bytes : null;
  }

  private static byte[] randomProducerId() {
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    id[6] = (byte) ((id[6] & 0x0F) | 0x40); // UUIDv4
    id[8] = (byte) ((id[8] & 0x3F) | 0x80);
    return id;
  }

  // ---------------------------------------------------------------- recovery

  private void recover() throws IOException {
    File[] found = directory.listFiles();
    List<Long> ids = new ArrayList<>();
    if (found != null) {
      for (File file : found) {
        long id = segmentId(file.getName());
        if (id > 0) {
          ids.add(id);
        }
      }
    }
    java.util.Collections.sort(ids);
    TreeMap<Long, Long> acks = new TreeMap<>();
    List<long[]> eventSequences = new ArrayList<>(); // {segment id, sequence}
    for (int i = 0; i < ids.size(); i++) {
      long id = ids.get(i);
      Segment segment = new Segment(id, segmentFile(id));
      byte[] data = readAll(segment.file);
      nextSegmentId = Math.max(nextSegmentId, id);
      if (data.length < HEADER_BYTES) {
        // Torn while being created: it never held an event.
        recovery.tornTailBytes += data.length;
        deleteQuietly(segment.file);
        continue;
      }
      if (!headerValid(data, 0, SEGMENT_MAGIC)) {
        // The directory is ours (locked, named by the state file): trust the frames, whose own
        // checksums still prove them, and count the header as corrupt.
        recovery.corruptHeaders++;
        corruptRegions++;
        corruptBytes += HEADER_BYTES;
      } else if (!Arrays.equals(Arrays.copyOfRange(data, 8, 24), producerId)) {
        // Another producer's segment (copied in by hand?): sending it under our id would corrupt
        // both sequences. Left in place, unread, and reported.
        recovery.foreignSegments++;
        continue;
      } else {
        lastSequence = Math.max(lastSequence, getLong(data, 24));
      }
      int offset = HEADER_BYTES;
      int end = data.length;
      while (offset < end) {
        int length = format.frameLength(data, offset, end);
        if (length < 0) {
          int next = format.resync(data, offset + 1, end);
          if (next < 0) {
            // Nothing sound follows: a torn tail (or a zero-filled one); cut it.
            recovery.tornTailBytes += end - offset;
            truncate(segment.file, offset);
            end = offset;
            break;
          }
          offset = next; // the reader counts the corrupt stretch when it passes it
          continue;
        }
        int body = offset + FRAME_HEADER_BYTES;
        if (data[body] == EVENT) {
          long sequence = getLong(data, body + 1);
          eventSequences.add(new long[] {id, sequence});
          lastSequence = Math.max(lastSequence, sequence);
        } else {
          for (int r = body + 1; r + ACK_RANGE_BYTES <= body + length; r += ACK_RANGE_BYTES) {
            addRange(acks, getLong(data, r), getLong(data, r + 8));
          }
        }
        offset = body + length;
      }
      segment.size = end;
      segments.put(id, segment);
      bytes += end;
      recovery.segments++;
    }
    for (long[] event : eventSequences) {
      // Every segment an event was found in was indexed above.
      Segment segment = Objects.requireNonNull(segments.get(event[0]));
      if (contains(acks, event[1])) {
        recovery.acknowledged++;
      } else {
        segment.entries++;
        recovery.events++;
      }
    }
    recoveredAcks.putAll(acks);
    recovery.lastSequence = lastSequence;
    committedEnd = position(nextSegmentId + 1, 0); // everything recovered is readable
    visible = committedEnd;
    cursor = segments.isEmpty() ? position(nextSegmentId + 1, 0) : position(segments.firstKey(), 0);
    deleteReleasedHead();
  }

  private static long segmentId(String name) {
    if (!name.endsWith(SEGMENT_SUFFIX) || name.length() != 20 + SEGMENT_SUFFIX.length()) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private File segmentFile(long id) {
    String digits = Long.toString(id);
    StringBuilder name = new StringBuilder(24);
    for (int i = digits.length(); i < 20; i++) {
      name.append('0');
    }
    return new File(directory, name.append(digits).append(SEGMENT_SUFFIX).toString());
  }

  private static byte[] readAll(File file) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(file, "r")) {
      long length = in.length();
      if (length > Integer.MAX_VALUE - 64) {
        throw new IOException(file + " is too large to be a spool segment: " + length + " bytes");
      }
      byte[] data = new byte[(int) length];
      in.readFully(data);
      return data;
    }
  }

  private static void truncate(File file, long size) {
    try (RandomAccessFile out = new RandomAccessFile(file, "rw")) {
      out.setLength(size);
      out.getFD().sync();
    } catch (IOException e) {
      // Left in place: the reader stops at the recorded size, and the next open cuts it again.
    }
  }

  // ---------------------------------------------------------------- writing

  /**
   * Buffers an event frame. It is neither durable nor readable until {@link #commit}.
   *
   * @return the frame's position, or -1 if it would take the spool past its size bound
   * @throws IOException if a new segment file is needed and cannot be created
   */
  synchronized long append(long sequence, byte[] partitionKey, byte[] envelope, int envelopeLength)
      throws IOException {
    int frame = frameBytes(partitionKey.length, envelopeLength);
    if (partitionKey.length > 0xFFFF || frame - 8 > MAX_FRAME_BODY) {
      throw new IllegalArgumentException("an event of " + frame + " bytes cannot be spooled");
    }
    long extra = (active == null ? (long) HEADER_BYTES : 0L) + frame;
    if (bytes + writing + writeLength + extra > maxBytes) {
      return -1;
    }
    Segment segment = active != null ? active : openSegment();
    ensureWriteRoom(frame);
    long position = position(segment.id, segment.size + writeLength);
    format.writeEvent(writeBuffer, writeLength, sequence, partitionKey, envelope, envelopeLength);
    writeLength += frame;
    writeEntries++;
    segment.entries++;
    lastSequence = Math.max(lastSequence, sequence);
    return position;
  }

  /**
   * Writes and syncs what was appended since the last commit, with the acknowledgements released
   * since then. Afterwards the events are durable; {@link #publish} makes them readable. The write
   * and the sync run outside the spool's monitor, so readers and releases never wait for the disk.
   * Call {@link #append} and commit from one thread.
   *
   * @throws IOException if writing or syncing failed: the events appended since the last commit are
   *     not durable (the caller keeps them in memory; {@link #isDurable} tells which frames made
   *     it), the segment is closed where its last commit ended, and the next append starts a new
   *     segment
   */
  void commit() throws IOException {
    Segment segment;
    byte[] frames;
    int length;
    int entries;
    synchronized (this) {
      if (closed) {
        throw new IOException("the spool is closed");
      }
      appendAcks();
      if (active == null || writeLength == 0) {
        return;
      }
      segment = active;
      frames = writeBuffer;
      length = writeLength;
      entries = writeEntries;
      writeBuffer = spareBuffer.length >= frames.length ? spareBuffer : new byte[frames.length];
      writeLength = 0;
      writeEntries = 0;
      writing = length;
    }
    IOException failure = null;
    try {
      write(segment, frames, length);
    } catch (IOException e) {
      failure = e;
    }
    synchronized (this) {
      writing = 0;
      spareBuffer = frames;
      if (failure == null) {
        committed(segment, length);
        if (segment == active && segment.size >= segmentBytes) {
          closeActive(); // the next append begins the next segment
        }
      } else {
        segment.entries -= entries;
        abandonSegment(segment);
        throw failure;
      }
    }
  }

  /** Makes every committed event readable by {@link #next}. */
  synchronized void publish() {
    visible = committedEnd;
  }

  private void write(Segment segment, byte[] frames, int length) throws IOException {
    if (!segment.file.exists()) {
      throw new IOException("the segment " + segment.file + " was deleted under the spool");
    }
    SpoolFiles.Output out = segment.out;
    if (out == null) {
      throw new IOException("the segment " + segment.file + " was closed under the spool");
    }
    out.write(frames, 0, length);
    out.sync();
  }

  private void committed(Segment segment, int length) {
    segment.size += length;
    bytes += length;
    committedEnd = position(segment.id, segment.size);
  }

  /** After a failed write: cut the segment where its last commit ended, and close it. */
  private void abandonSegment(Segment segment) {
    writeLength = 0;
    writeEntries = 0;
    if (segment.out != null) {
      try {
        segment.out.truncate(segment.size);
      } catch (IOException | RuntimeException ignored) {
        // the reader never goes past segment.size, and recovery cuts torn bytes
      }
    }
    if (segment == active) {
      closeActive();
    }
  }

  private void closeActive() {
    Segment closing = active;
    if (closing != null) {
      if (closing.out != null) {
        closing.out.close();
        closing.out = null;
      }
      active = null;
      deleteReleasedHead();
    }
  }

  private Segment openSegment() throws IOException {
    long id = ++nextSegmentId;
    Segment segment = new Segment(id, segmentFile(id));
    if (!directory.isDirectory() && !directory.mkdirs()) {
      throw new IOException("the spool directory " + directory + " is gone and cannot be created");
    }
    SpoolFiles.Output out = files.create(segment.file);
    byte[] header = format.header(SEGMENT_MAGIC, producerId, lastSequence);
    try {
      out.write(header, 0, header.length); // synced with the segment's first commit
    } catch (IOException e) {
      out.close();
      deleteQuietly(segment.file);
      throw e;
    }
    segment.out = out;
    segment.size = HEADER_BYTES;
    bytes += HEADER_BYTES;
    segments.put(id, segment);
    active = segment;
    return segment;
  }

  /**
   * Records the producer id and the highest sequence so far, so both survive even when every
   * segment was deleted. Written to a new file, synced, then renamed over the old one.
   */
  private void writeState() {
    File file = new File(directory, STATE_FILE);
    File temporary = new File(directory, STATE_FILE + ".new");
    byte[] state = format.header(STATE_MAGIC, producerId, lastSequence);
    try (RandomAccessFile out = new RandomAccessFile(temporary, "rw")) {
      out.setLength(0);
      out.write(state);
      out.getFD().sync();
    } catch (IOException e) {
      return; // the segment headers carry the same facts
    }
    if (!temporary.renameTo(file)) {
      deleteQuietly(temporary);
    }
  }

  private void ensureWriteRoom(int more) {
    if (writeLength + more > writeBuffer.length) {
      writeBuffer =
          Arrays.copyOf(writeBuffer, Math.max(writeBuffer.length * 2, writeLength + more));
    }
  }

  // ---------------------------------------------------------------- releasing

  /**
   * The event at this position no longer needs sending (acknowledged, or dropped and reported).
   * Deletes every leading segment whose events were all released.
   */
  synchronized void release(long position, long sequence) {
    Segment segment = segments.get(segmentOf(position));
    if (segment != null) {
      segment.released++;
    }
    if (!pendingAcks.isEmpty()) {
      long[] last = pendingAcks.get(pendingAcks.size() - 1);
      if (sequence == last[1] + 1) {
        last[1] = sequence;
        deleteReleasedHead();
        return;
      }
    }
    pendingAcks.add(new long[] {sequence, sequence});
    deleteReleasedHead();
  }

  private void appendAcks() throws IOException {
    if (pendingAcks.isEmpty()) {
      return;
    }
    if (active == null) {
      if (segments.isEmpty()) {
        pendingAcks.clear(); // nothing left on disk that they could refer to
        return;
      }
      if (bytes + writeLength + HEADER_BYTES + ackBytes(1) > maxBytes) {
        pendingAcks.clear(); // no room: after a crash these events are sent again (duplicates)
        return;
      }
      openSegment();
    }
    for (int from = 0; from < pendingAcks.size(); from += MAX_RANGES_PER_ACK) {
      int count = Math.min(MAX_RANGES_PER_ACK, pendingAcks.size() - from);
      int frame = ackBytes(count);
      if (bytes + writeLength + frame > maxBytes) {
        break; // as above: only duplicates after a crash, never a loss
      }
      ensureWriteRoom(frame);
      writeLength += format.writeAck(writeBuffer, writeLength, pendingAcks, from, count);
    }
    pendingAcks.clear();
  }

  private void deleteReleasedHead() {
    boolean stateWritten = false;
    while (!segments.isEmpty()) {
      Segment head = segments.firstEntry().getValue();
      if (head == active || head.released < head.entries) {
        return;
      }
      if (!stateWritten) {
        // The state file records the highest sequence before a segment that may hold it goes:
        // the next segment's header holds it too, but a torn tail can take a header with it
        // (found by SpoolModelTest), and a reused sequence would be a false duplicate.
        writeState();
        stateWritten = true;
      }
      segments.pollFirstEntry();
      if (segmentOf(cursor) <= head.id) {
        // Only acknowledged events or corrupt bytes were left unread in it.
        Long next = segments.ceilingKey(head.id);
        cursor = position(next != null ? next : nextSegmentId + 1, 0);
      }
      if (chunkSegment == head.id) {
        chunkSegment = -1;
      }
      closeQuietly(head.in);
      deleteQuietly(head.file);
      bytes -= head.size;
    }
  }

  /**
   * The bytes of the segments {@link #dropOldestUnread} could drop: published, not being written,
   * and not yet started by the cursor.
   */
  synchronized long droppableBytes() {
    long total = 0;
    for (Segment segment : segments.values()) {
      if (droppable(segment)) {
        total += segment.size;
      }
    }
    return total;
  }

  private boolean droppable(Segment segment) {
    long cursorSegment = segmentOf(cursor);
    return segment != active
        && segment.id < segmentOf(visible)
        && (segment.id > cursorSegment
            || (segment.id == cursorSegment && offsetOf(cursor) <= HEADER_BYTES));
  }

  /**
   * Drops the oldest segment that no event was read from yet (never the one being written), to make
   * room when the spool is full and the policy is to drop the oldest: deletes it and returns its
   * events, for the caller to report as dropped. Null when no segment can be dropped.
   */
  synchronized @Nullable List<Entry> dropOldestUnread() throws IOException {
    for (Segment segment : segments.values()) {
      if (!droppable(segment)) {
        continue;
      }
      byte[] data = readAll(segment.file);
      List<Entry> events = new ArrayList<>();
      int offset = HEADER_BYTES;
      int end = (int) Math.min(data.length, segment.size);
      while (offset < end) {
        int length = format.frameLength(data, offset, end);
        if (length < 0) {
          int next = format.resync(data, offset + 1, end);
          corruptRegions++;
          corruptBytes += (next < 0 ? end : next) - offset;
          if (next < 0) {
            break;
          }
          offset = next;
          continue;
        }
        int body = offset + FRAME_HEADER_BYTES;
        long sequence = getLong(data, body + 1);
        if (data[body] == EVENT && !contains(recoveredAcks, sequence)) {
          int keyLength = getShort(data, body + 9);
          events.add(
              new Entry(
                  position(segment.id, offset),
                  FRAME_HEADER_BYTES + length,
                  sequence,
                  keyLength == 0
                      ? null
                      : new String(data, body + 11, keyLength, StandardCharsets.UTF_8),
                  keyLength,
                  Arrays.copyOfRange(data, body + 11 + keyLength, body + length)));
        }
        offset = body + length;
      }
      writeState();
      segments.remove(segment.id);
      if (segmentOf(cursor) == segment.id) {
        Long next = segments.higherKey(segment.id);
        cursor = position(next != null ? next : nextSegmentId + 1, 0);
      }
      if (chunkSegment == segment.id) {
        chunkSegment = -1;
      }
      closeQuietly(segment.in);
      deleteQuietly(segment.file);
      bytes -= segment.size;
      return events;
    }
    return null;
  }

  /** Whether the frame at this position was written and synced (and its segment still exists). */
  synchronized boolean isDurable(long position) {
    Segment segment = segments.get(segmentOf(position));
    return segment != null && offsetOf(position) < segment.size;
  }

  // ---------------------------------------------------------------- reading

  /** Where the cursor is: the position of the next frame it reads. */
  synchronized long cursor() {
    return cursor;
  }

  /**
   * Moves the cursor past a frame the caller already has in memory (it must be the frame at the
   * cursor).
   */
  synchronized void skip(long position, int frameBytes) {
    if (position == cursor) {
      cursor = position + frameBytes;
    }
  }

  /**
   * The next committed event at the cursor that still needs sending, moving the cursor past it;
   * null when the cursor has caught up with what was committed.
   */
  synchronized @Nullable Entry next() throws IOException {
    while (true) {
      Map.Entry<Long, Segment> at = segments.ceilingEntry(segmentOf(cursor));
      if (at == null) {
        return null;
      }
      Segment segment = at.getValue();
      if (segment.id != segmentOf(cursor) || offsetOf(cursor) < HEADER_BYTES) {
        cursor = position(segment.id, HEADER_BYTES);
      }
      long offset = offsetOf(cursor);
      long limit = segment.size;
      if (segment.id >= segmentOf(visible)) {
        limit = segment.id == segmentOf(visible) ? Math.min(limit, offsetOf(visible)) : 0;
      }
      if (offset >= limit) {
        Long next = segments.higherKey(segment.id);
        if (segment == active || next == null || segment.id >= segmentOf(visible)) {
          return null;
        }
        cursor = position(next, HEADER_BYTES);
        continue;
      }
      int available = (int) Math.min(limit - offset, Integer.MAX_VALUE - 64);
      int base = load(segment, offset, Math.min(available, READ_CHUNK));
      if (chunkLength - base >= 4) {
        int declared = getInt(chunk, base);
        if (declared > 0
            && declared <= MAX_FRAME_BODY
            && declared + FRAME_HEADER_BYTES <= available
            && base + FRAME_HEADER_BYTES + declared > chunkLength) {
          base = load(segment, offset, declared + FRAME_HEADER_BYTES); // a frame above the chunk
        }
      }
      int length = format.frameLength(chunk, base, Math.min(chunkLength, base + available));
      if (length < 0) {
        base = load(segment, offset, available);
        int end = Math.min(chunkLength, base + available);
        int next = format.resync(chunk, base + 1, end);
        long skipped = next < 0 ? available : next - base;
        corruptRegions++;
        corruptBytes += skipped;
        cursor += skipped;
        continue;
      }
      int body = base + FRAME_HEADER_BYTES;
      int frame = FRAME_HEADER_BYTES + length;
      long position = cursor;
      cursor += frame;
      if (chunk[body] != EVENT) {
        continue;
      }
      long sequence = getLong(chunk, body + 1);
      if (!recoveredAcks.isEmpty() && contains(recoveredAcks, sequence)) {
        continue;
      }
      int keyLength = getShort(chunk, body + 9);
      String key = key(chunk, body + 11, keyLength);
      byte[] envelope = Arrays.copyOfRange(chunk, body + 11 + keyLength, body + length);
      return new Entry(position, frame, sequence, key, keyLength, envelope);
    }
  }

  private @Nullable String key(byte[] data, int offset, int length) {
    if (length == 0) {
      return null; // logged without a key
    }
    if (lastKeyBytes != null
        && lastKeyBytes.length == length
        && regionEquals(lastKeyBytes, data, offset, length)) {
      return lastKey;
    }
    lastKeyBytes = Arrays.copyOfRange(data, offset, offset + length);
    lastKey = new String(lastKeyBytes, StandardCharsets.UTF_8);
    return lastKey;
  }

  private static boolean regionEquals(byte[] a, byte[] b, int offset, int length) {
    for (int i = 0; i < length; i++) {
      if (a[i] != b[offset + i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Makes the read chunk hold the segment's bytes from offset, at least want of them (fewer only at
   * the segment's end), and returns the index of offset in the chunk.
   */
  private int load(Segment segment, long offset, int want) throws IOException {
    if (chunkSegment == segment.id
        && offset >= chunkStart
        && offset + want <= chunkStart + chunkLength) {
      return (int) (offset - chunkStart);
    }
    if (segment.in == null) {
      segment.in = new RandomAccessFile(segment.file, "r");
    }
    int length = (int) Math.min(Math.max(want, READ_CHUNK), segment.size - offset);
    if (chunk.length < length) {
      chunk = new byte[length];
    }
    FileChannel channel = segment.in.getChannel();
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(chunk, 0, length);
    long at = offset;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        break; // the file is shorter than recorded: cut under us; the rest reads as corrupt
      }
      at += n;
    }
    chunkSegment = segment.id;
    chunkStart = offset;
    chunkLength = buffer.position();
    return 0;
  }

  // ---------------------------------------------------------------- state

  /** Bytes the spool takes on disk, with what is appended and not yet committed. */
  synchronized long bytes() {
    return bytes + writeLength + writing;
  }

  /** The highest sequence ever written here, or recovered (0 for a new spool). */
  synchronized long lastSequence() {
    return lastSequence;
  }

  byte[] producerId() {
    return producerId.clone();
  }

  File directory() {
    return directory;
  }

  Recovery recovery() {
    return recovery;
  }

  /** Corrupt regions skipped so far (each a run of bytes between two sound frames). */
  synchronized long corruptRegions() {
    return corruptRegions;
  }

  /** Corrupt bytes skipped so far, torn tails not included. */
  synchronized long corruptBytes() {
    return corruptBytes;
  }

  /** The segment files there are now. */
  synchronized int segmentCount() {
    return segments.size();
  }

  /** Commits what it can, closes every file and releases the directory's lock. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      commit();
    } catch (IOException e) {
      // what was not committed is the caller's to report
    }
    closeFiles();
  }

  /** For crash tests: closes the files and the lock without committing anything. */
  synchronized void abandon() {
    writeLength = 0;
    pendingAcks.clear();
    closeFiles();
  }

  /** Closes every file and releases the directory's lock. */
  private void closeFiles() {
    closed = true;
    Segment closing = active;
    if (closing != null) {
      if (closing.out != null) {
        closing.out.close();
        closing.out = null;
      }
      active = null;
    }
    for (Segment segment : segments.values()) {
      closeQuietly(segment.in);
    }
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the file releases the lock
    }
    closeQuietly(lockFile);
  }

  // ---------------------------------------------------------------- helpers

  private static void deleteQuietly(File file) {
    if (file != null && file.exists() && !file.delete()) {
      file.deleteOnExit();
    }
  }

  private static void closeQuietly(@Nullable Closeable closeable) {
    if (closeable != null) {
      try {
        closeable.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }
}
