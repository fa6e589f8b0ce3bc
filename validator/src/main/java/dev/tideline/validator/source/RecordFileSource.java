package dev.tideline.validator.source;

import dev.tideline.validator.HashKeyRange;
import dev.tideline.validator.ValidationReport;
import dev.tideline.wire.Hex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Reads files written by the SDK's file sink (docs/formats/file-sink.md): the magic bytes {@code
 * TLRF} and a 2-byte version (1), then per record a 4-byte body length, the CRC-32 of the body, and
 * the body: arrival time (8 bytes, µs since the epoch), partition key (2-byte length, UTF-8),
 * explicit hash key (2-byte length, ASCII decimal, empty for none), data (4-byte length, bytes).
 * All integers are big-endian.
 *
 * <p>Damage does not stop the read. Bytes that are not a valid record are skipped up to the next
 * valid record (a length from {@value #MIN_LENGTH} to {@value #MAX_LENGTH} that fits in the file, a
 * matching CRC-32 and body fields that add up) or the next header (files concatenated), and
 * reported by {@link #damage()}: a {@code torn_tail} when the file ends inside a record that could
 * have been cut short by a killed writer, {@code corrupt} otherwise. Nothing is allocated before
 * its length has been checked against these bounds.
 *
 * <p>Read independently of sdk-core, so the validator also reads files other tools write. Not
 * thread-safe: one read at a time.
 */
public final class RecordFileSource implements RecordSource {
  /** The first 4 bytes of a record file. */
  static final byte[] MAGIC = {'T', 'L', 'R', 'F'};

  /** The format version read. */
  static final int VERSION = 1;

  /** The one pseudo-shard a file holds: it owns every hash key. */
  static final String SHARD_ID = "shardId-000000000000";

  /** Magic and version. */
  static final int HEADER_BYTES = 6;

  /** The smallest body: arrival time, three length fields and one byte of partition key. */
  public static final int MIN_LENGTH = 16;

  /**
   * The largest body a reader accepts, 16 MiB: above any Kinesis record (10 MiB of data, per
   * "Quotas and Limits" in the Amazon Kinesis Data Streams Developer Guide) with its keys, so a
   * larger length can only be corruption.
   */
  public static final int MAX_LENGTH = 16 << 20;

  private final List<Path> files;
  private final List<ValidationReport.SourceDamage> damage = new ArrayList<>();

  private RecordFileSource(List<Path> files) {
    this.files = files;
  }

  /**
   * A source reading the files in order.
   *
   * @throws IllegalArgumentException if no file is given
   */
  public static RecordFileSource of(List<Path> files) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("at least one record file is needed");
    }
    for (Path file : files) {
      Objects.requireNonNull(file, "file");
    }
    return new RecordFileSource(new ArrayList<>(files));
  }

  @Override
  public String describe() {
    StringBuilder out = new StringBuilder("files");
    for (Path file : files) {
      out.append(' ').append(file.getFileName());
    }
    return out.toString();
  }

  /**
   * {@inheritDoc}
   *
   * @throws IOException naming the file if it cannot be read, is not a record file (other magic
   *     bytes) or has a version this reader does not know; damage inside a file is not an exception
   *     but is reported by {@link #damage()}
   */
  @Override
  public void read(Consumer<SourceRecord> consumer) throws IOException {
    damage.clear();
    for (Path file : files) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        new FileReader(file, channel, consumer, damage).read();
      }
    }
  }

  /** The damage found by the last {@link #read}, in file order. */
  @Override
  public List<ValidationReport.SourceDamage> damage() {
    return Collections.unmodifiableList(new ArrayList<>(damage));
  }

  /** One pass over one file. */
  private static final class FileReader {
    private static final int WINDOW = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final Consumer<SourceRecord> consumer;
    private final List<ValidationReport.SourceDamage> damage;
    private final long size;
    private final HashKeyRange all = HashKeyRange.all();
    private final ByteBuffer window = ByteBuffer.allocate(WINDOW);
    private long windowStart = -1;
    private long position;
    // Why the last recordAt() call found no record, and whether a cut-short write explains it.
    private String problem = "";
    private boolean couldBeTorn;

    FileReader(
        Path file,
        FileChannel channel,
        Consumer<SourceRecord> consumer,
        List<ValidationReport.SourceDamage> damage)
        throws IOException {
      this.file = file;
      this.channel = channel;
      this.consumer = consumer;
      this.damage = damage;
      this.size = channel.size();
    }

    void read() throws IOException {
      if (size == 0) {
        return; // the sink had not written its header yet
      }
      int headerBytes = (int) Math.min(HEADER_BYTES, size);
      byte[] header = bytes(0, headerBytes);
      for (int i = 0; i < Math.min(MAGIC.length, headerBytes); i++) {
        if (header[i] != MAGIC[i]) {
          throw new IOException(
              file
                  + " is not a record file: it does not start with TLRF (offset 0: "
                  + Hex.spaced(header, 0, header.length)
                  + ")");
        }
      }
      if (size < HEADER_BYTES) {
        damage("torn_tail", 0, size, "the file ends inside its " + HEADER_BYTES + "-byte header");
        return;
      }
      int version = ((header[4] & 0xff) << 8) | (header[5] & 0xff);
      if (version != VERSION) {
        throw new IOException(
            file
                + " is a record file of version "
                + version
                + " (offset 4); this validator reads "
                + VERSION);
      }
      long offset = HEADER_BYTES;
      while (offset < size) {
        if (isHeader(offset)) {
          offset += HEADER_BYTES; // another file's header: files were concatenated
          continue;
        }
        long end = recordAt(offset, true);
        if (end > 0) {
          offset = end;
          continue;
        }
        String why = problem;
        boolean torn = couldBeTorn;
        long next = resynchronise(offset + 1);
        if (next < 0) {
          damage(
              torn ? "torn_tail" : "corrupt",
              offset,
              size - offset,
              torn ? why : why + "; no valid record follows");
          return;
        }
        damage("corrupt", offset, next - offset, why + "; reading resumed at offset " + next);
        offset = next;
      }
    }

    /** The offset of the first header or valid record at or after {@code from}, or -1. */
    private long resynchronise(long from) throws IOException {
      for (long candidate = from; candidate + 8 <= size; candidate++) {
        if (isHeader(candidate)) {
          return candidate;
        }
        long length = intAt(candidate) & 0xffffffffL;
        if (length >= MIN_LENGTH
            && length <= MAX_LENGTH
            && length <= size - candidate - 8
            && recordAt(candidate, false) > 0) {
          return candidate;
        }
      }
      return -1;
    }

    private boolean isHeader(long offset) throws IOException {
      if (size - offset < HEADER_BYTES) {
        return false;
      }
      byte[] header = bytes(offset, HEADER_BYTES);
      return header[0] == MAGIC[0]
          && header[1] == MAGIC[1]
          && header[2] == MAGIC[2]
          && header[3] == MAGIC[3]
          && header[4] == 0
          && header[5] == VERSION;
    }

    /**
     * Checks the record at {@code offset} and, if {@code deliver}, hands it on. Returns the offset
     * after it, or -1 (with {@link #problem} set) when there is no valid record there.
     */
    private long recordAt(long offset, boolean deliver) throws IOException {
      long remaining = size - offset;
      if (remaining < 8) {
        return fail(
            "the file ends inside a record's length and CRC (" + remaining + " of 8 bytes)", true);
      }
      long length = intAt(offset) & 0xffffffffL;
      int crc = intAt(offset + 4);
      if (length < MIN_LENGTH || length > MAX_LENGTH) {
        return fail(
            "record length " + length + " is outside " + MIN_LENGTH + ".." + MAX_LENGTH, false);
      }
      if (length > remaining - 8) {
        return fail(
            "record length "
                + length
                + " runs past the end of the file ("
                + (remaining - 8)
                + " bytes follow)",
            true);
      }
      if (!deliver && !fieldsAddUp(offset + 8, length)) {
        // While resynchronising, a few bytes rule out almost every false start before a CRC of up
        // to 16 MiB is computed.
        return fail("the body fields do not add up", false);
      }
      byte[] body = bytes(offset + 8, (int) length);
      CRC32 check = new CRC32();
      check.update(body, 0, body.length);
      if ((int) check.getValue() != crc) {
        return fail("the record fails its CRC-32 check", false);
      }
      ByteBuffer fields = ByteBuffer.wrap(body);
      long arrivalMicros = fields.getLong();
      int keyLength = fields.getShort() & 0xffff;
      if (keyLength == 0 || keyLength > fields.remaining() - 6) {
        return fail("partition_key_length " + keyLength + " does not fit the record", false);
      }
      byte[] key = new byte[keyLength];
      fields.get(key);
      int hashKeyLength = fields.getShort() & 0xffff;
      if (hashKeyLength > fields.remaining() - 4) {
        return fail(
            "explicit_hash_key_length " + hashKeyLength + " does not fit the record", false);
      }
      byte[] hashKey = new byte[hashKeyLength];
      fields.get(hashKey);
      long dataLength = fields.getInt() & 0xffffffffL;
      if (dataLength != fields.remaining()) {
        return fail(
            "data_length "
                + dataLength
                + " does not match the "
                + fields.remaining()
                + " bytes left",
            false);
      }
      if (deliver) {
        byte[] data = new byte[(int) dataLength];
        fields.get(data);
        position++;
        consumer.accept(
            new SourceRecord(
                data,
                new String(key, StandardCharsets.UTF_8),
                hashKeyLength == 0 ? null : new String(hashKey, StandardCharsets.US_ASCII),
                Instant.ofEpochSecond(
                    Math.floorDiv(arrivalMicros, 1_000_000L),
                    Math.floorMod(arrivalMicros, 1_000_000L) * 1000L),
                SHARD_ID,
                Long.toString(position),
                all));
      }
      return offset + 8 + length;
    }

    /** Whether the three length fields of the body at {@code start} fit its {@code length}. */
    private boolean fieldsAddUp(long start, long length) throws IOException {
      long at = start + 8;
      long end = start + length;
      int keyLength = shortAt(at);
      at += 2 + keyLength;
      if (keyLength == 0 || at + 6 > end) {
        return false;
      }
      at += 2 + shortAt(at);
      if (at + 4 > end) {
        return false;
      }
      return (intAt(at) & 0xffffffffL) == end - at - 4;
    }

    private long fail(String why, boolean torn) {
      problem = why;
      couldBeTorn = torn;
      return -1;
    }

    private void damage(String kind, long offset, long bytes, String why) {
      damage.add(
          new ValidationReport.SourceDamage(
              kind,
              file.toString(),
              offset,
              bytes,
              position,
              String.format(
                  Locale.ROOT,
                  "%s: %s at offset %d, %d bytes skipped after record %d: %s",
                  file,
                  kind.equals("torn_tail") ? "torn tail" : "corrupt data",
                  offset,
                  bytes,
                  position,
                  why)));
    }

    private int shortAt(long offset) throws IOException {
      byte[] two = bytes(offset, 2);
      return (two[0] & 0xff) << 8 | (two[1] & 0xff);
    }

    private int intAt(long offset) throws IOException {
      return ByteBuffer.wrap(bytes(offset, 4)).getInt();
    }

    /** {@code length} bytes at {@code offset}, which the caller has checked lie in the file. */
    private byte[] bytes(long offset, int length) throws IOException {
      byte[] out = new byte[length];
      if (length > WINDOW) {
        ByteBuffer direct = ByteBuffer.wrap(out);
        while (direct.hasRemaining()) {
          if (channel.read(direct, offset + direct.position()) < 0) {
            throw new IOException(file + " shrank while being read, at offset " + offset);
          }
        }
        return out;
      }
      if (windowStart < 0
          || offset < windowStart
          || offset + length > windowStart + window.limit()) {
        window.clear();
        windowStart = offset;
        while (window.hasRemaining()) {
          if (channel.read(window, windowStart + window.position()) < 0) {
            break;
          }
        }
        window.flip();
        if (window.limit() < length) {
          throw new IOException(file + " shrank while being read, at offset " + offset);
        }
      }
      System.arraycopy(window.array(), (int) (offset - windowStart), out, 0, length);
      return out;
    }
  }
}
