package dev.tideline.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.wire.MalformedRecordException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class KplRecordsTest {
  private static final AggregatedRecord TWO_RECORDS =
      AggregatedRecord.newBuilder()
          .addPartitionKeyTable("user-1")
          .addPartitionKeyTable("user-2")
          .addExplicitHashKeyTable("170141183460469231731687303715884105728")
          .addRecords(
              Record.newBuilder().setPartitionKeyIndex(0).setData(ByteString.copyFromUtf8("first")))
          .addRecords(
              Record.newBuilder()
                  .setPartitionKeyIndex(1)
                  .setExplicitHashKeyIndex(0)
                  .setData(ByteString.copyFromUtf8("second")))
          .build();

  @Test
  void anEncodedRecordIsMagicThenProtobufThenItsMd5() throws Exception {
    byte[] encoded = KplRecords.encode(TWO_RECORDS);
    byte[] body = TWO_RECORDS.toByteArray();

    assertThat(Arrays.copyOf(encoded, 4))
        .containsExactly((byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2);
    assertThat(Arrays.copyOfRange(encoded, 4, 4 + body.length)).isEqualTo(body);
    assertThat(Arrays.copyOfRange(encoded, 4 + body.length, encoded.length))
        .isEqualTo(MessageDigest.getInstance("MD5").digest(body));
    assertThat(encoded).hasSize(body.length + KplRecords.OVERHEAD);
    assertThat(KplRecords.isAggregated(encoded)).isTrue();
  }

  @Test
  void decodingAnEncodedRecordGivesItBack() throws Exception {
    assertThat(KplRecords.decode(KplRecords.encode(TWO_RECORDS))).isEqualTo(TWO_RECORDS);
  }

  @Test
  void anEmptyRecordIsRefused() {
    assertMalformed(() -> KplRecords.decode(new byte[0]), Reason.EMPTY, "record is empty");
  }

  @Test
  void aRecordWithoutTheMagicIsRefusedShowingWhatItStartsWith() {
    byte[] plain = "not aggregated".getBytes(StandardCharsets.UTF_8);
    assertThat(KplRecords.isAggregated(plain)).isFalse();
    assertMalformed(
        () -> KplRecords.decode(plain),
        Reason.BAD_MAGIC,
        "expected KPL magic F3 89 9A C2, found 6E 6F 74 20");
  }

  @Test
  void aRecordShorterThanMagicPlusChecksumIsRefused() {
    byte[] shortRecord = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2, 1, 2, 3};
    assertMalformed(
        () -> KplRecords.decode(shortRecord),
        Reason.TOO_SHORT,
        "aggregated record of 7 bytes is shorter than magic plus MD5 (20 bytes)");
  }

  @Test
  void aRecordWhoseChecksumDoesNotMatchIsRefused() {
    byte[] encoded = KplRecords.encode(TWO_RECORDS);
    encoded[6] ^= 0x01; // flip one bit of the protobuf body
    assertMalformed(() -> KplRecords.decode(encoded), Reason.BAD_CHECKSUM, "protobuf bytes is ");
  }

  @Test
  void aTruncatedProtobufWithAMatchingChecksumIsRefused() throws Exception {
    byte[] body = TWO_RECORDS.toByteArray();
    byte[] truncated = Arrays.copyOf(body, body.length - 3);
    byte[] record = withMagicAndMd5(truncated);
    assertMalformed(
        () -> KplRecords.decode(record),
        Reason.BAD_PROTOBUF,
        "aggregated record body (" + truncated.length + " bytes) does not parse");
  }

  @Test
  void aSubRecordPointingPastThePartitionKeyTableIsRefused() throws Exception {
    AggregatedRecord bad =
        TWO_RECORDS.toBuilder()
            .setRecords(1, TWO_RECORDS.getRecords(1).toBuilder().setPartitionKeyIndex(2))
            .build();
    assertMalformed(
        () -> KplRecords.decode(KplRecords.encode(bad)),
        Reason.KEY_INDEX_OUT_OF_RANGE,
        "sub-record 1 has partition_key_index 2 but the partition key table has 2 entries");
  }

  @Test
  void aSubRecordPointingPastTheExplicitHashKeyTableIsRefused() throws Exception {
    AggregatedRecord bad =
        TWO_RECORDS.toBuilder()
            .setRecords(0, TWO_RECORDS.getRecords(0).toBuilder().setExplicitHashKeyIndex(-1L))
            .build();
    assertMalformed(
        () -> KplRecords.decode(KplRecords.encode(bad)),
        Reason.KEY_INDEX_OUT_OF_RANGE,
        "sub-record 0 has explicit_hash_key_index 18446744073709551615 but the explicit hash key"
            + " table has 1 entries");
  }

  @Test
  void anAggregateWithoutSubRecordsIsRefused() {
    AggregatedRecord empty = AggregatedRecord.newBuilder().addPartitionKeyTable("k").build();
    assertMalformed(
        () -> KplRecords.decode(KplRecords.encode(empty)),
        Reason.NO_RECORDS,
        "aggregated record holds no sub-records");
  }

  private static byte[] withMagicAndMd5(byte[] body) throws Exception {
    byte[] out = new byte[body.length + KplRecords.OVERHEAD];
    System.arraycopy(KplRecords.magic(), 0, out, 0, 4);
    System.arraycopy(body, 0, out, 4, body.length);
    System.arraycopy(MessageDigest.getInstance("MD5").digest(body), 0, out, 4 + body.length, 16);
    return out;
  }

  @Test
  void aStreamedBodyIsFramedExactlyAsTheBuiltMessage() throws Exception {
    AggregatedRecord built =
        AggregatedRecord.newBuilder()
            .addPartitionKeyTable("user-1")
            .addPartitionKeyTable("ü-2")
            .addRecords(
                Record.newBuilder().setPartitionKeyIndex(0).setData(ByteString.copyFromUtf8("a")))
            .addRecords(
                Record.newBuilder()
                    .setPartitionKeyIndex(1)
                    .setData(ByteString.copyFrom(new byte[300])))
            .build();
    byte[][] keys = {
      "user-1".getBytes(StandardCharsets.UTF_8), "ü-2".getBytes(StandardCharsets.UTF_8)
    };
    byte[][] data = {"a".getBytes(StandardCharsets.UTF_8), new byte[300]};
    int bodyLength = 0;
    for (byte[] key : keys) {
      bodyLength += KplRecords.partitionKeySize(key.length);
    }
    for (int i = 0; i < data.length; i++) {
      bodyLength += KplRecords.recordSize(i, data[i].length);
    }
    assertThat(bodyLength).isEqualTo(built.getSerializedSize());

    byte[] streamed =
        KplRecords.encode(
            built.getSerializedSize(),
            out -> {
              for (byte[] key : keys) {
                KplRecords.writePartitionKey(out, key);
              }
              for (int i = 0; i < data.length; i++) {
                KplRecords.writeRecordHeader(out, i, data[i].length);
                out.writeRawBytes(data[i]);
              }
            });

    assertThat(streamed).isEqualTo(KplRecords.encode(built));
  }

  @Test
  void aBodyWriterThatWritesTooLittleIsABug() {
    assertThatThrownBy(() -> KplRecords.encode(3, out -> out.writeRawBytes(new byte[2])))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aChecksumMismatchQuotesBothDigestsInHex() {
    byte[] encoded = KplRecords.encode(TWO_RECORDS);
    int bodyLength = encoded.length - KplRecords.OVERHEAD;
    byte[] expected = Digests.md5(encoded, KplRecords.MAGIC_LENGTH, bodyLength);
    encoded[encoded.length - 1] ^= 1;

    assertMalformed(
        () -> KplRecords.decode(encoded),
        Reason.BAD_CHECKSUM,
        "is " + Hex.spaced(expected, 0, 16) + " but the record ends with");
  }

  static void assertMalformed(ThrowingCallable call, Reason reason, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            MalformedRecordException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(messagePart);
  }
}
