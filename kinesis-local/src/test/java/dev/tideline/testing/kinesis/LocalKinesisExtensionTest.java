package dev.tideline.testing.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

@ExtendWith(LocalKinesisExtension.class)
class LocalKinesisExtensionTest {

  @Test
  void putRecordsAndGetRecordsRoundTripThroughATwoShardStream(
      @TestStream(shards = 2) LocalKinesisStream stream, KinesisClient kinesis) {
    assertThat(
            kinesis
                .describeStreamSummary(b -> b.streamName(stream.name()))
                .streamDescriptionSummary())
        .satisfies(
            s -> {
              assertThat(s.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
              assertThat(s.openShardCount()).isEqualTo(2);
            });

    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      entries.add(
          PutRecordsRequestEntry.builder()
              .partitionKey("key-" + i)
              .data(SdkBytes.fromUtf8String("record-" + i))
              .build());
    }
    PutRecordsResponse put = kinesis.putRecords(b -> b.streamName(stream.name()).records(entries));
    assertThat(put.failedRecordCount()).isZero();

    Map<String, String> shardOfRecord = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      PutRecordsResultEntry result = put.records().get(i);
      shardOfRecord.put("record-" + i, result.shardId());
    }
    assertThat(shardOfRecord.values())
        .as("both shards receive records")
        .hasSameElementsAs(
            kinesis.listShards(b -> b.streamName(stream.name())).shards().stream()
                .map(Shard::shardId)
                .toList());

    Map<String, String> readBack = new HashMap<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream.name())).shards()) {
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName(stream.name())
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      GetRecordsResponse got = kinesis.getRecords(b -> b.shardIterator(iterator).limit(1000));
      for (Record record : got.records()) {
        readBack.put(record.data().asString(StandardCharsets.UTF_8), shard.shardId());
      }
    }
    assertThat(readBack).isEqualTo(shardOfRecord);
  }

  @Test
  void everyTestGetsAFreshEmptyStream(
      LocalKinesisStream first, LocalKinesisStream second, KinesisClient kinesis) {
    assertThat(first.name()).isNotEqualTo(second.name()).startsWith("LocalKinesisExtensionTest-");
    assertThat(first.shardCount()).isEqualTo(1);
    String shardId = kinesis.listShards(b -> b.streamName(first.name())).shards().get(0).shardId();
    String iterator =
        kinesis
            .getShardIterator(
                b ->
                    b.streamName(first.name())
                        .shardId(shardId)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
            .shardIterator();
    assertThat(kinesis.getRecords(b -> b.shardIterator(iterator)).records()).isEmpty();
  }

  @Test
  void theAsyncClientSpeaksToTheSameServer(
      LocalKinesisStream stream, KinesisAsyncClient kinesis, LocalKinesisServer server) {
    PutRecordsResponse put =
        kinesis
            .putRecords(
                b ->
                    b.streamName(stream.name())
                        .records(
                            PutRecordsRequestEntry.builder()
                                .partitionKey("k")
                                .data(SdkBytes.fromUtf8String("async"))
                                .build()))
            .join();
    assertThat(put.failedRecordCount()).isZero();
    assertThat(put.records().get(0).sequenceNumber()).isNotBlank();
    assertThat(server.isAlive()).isTrue();
    assertThat(server.httpEndpoint().getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void theServerRefusesARecordOverOneMebibyte(LocalKinesisStream stream, KinesisClient kinesis) {
    byte[] oversized = new byte[1024 * 1024 + 1];
    PutRecordsResponse put;
    try {
      put =
          kinesis.putRecords(
              b ->
                  b.streamName(stream.name())
                      .records(
                          PutRecordsRequestEntry.builder()
                              .partitionKey("k")
                              .data(SdkBytes.fromByteArray(oversized))
                              .build()));
    } catch (software.amazon.awssdk.services.kinesis.model.KinesisException e) {
      assertThat(e.statusCode()).isEqualTo(400);
      return;
    }
    assertThat(put.failedRecordCount()).isEqualTo(1);
  }
}
