package dev.tideline.wire;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The KPL aggregated record format, as the Kinesis Producer Library writes it and the KCL reads it:
 * the magic bytes {@code F3 89 9A C2}, a protobuf {@link AggregatedRecord}, then the 16-byte MD5
 * digest of the protobuf bytes (KPL "aggregation-format.md").
 *
 * <p>The one place that frames aggregated records: {@link #encode(AggregatedRecord)} for a built
 * message, and {@link #encode(int, Body)} with {@link #writePartitionKey} and {@link
 * #writeRecordHeader} for a writer (the SDK's aggregator) that streams its sub-records' bytes
 * without building messages.
 *
 * <p>Stateless and thread-safe.
 */
public final class KplRecords {
  /** The 4 bytes every aggregated record starts with. */
  private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

  /** Length of the magic prefix. */
  public static final int MAGIC_LENGTH = 4;

  /** Length of the MD5 suffix. */
  public static final int DIGEST_LENGTH = Digests.MD5_LENGTH;

  /** Bytes an aggregated record adds around its protobuf body. */
  public static final int OVERHEAD = MAGIC_LENGTH + DIGEST_LENGTH;

  private KplRecords() {}

  /** A copy of the magic bytes. */
  public static byte[] magic() {
    return MAGIC.clone();
  }

  /** Whether the data starts with the magic bytes (and so must be read as an aggregate). */
  public static boolean isAggregated(byte[] data) {
    if (data.length < MAGIC_LENGTH) {
      return false;
    }
    for (int i = 0; i < MAGIC_LENGTH; i++) {
      if (data[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** Writes the protobuf body of an aggregated record. */
  public interface Body {
    /** Writes exactly the body length announced to {@link #encode(int, Body)}. */
    void writeTo(CodedOutputStream out) throws IOException;
  }

  /** Serializes an aggregated record with magic and checksum. */
  public static byte[] encode(AggregatedRecord record) {
    return encode(record.getSerializedSize(), record::writeTo);
  }

  /**
   * Frames a body of {@code bodyLength} bytes: the magic bytes, the body as {@code body} writes it,
   * then the MD5 digest of the body.
   *
   * @throws IllegalStateException if {@code body} writes more or fewer bytes than {@code
   *     bodyLength} (a bug in the writer)
   */
  public static byte[] encode(int bodyLength, Body body) {
    byte[] out = new byte[OVERHEAD + bodyLength];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC_LENGTH);
    try {
      CodedOutputStream coded = CodedOutputStream.newInstance(out, MAGIC_LENGTH, bodyLength);
      body.writeTo(coded);
      coded.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("serializing to an array cannot fail", e);
    }
    Digests.md5(out, MAGIC_LENGTH, bodyLength, out, MAGIC_LENGTH + bodyLength);
    return out;
  }

  /** The bytes a partition key table entry of that UTF-8 length adds to the body. */
  public static int partitionKeySize(int utf8Length) {
    return WireTags.TAG_SIZE + CodedOutputStream.computeUInt32SizeNoTag(utf8Length) + utf8Length;
  }

  /** Writes a partition key table entry (a string field: length-delimited UTF-8). */
  public static void writePartitionKey(CodedOutputStream out, byte[] utf8) throws IOException {
    out.writeUInt32NoTag(WireTags.AGGREGATE_PARTITION_KEY);
    out.writeUInt32NoTag(utf8.length);
    out.writeRawBytes(utf8);
  }

  /**
   * The bytes a sub-record without explicit hash key or tags adds to the body: its {@code records}
   * entry with the partition key index and {@code dataLength} bytes of data.
   */
  public static int recordSize(long partitionKeyIndex, int dataLength) {
    int inner = recordMessageSize(partitionKeyIndex, dataLength);
    return WireTags.TAG_SIZE + CodedOutputStream.computeUInt32SizeNoTag(inner) + inner;
  }

  /**
   * Writes a sub-record without explicit hash key or tags up to its data: the {@code records}
   * entry's tag and length, the partition key index, and the data field's tag and length. The
   * caller writes the {@code dataLength} bytes of data next.
   */
  public static void writeRecordHeader(
      CodedOutputStream out, long partitionKeyIndex, int dataLength) throws IOException {
    out.writeUInt32NoTag(WireTags.AGGREGATE_RECORD);
    out.writeUInt32NoTag(recordMessageSize(partitionKeyIndex, dataLength));
    out.writeUInt32NoTag(WireTags.RECORD_PARTITION_KEY_INDEX);
    out.writeUInt64NoTag(partitionKeyIndex);
    out.writeUInt32NoTag(WireTags.RECORD_DATA);
    out.writeUInt32NoTag(dataLength);
  }

  private static int recordMessageSize(long partitionKeyIndex, int dataLength) {
    return WireTags.TAG_SIZE
        + CodedOutputStream.computeUInt64SizeNoTag(partitionKeyIndex)
        + WireTags.TAG_SIZE
        + CodedOutputStream.computeUInt32SizeNoTag(dataLength)
        + dataLength;
  }

  /**
   * Reads an aggregated record, checking magic, checksum, protobuf and key indexes. The
   * sub-records' data share {@code data}'s bytes rather than copying them, so {@code data} must not
   * change afterwards.
   *
   * @throws MalformedRecordException with the reason and position of the first problem
   */
  public static AggregatedRecord decode(byte[] data) throws MalformedRecordException {
    if (data.length == 0) {
      throw new MalformedRecordException(MalformedRecordException.Reason.EMPTY, "record is empty");
    }
    if (!isAggregated(data)) {
      throw new MalformedRecordException(
          MalformedRecordException.Reason.BAD_MAGIC,
          "expected KPL magic F3 89 9A C2, found "
              + Hex.spaced(data, 0, Math.min(MAGIC_LENGTH, data.length)));
    }
    if (data.length < OVERHEAD) {
      throw new MalformedRecordException(
          MalformedRecordException.Reason.TOO_SHORT,
          "aggregated record of "
              + data.length
              + " bytes is shorter than magic plus MD5 ("
              + OVERHEAD
              + " bytes)");
    }
    int bodyLength = data.length - OVERHEAD;
    byte[] expected = Digests.md5(data, MAGIC_LENGTH, bodyLength);
    byte[] actual = Arrays.copyOfRange(data, data.length - DIGEST_LENGTH, data.length);
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new MalformedRecordException(
          MalformedRecordException.Reason.BAD_CHECKSUM,
          "MD5 of the "
              + bodyLength
              + " protobuf bytes is "
              + Hex.spaced(expected, 0, DIGEST_LENGTH)
              + " but the record ends with "
              + Hex.spaced(actual, 0, DIGEST_LENGTH));
    }
    AggregatedRecord record;
    try {
      // Aliasing: the sub-records' data share the record's bytes instead of being copied.
      CodedInputStream input =
          UnsafeByteOperations.unsafeWrap(data, MAGIC_LENGTH, bodyLength).newCodedInput();
      input.enableAliasing(true);
      record = AggregatedRecord.parser().parseFrom(input);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedRecordException(
          MalformedRecordException.Reason.BAD_PROTOBUF,
          "aggregated record body (" + bodyLength + " bytes) does not parse: " + e.getMessage(),
          e);
    }
    if (record.getRecordsCount() == 0) {
      throw new MalformedRecordException(
          MalformedRecordException.Reason.NO_RECORDS, "aggregated record holds no sub-records");
    }
    int keys = record.getPartitionKeyTableCount();
    int hashKeys = record.getExplicitHashKeyTableCount();
    for (int i = 0; i < record.getRecordsCount(); i++) {
      Record sub = record.getRecords(i);
      if (outOfRange(sub.getPartitionKeyIndex(), keys)) {
        throw new MalformedRecordException(
            MalformedRecordException.Reason.KEY_INDEX_OUT_OF_RANGE,
            "sub-record "
                + i
                + " has partition_key_index "
                + unsigned(sub.getPartitionKeyIndex())
                + " but the partition key table has "
                + keys
                + " entries");
      }
      if (sub.hasExplicitHashKeyIndex() && outOfRange(sub.getExplicitHashKeyIndex(), hashKeys)) {
        throw new MalformedRecordException(
            MalformedRecordException.Reason.KEY_INDEX_OUT_OF_RANGE,
            "sub-record "
                + i
                + " has explicit_hash_key_index "
                + unsigned(sub.getExplicitHashKeyIndex())
                + " but the explicit hash key table has "
                + hashKeys
                + " entries");
      }
    }
    return record;
  }

  /** Whether an unsigned uint64 index (negative as a Java long when over 2^63) is past the end. */
  private static boolean outOfRange(long unsignedIndex, int size) {
    return unsignedIndex < 0 || unsignedIndex >= size;
  }

  /** Long.toUnsignedString is API 26; this works from API 24. */
  private static String unsigned(long value) {
    return value >= 0
        ? Long.toString(value)
        : BigInteger.valueOf(value).add(BigInteger.ONE.shiftLeft(64)).toString();
  }
}
