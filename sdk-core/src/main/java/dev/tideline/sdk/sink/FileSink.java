package dev.tideline.sdk.sink;

import dev.tideline.sdk.Completion;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RecordSink} that appends records to a file, for local development and the validator's
 * file source. The format (docs/formats/file-sink.md): the magic bytes {@code "TLRF"} and a
 * version, then per record a length, a CRC-32, the arrival time, the partition key, the explicit
 * hash key and the data. Every record is stored in one pseudo-shard, {@value #SHARD_ID}, which
 * holds the whole hash key range.
 *
 * <p>Writes happen inline on the calling (worker) thread and are flushed to the file at the end of
 * each call; an I/O error fails the call's entries with {@link ErrorCodes#TRANSPORT_ERROR}.
 * Thread-safe.
 */
public final class FileSink implements RecordSink {
  /** The first 4 bytes of a file: "TLRF" (Tideline record file). */
  private static final byte[] MAGIC = {'T', 'L', 'R', 'F'};

  /** The format version this class writes and reads. */
  public static final int VERSION = 1;

  /** The id of the one shard a file holds. */
  public static final String SHARD_ID = "shardId-000000000000";

  /** The smallest record body the format allows: arrival time, three lengths, a 1-byte key. */
  public static final int MIN_LENGTH = 16;

  /**
   * The largest record body written or read, 16 MiB: above any Kinesis record (10 MiB of data, per
   * "Quotas and Limits" in the Amazon Kinesis Data Streams Developer Guide) with its keys, so that
   * a reader can tell a longer length from corruption before allocating it.
   */
  public static final int MAX_LENGTH = 16 << 20;

  private static final int HEADER_BYTES = 6;

  // readAll holds a whole file in one array.
  private static final int MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

  private final Object lock = new Object();
  private final File file;
  private final int maxRecordBytes;
  // Guarded by lock.
  private final DataOutputStream out;
  private long sequence;
  private boolean closed;

  private FileSink(File file, int maxRecordBytes, DataOutputStream out, long sequence) {
    this.file = file;
    this.maxRecordBytes = maxRecordBytes;
    this.out = out;
    this.sequence = sequence;
  }

  /**
   * Opens a file for appending, writing the header if the file is new or empty.
   *
   * @throws IOException if the file cannot be opened, or exists with another format
   */
  public static FileSink open(File file) throws IOException {
    return open(file, DEFAULT_MAX_RECORD_BYTES);
  }

  /**
   * Opens a file for appending, reporting this maximum record size as the stream's. A torn last
   * record (a write cut short) is cut off first, so that the records appended follow valid ones.
   *
   * @throws IOException if the file cannot be opened, or exists with another format or corrupt
   */
  public static FileSink open(File file, int maxRecordBytes) throws IOException {
    Objects.requireNonNull(file, "file");
    long existing = 0;
    boolean fresh = !file.exists() || file.length() == 0;
    if (!fresh) {
      Scan scan = scan(file);
      existing = scan.records.size();
      if (scan.end < file.length()) {
        // A torn last record: cut it off, or the records appended now would follow garbage.
        try (java.io.RandomAccessFile cut = new java.io.RandomAccessFile(file, "rw")) {
          cut.setLength(scan.end);
        }
      }
    }
    DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(new FileOutputStream(file, true), 1 << 16));
    if (fresh) {
      out.write(MAGIC);
      out.writeShort(VERSION);
      out.flush();
    }
    return new FileSink(file, maxRecordBytes, out, existing);
  }

  /** The file written to. */
  public File file() {
    return file;
  }

  @Override
  public Completion<PutRecordsResult> putRecords(String streamName, List<SinkRecord> records) {
    long arrival = System.currentTimeMillis() * 1000L;
    synchronized (lock) {
      if (closed) {
        return Completion.succeeded(
            PutRecordsResult.callFailed(records.size(), ErrorCodes.SINK_ERROR, "file sink closed"));
      }
      List<EntryResult> results = new ArrayList<>(records.size());
      try {
        for (SinkRecord record : records) {
          write(out, record, arrival);
          results.add(EntryResult.success(SHARD_ID, Long.toString(++sequence)));
        }
        out.flush();
      } catch (IOException e) {
        return Completion.succeeded(
            PutRecordsResult.callFailed(
                records.size(), ErrorCodes.TRANSPORT_ERROR, "writing " + file + ": " + e));
      }
      return Completion.succeeded(PutRecordsResult.of(results));
    }
  }

  static void write(DataOutputStream out, SinkRecord record, long arrivalMicros)
      throws IOException {
    byte[] key = record.partitionKey().getBytes(StandardCharsets.UTF_8);
    byte[] hashKey =
        record.explicitHashKey() == null
            ? new byte[0]
            : record.explicitHashKey().getBytes(StandardCharsets.US_ASCII);
    byte[] data = record.data();
    int bodyLength = 8 + 2 + key.length + 2 + hashKey.length + 4 + data.length;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(bodyLength);
    DataOutputStream body = new DataOutputStream(bytes);
    body.writeLong(arrivalMicros);
    body.writeShort(key.length);
    body.write(key);
    body.writeShort(hashKey.length);
    body.write(hashKey);
    body.writeInt(data.length);
    body.write(data);
    byte[] bodyBytes = bytes.toByteArray();
    if (bodyBytes.length > MAX_LENGTH) {
      throw new IOException(
          "a record of "
              + bodyBytes.length
              + " bytes is longer than the format's maximum of "
              + MAX_LENGTH);
    }
    CRC32 crc = new CRC32();
    crc.update(bodyBytes, 0, bodyBytes.length);
    out.writeInt(bodyBytes.length);
    out.writeInt((int) crc.getValue());
    out.write(bodyBytes);
  }

  @Override
  public Completion<List<Shard>> listShards(String streamName) {
    List<Shard> one = new ArrayList<>();
    one.add(Shard.open(SHARD_ID, java.math.BigInteger.ZERO, Shard.MAX_HASH_KEY));
    return Completion.succeeded(one);
  }

  @Override
  public Completion<Integer> maxRecordBytes(String streamName) {
    return Completion.succeeded(maxRecordBytes);
  }

  @Override
  public Completion<Void> close() {
    synchronized (lock) {
      if (!closed) {
        closed = true;
        try {
          out.close();
        } catch (IOException e) {
          return Completion.failed(e);
        }
      }
    }
    return Completion.succeeded(null);
  }

  /** A record read back from a file. */
  public static final class FileRecord {
    private final long arrivalTimeMicros;
    private final SinkRecord record;

    FileRecord(long arrivalTimeMicros, SinkRecord record) {
      this.arrivalTimeMicros = arrivalTimeMicros;
      this.record = record;
    }

    /** When the sink wrote it, microseconds since the epoch. */
    public long arrivalTimeMicros() {
      return arrivalTimeMicros;
    }

    /** Partition key, explicit hash key (or null) and data. */
    public SinkRecord record() {
      return record;
    }
  }

  /**
   * Reads every record of a file. A torn last record (a write cut short) is ignored; anything else
   * that is not a valid record (a length outside {@value #MIN_LENGTH}..{@value #MAX_LENGTH}, a CRC
   * that does not match, body fields that do not add up) fails the read, naming the file and the
   * offset. A second header inside the file (files concatenated) is skipped. See
   * docs/formats/file-sink.md, "Reading".
   *
   * @throws IOException if the file cannot be read, has another format, or is corrupt
   */
  public static List<FileRecord> readAll(File file) throws IOException {
    return scan(file).records;
  }

  /** Reads every record of a stream in the file format; see {@link #readAll(File)}. */
  public static List<FileRecord> readAll(InputStream stream) throws IOException {
    return scan(bytes(stream, "stream"), "stream").records;
  }

  private static Scan scan(File file) throws IOException {
    if (file.length() > MAX_FILE_BYTES) {
      throw new IOException(
          file + " holds " + file.length() + " bytes, more than this reader holds in memory");
    }
    try (InputStream in = new FileInputStream(file)) {
      return scan(bytes(in, file.getPath()), file.getPath());
    }
  }

  private static byte[] bytes(InputStream in, String name) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    for (int n; (n = in.read(buffer)) > 0; ) {
      total += n;
      if (total > MAX_FILE_BYTES) {
        throw new IOException(name + " holds more bytes than this reader holds in memory");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** The records of a file and where its last valid record ends (before a torn tail). */
  private static final class Scan {
    final List<FileRecord> records = new ArrayList<>();
    int end;
  }

  // Lengths are checked against these bounds and the bytes present before anything is allocated.
  private static Scan scan(byte[] bytes, String name) throws IOException {
    Scan scan = new Scan();
    if (bytes.length == 0) {
      return scan;
    }
    for (int i = 0; i < Math.min(MAGIC.length, bytes.length); i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new IOException(
            name
                + " is not a Tideline record file: it does not start with TLRF (offset 0: "
                + Arrays.toString(Arrays.copyOf(bytes, Math.min(HEADER_BYTES, bytes.length)))
                + ")");
      }
    }
    if (bytes.length < HEADER_BYTES) {
      throw new IOException(
          name + " ends inside its " + HEADER_BYTES + "-byte header (" + bytes.length + " bytes)");
    }
    int version = ((bytes[4] & 0xff) << 8) | (bytes[5] & 0xff);
    if (version != VERSION) {
      throw new IOException(
          name
              + ": record file version "
              + version
              + " (offset 4) is not supported ("
              + VERSION
              + ")");
    }
    int offset = HEADER_BYTES;
    scan.end = offset;
    Problem problem = new Problem();
    while (offset < bytes.length) {
      if (isHeader(bytes, offset)) {
        offset += HEADER_BYTES; // files concatenated
        scan.end = offset;
        continue;
      }
      int end = record(bytes, offset, scan.records, problem);
      if (end > 0) {
        offset = end;
        scan.end = end;
        continue;
      }
      int next = -1;
      for (int candidate = offset + 1; candidate + 8 <= bytes.length && next < 0; candidate++) {
        if (isHeader(bytes, candidate)
            || (fieldsAddUp(bytes, candidate) && record(bytes, candidate, null, null) > 0)) {
          next = candidate;
        }
      }
      if (next < 0 && problem.couldBeTorn) {
        return scan; // a torn last record: a write cut short
      }
      throw new IOException(
          name
              + ": corrupt data at offset "
              + offset
              + ", after record "
              + scan.records.size()
              + ": "
              + problem.why
              + (next < 0 ? "; no valid record follows" : "; the next valid record is at " + next));
    }
    return scan;
  }

  /** Why there is no valid record at an offset, and whether a write cut short explains it. */
  private static final class Problem {
    String why = "";
    boolean couldBeTorn;
  }

  private static boolean isHeader(byte[] bytes, int offset) {
    return bytes.length - offset >= HEADER_BYTES
        && bytes[offset] == MAGIC[0]
        && bytes[offset + 1] == MAGIC[1]
        && bytes[offset + 2] == MAGIC[2]
        && bytes[offset + 3] == MAGIC[3]
        && bytes[offset + 4] == 0
        && bytes[offset + 5] == VERSION;
  }

  /**
   * Checks the record at {@code offset}, adding it to {@code records} if that is not null. Returns
   * the offset after it, or -1 with the reason in {@code problem} (if not null).
   */
  private static int record(
      byte[] bytes, int offset, @Nullable List<FileRecord> records, @Nullable Problem problem) {
    int remaining = bytes.length - offset;
    String why;
    boolean torn = false;
    if (remaining < 8) {
      why = "the file ends inside a record's length and CRC (" + remaining + " of 8 bytes)";
      torn = true;
    } else {
      long length = readInt(bytes, offset) & 0xffffffffL;
      if (length < MIN_LENGTH || length > MAX_LENGTH) {
        why = "record length " + length + " is outside " + MIN_LENGTH + ".." + MAX_LENGTH;
      } else if (length > remaining - 8) {
        why =
            "record length "
                + length
                + " runs past the end of the file ("
                + (remaining - 8)
                + " bytes follow)";
        torn = true;
      } else {
        why = body(bytes, offset + 8, (int) length, readInt(bytes, offset + 4), records);
        if (why == null) {
          return offset + 8 + (int) length;
        }
      }
    }
    if (problem != null) {
      problem.why = why;
      problem.couldBeTorn = torn;
    }
    return -1;
  }

  /** Checks one body and adds its record; returns null, or what is wrong with it. */
  private static @Nullable String body(
      byte[] bytes, int start, int length, int crc, @Nullable List<FileRecord> records) {
    CRC32 check = new CRC32();
    check.update(bytes, start, length);
    if ((int) check.getValue() != crc) {
      return "the record fails its CRC-32 check";
    }
    int end = start + length;
    int at = start + 8;
    int keyLength = readShort(bytes, at);
    at += 2;
    if (keyLength == 0 || keyLength > end - at - 6) {
      return "partition_key_length " + keyLength + " does not fit the record";
    }
    int keyAt = at;
    at += keyLength;
    int hashKeyLength = readShort(bytes, at);
    at += 2;
    if (hashKeyLength > end - at - 4) {
      return "explicit_hash_key_length " + hashKeyLength + " does not fit the record";
    }
    int hashKeyAt = at;
    at += hashKeyLength;
    long dataLength = readInt(bytes, at) & 0xffffffffL;
    at += 4;
    if (dataLength != end - at) {
      return "data_length " + dataLength + " does not match the " + (end - at) + " bytes left";
    }
    if (records != null) {
      long arrival = 0;
      for (int i = 0; i < 8; i++) {
        arrival = (arrival << 8) | (bytes[start + i] & 0xff);
      }
      records.add(
          new FileRecord(
              arrival,
              SinkRecord.of(
                  new String(bytes, keyAt, keyLength, StandardCharsets.UTF_8),
                  hashKeyLength == 0
                      ? null
                      : new String(bytes, hashKeyAt, hashKeyLength, StandardCharsets.US_ASCII),
                  Arrays.copyOfRange(bytes, at, end))));
    }
    return null;
  }

  /**
   * Whether a record could start at {@code offset}: its length is in bounds and fits, and the three
   * length fields of its body add up. While resynchronising this rules out almost every false start
   * before a CRC of up to 16 MiB is computed.
   */
  private static boolean fieldsAddUp(byte[] bytes, int offset) {
    long length = readInt(bytes, offset) & 0xffffffffL;
    if (length < MIN_LENGTH || length > MAX_LENGTH || length > bytes.length - offset - 8L) {
      return false;
    }
    int end = offset + 8 + (int) length;
    int at = offset + 8 + 8;
    int keyLength = readShort(bytes, at);
    at += 2 + keyLength;
    if (keyLength == 0 || at + 6 > end) {
      return false;
    }
    at += 2 + readShort(bytes, at);
    return at + 4 <= end && (readInt(bytes, at) & 0xffffffffL) == end - at - 4;
  }

  private static int readInt(byte[] bytes, int at) {
    return ((bytes[at] & 0xff) << 24)
        | ((bytes[at + 1] & 0xff) << 16)
        | ((bytes[at + 2] & 0xff) << 8)
        | (bytes[at + 3] & 0xff);
  }

  private static int readShort(byte[] bytes, int at) {
    return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
  }

  /** For tests: writes one record to a stream in the file format. */
  static void writeRecord(OutputStream stream, SinkRecord record, long arrivalMicros)
      throws IOException {
    DataOutputStream out = new DataOutputStream(stream);
    write(out, record, arrivalMicros);
    out.flush();
  }
}
