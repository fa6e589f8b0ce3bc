package dev.tideline.validator.source;

import dev.tideline.validator.HashKeyRange;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Reads files written by the SDK's file sink (docs/formats/file-sink.md): the magic bytes {@code
 * TLRF} and a 2-byte version (1), then per record a 4-byte body length, the CRC-32 of the body, and
 * the body: arrival time (8 bytes, µs since the epoch), partition key (2-byte length, UTF-8),
 * explicit hash key (2-byte length, ASCII decimal, empty for none), data (4-byte length, bytes).
 * All integers are big-endian. A torn last record (a write cut short) is ignored.
 *
 * <p>Read independently of sdk-core, so the validator also reads files other tools write.
 */
public final class RecordFileSource implements RecordSource {
  /** The first 4 bytes of a record file. */
  static final byte[] MAGIC = {'T', 'L', 'R', 'F'};

  /** The format version read. */
  static final int VERSION = 1;

  /** The one pseudo-shard a file holds: it owns every hash key. */
  static final String SHARD_ID = "shardId-000000000000";

  private final List<Path> files;

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

  @Override
  public void read(Consumer<SourceRecord> consumer) throws IOException {
    for (Path file : files) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        read(file, in, consumer);
      }
    }
  }

  private static void read(Path file, InputStream raw, Consumer<SourceRecord> consumer)
      throws IOException {
    DataInputStream in = new DataInputStream(raw);
    byte[] magic = new byte[4];
    try {
      in.readFully(magic);
    } catch (EOFException e) {
      return; // an empty file: the sink had not written its header yet
    }
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException(file + " is not a record file: it does not start with TLRF");
    }
    int version = in.readUnsignedShort();
    if (version != VERSION) {
      throw new IOException(
          file + " is a record file of version " + version + "; this validator reads " + VERSION);
    }
    long position = 0;
    HashKeyRange all = HashKeyRange.all();
    while (true) {
      int length;
      try {
        length = in.readInt();
      } catch (EOFException e) {
        return;
      }
      byte[] body;
      int crc;
      try {
        crc = in.readInt();
        if (length < 0) {
          throw new IOException(file + ": record " + (position + 1) + " has length " + length);
        }
        body = new byte[length];
        in.readFully(body);
      } catch (EOFException e) {
        return; // a torn last record
      }
      position++;
      CRC32 check = new CRC32();
      check.update(body, 0, body.length);
      if ((int) check.getValue() != crc) {
        throw new IOException(file + ": record " + position + " fails its CRC-32 check");
      }
      DataInputStream fields = new DataInputStream(new java.io.ByteArrayInputStream(body));
      long arrivalMicros = fields.readLong();
      String key = new String(readShortBytes(fields), StandardCharsets.UTF_8);
      byte[] hashKey = readShortBytes(fields);
      byte[] data = new byte[fields.readInt()];
      fields.readFully(data);
      consumer.accept(
          new SourceRecord(
              data,
              key,
              hashKey.length == 0 ? null : new String(hashKey, StandardCharsets.US_ASCII),
              Instant.ofEpochSecond(
                  Math.floorDiv(arrivalMicros, 1_000_000L),
                  Math.floorMod(arrivalMicros, 1_000_000L) * 1000L),
              SHARD_ID,
              Long.toString(position),
              all));
    }
  }

  private static byte[] readShortBytes(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readUnsignedShort()];
    in.readFully(bytes);
    return bytes;
  }
}
