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
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The KPL aggregated record format, as the Kinesis Producer Library writes it and the KCL reads it:
 * the magic bytes {@code F3 89 9A C2}, a protobuf {@link AggregatedRecord}, then the 16-byte MD5
 * digest of the protobuf bytes (KPL "aggregation-format.md").
 *
 * <p>Stateless and thread-safe.
 */
public final class KplRecords {
  /** The 4 bytes every aggregated record starts with. */
  private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

  /** Length of the magic prefix. */
  public static final int MAGIC_LENGTH = 4;

  /** Length of the MD5 suffix. */
  public static final int DIGEST_LENGTH = 16;

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

  /** Serializes an aggregated record with magic and checksum. */
  public static byte[] encode(AggregatedRecord record) {
    int bodyLength = record.getSerializedSize();
    byte[] out = new byte[OVERHEAD + bodyLength];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC_LENGTH);
    try {
      CodedOutputStream coded = CodedOutputStream.newInstance(out, MAGIC_LENGTH, bodyLength);
      record.writeTo(coded);
      coded.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("serializing to an array cannot fail", e);
    }
    MessageDigest md5 = md5();
    md5.update(out, MAGIC_LENGTH, bodyLength);
    System.arraycopy(md5.digest(), 0, out, MAGIC_LENGTH + bodyLength, DIGEST_LENGTH);
    return out;
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
              + hex(data, 0, Math.min(MAGIC_LENGTH, data.length)));
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
    MessageDigest md5 = md5();
    md5.update(data, MAGIC_LENGTH, bodyLength);
    byte[] expected = md5.digest();
    byte[] actual = Arrays.copyOfRange(data, data.length - DIGEST_LENGTH, data.length);
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new MalformedRecordException(
          MalformedRecordException.Reason.BAD_CHECKSUM,
          "MD5 of the "
              + bodyLength
              + " protobuf bytes is "
              + hex(expected, 0, DIGEST_LENGTH)
              + " but the record ends with "
              + hex(actual, 0, DIGEST_LENGTH));
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
        : new BigInteger(Long.toHexString(value), 16).toString();
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every JVM and Android", e);
    }
  }

  static String hex(byte[] bytes, int from, int length) {
    StringBuilder out = new StringBuilder(length * 3);
    for (int i = from; i < from + length; i++) {
      if (i > from) {
        out.append(' ');
      }
      out.append(Character.forDigit((bytes[i] >> 4) & 0xF, 16))
          .append(Character.forDigit(bytes[i] & 0xF, 16));
    }
    return out.toString().toUpperCase(Locale.ROOT);
  }
}
