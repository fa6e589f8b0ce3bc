package dev.tideline.sdk.sink;

import dev.tideline.sdk.Completion;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
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
  public static final byte[] MAGIC = {'T', 'L', 'R', 'F'};

  /** The format version this class writes and reads. */
  public static final int VERSION = 1;

  /** The id of the one shard a file holds. */
  public static final String SHARD_ID = "shardId-000000000000";

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
   * Opens a file for appending, reporting this maximum record size as the stream's.
   *
   * @throws IOException if the file cannot be opened, or exists with another format
   */
  public static FileSink open(File file, int maxRecordBytes) throws IOException {
    Objects.requireNonNull(file, "file");
    long existing = 0;
    boolean fresh = !file.exists() || file.length() == 0;
    if (!fresh) {
      existing = readAll(file).size();
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
   * Reads every complete record of a file. A torn last record (a write cut short) is ignored; a
   * record whose CRC does not match fails the read.
   *
   * @throws IOException if the file cannot be read, has another format, or is corrupt
   */
  public static List<FileRecord> readAll(File file) throws IOException {
    try (InputStream in = new FileInputStream(file)) {
      return readAll(in);
    }
  }

  /** Reads every complete record of a stream in the file format; see {@link #readAll(File)}. */
  public static List<FileRecord> readAll(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(stream));
    byte[] magic = new byte[4];
    in.readFully(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a Tideline record file: magic " + Arrays.toString(magic));
    }
    int version = in.readUnsignedShort();
    if (version != VERSION) {
      throw new IOException(
          "record file version " + version + " is not supported (" + VERSION + ")");
    }
    List<FileRecord> records = new ArrayList<>();
    while (true) {
      int length;
      int crc;
      byte[] body;
      try {
        length = in.readInt();
        crc = in.readInt();
        if (length < 16) {
          throw new IOException("record " + records.size() + " has a length of " + length);
        }
        body = new byte[length];
        in.readFully(body);
      } catch (EOFException e) {
        return records; // end of file, or a torn last record
      }
      CRC32 check = new CRC32();
      check.update(body, 0, body.length);
      if ((int) check.getValue() != crc) {
        throw new IOException("record " + records.size() + " fails its CRC-32 check");
      }
      DataInputStream fields = new DataInputStream(new java.io.ByteArrayInputStream(body));
      long arrival = fields.readLong();
      byte[] key = new byte[fields.readUnsignedShort()];
      fields.readFully(key);
      byte[] hashKey = new byte[fields.readUnsignedShort()];
      fields.readFully(hashKey);
      byte[] data = new byte[fields.readInt()];
      fields.readFully(data);
      records.add(
          new FileRecord(
              arrival,
              SinkRecord.of(
                  new String(key, StandardCharsets.UTF_8),
                  hashKey.length == 0 ? null : new String(hashKey, StandardCharsets.US_ASCII),
                  data)));
    }
  }

  /** For tests: writes one record to a stream in the file format. */
  static void writeRecord(OutputStream stream, SinkRecord record, long arrivalMicros)
      throws IOException {
    DataOutputStream out = new DataOutputStream(stream);
    write(out, record, arrivalMicros);
    out.flush();
  }
}
