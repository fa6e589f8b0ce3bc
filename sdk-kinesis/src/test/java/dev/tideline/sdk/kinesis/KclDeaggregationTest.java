package dev.tideline.sdk.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.wire.KplRecords;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * What the KCL's deaggregation does with our records, pinned down, because the SDK's handling of
 * misrouted records depends on it.
 */
class KclDeaggregationTest {
  private static final BigInteger HALF = BigInteger.ONE.shiftLeft(127);
  private static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  @Test
  void readsEverySubRecordOfOurAggregateWithItsKeys() {
    KinesisClientRecord record =
        record(HALF.subtract(BigInteger.TWO), HALF.subtract(BigInteger.ONE));

    List<KinesisClientRecord> users =
        new AggregatorUtil()
            .deaggregate(List.of(record), BigInteger.ZERO, HALF.subtract(BigInteger.ONE));

    assertThat(users).hasSize(2);
    assertThat(users.get(0).partitionKey()).isEqualTo("a");
    assertThat(users.get(1).explicitHashKey()).isEqualTo(HALF.subtract(BigInteger.ONE).toString());
    assertThat(SdkBytes.fromByteBuffer(users.get(1).data()).asUtf8String()).isEqualTo("second");
    assertThat(users).allSatisfy(u -> assertThat(u.aggregated()).isTrue());
  }

  @Test
  void dropsTheWholeAggregateWhenOneSubRecordLiesOutsideTheShardsRange() {
    // The second sub-record belongs to the upper half; the shard read is the lower half.
    KinesisClientRecord record = record(BigInteger.ONE, HALF);

    List<KinesisClientRecord> users =
        new AggregatorUtil()
            .deaggregate(List.of(record), BigInteger.ZERO, HALF.subtract(BigInteger.ONE));

    // Not just the misrouted sub-record: the in-range one is lost too. A producer whose record
    // lands in the wrong shard must resend all of its sub-records, not only those outside.
    assertThat(users).isEmpty();
    KinesisClientRecord again = record(BigInteger.ONE, HALF); // the KCL consumed the buffer
    assertThat(new AggregatorUtil().deaggregate(List.of(again), BigInteger.ZERO, MAX)).hasSize(2);
  }

  private static KinesisClientRecord record(BigInteger firstHashKey, BigInteger secondHashKey) {
    AggregatedRecord aggregate =
        AggregatedRecord.newBuilder()
            .addPartitionKeyTable("a")
            .addPartitionKeyTable("b")
            .addExplicitHashKeyTable(firstHashKey.toString())
            .addExplicitHashKeyTable(secondHashKey.toString())
            .addRecords(
                Record.newBuilder()
                    .setPartitionKeyIndex(0)
                    .setExplicitHashKeyIndex(0)
                    .setData(ByteString.copyFromUtf8("first")))
            .addRecords(
                Record.newBuilder()
                    .setPartitionKeyIndex(1)
                    .setExplicitHashKeyIndex(1)
                    .setData(ByteString.copyFromUtf8("second")))
            .build();
    return KinesisClientRecord.builder()
        .partitionKey("a")
        .sequenceNumber("1")
        .approximateArrivalTimestamp(Instant.EPOCH)
        .data(SdkBytes.fromByteArray(KplRecords.encode(aggregate)).asByteBuffer())
        .build();
  }
}
