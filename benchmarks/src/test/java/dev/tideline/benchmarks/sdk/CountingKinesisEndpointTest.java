package dev.tideline.benchmarks.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.sdk.Completion;
import dev.tideline.sdk.kinesis.KinesisSink;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.SinkRecord;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.wire.KplRecords;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The counting endpoint, cross-checked against the local Kinesis on a small run: the same records,
 * sent through the Kinesis sink to both, are counted by the endpoint as the local Kinesis stores
 * them.
 */
@ExtendWith(LocalKinesisExtension.class)
class CountingKinesisEndpointTest {
  @Test
  void countsWhatTheLocalKinesisStoresForTheSameRecords(
      LocalKinesisStream stream, LocalKinesisServer server) throws Exception {
    List<SinkRecord> first = new ArrayList<>();
    List<SinkRecord> second = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      first.add(
          SinkRecord.of("plain-" + i, ("plain record " + i).getBytes(StandardCharsets.UTF_8)));
      second.add(SinkRecord.of("aggregate-" + i, aggregate(10 + i * 100, 300 * i)));
    }

    try (CountingKinesisEndpoint endpoint = CountingKinesisEndpoint.start(0, 2);
        KinesisClient counting = client(server, endpoint.endpoint());
        KinesisClient local = client(server, server.httpEndpoint())) {
      sendBoth(KinesisSink.create(counting), "counted", first, second);
      sendBoth(KinesisSink.create(local), stream.name(), first, second);

      List<software.amazon.awssdk.services.kinesis.model.Record> stored = readAll(local, stream);
      long bytes = 0;
      long units = 0;
      long events = 0;
      for (software.amazon.awssdk.services.kinesis.model.Record record : stored) {
        byte[] data = record.data().asByteArray();
        int billed = data.length + record.partitionKey().getBytes(StandardCharsets.UTF_8).length;
        bytes += billed;
        units += (billed + 25 * 1024 - 1) / (25 * 1024);
        events += KplRecords.isAggregated(data) ? KplRecords.decode(data).getRecordsCount() : 1;
      }
      assertThat(stored).hasSize(8);
      assertThat(endpoint.requests()).isEqualTo(2);
      assertThat(endpoint.records()).isEqualTo(stored.size());
      assertThat(endpoint.bytes()).isEqualTo(bytes);
      assertThat(endpoint.putPayloadUnits()).isEqualTo(units).isGreaterThan(8);
      assertThat(endpoint.events()).isEqualTo(events).isEqualTo(4 + 10 + 110 + 210 + 310);
      assertThat(endpoint.malformedRecords()).isZero();
    }
  }

  @Test
  void answersItsCountsOverTheControlPathAndResetsThemOnRequest() throws Exception {
    try (CountingKinesisEndpoint endpoint = CountingKinesisEndpoint.start(0, 1)) {
      KinesisSink sink = KinesisSink.create(anonymousClient(endpoint));
      await(sink.listShards("any"));
      await(sink.putRecords("any", List.of(SinkRecord.of("k", new byte[100]))));
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      URI counts = endpoint.endpoint().resolve(CountingKinesisEndpoint.COUNTS_PATH);

      String first = get(http, URI.create(counts + "?reset"));
      String second = get(http, counts);

      assertThat(first)
          .contains("\"requests\":1", "\"records\":1", "\"bytes\":101", "\"listShardsCalls\":1");
      assertThat(second).contains("\"requests\":0", "\"listShardsCalls\":0");
      assertThat(endpoint.records()).isZero();
    }
  }

  private static String get(java.net.http.HttpClient http, URI uri) throws Exception {
    return http.send(
            java.net.http.HttpRequest.newBuilder(uri).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static KinesisClient anonymousClient(CountingKinesisEndpoint endpoint) {
    return KinesisClient.builder()
        .endpointOverride(endpoint.endpoint())
        .region(LocalKinesisServer.REGION)
        .credentialsProvider(
            software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  @Test
  void answersListShardsWithEvenRangesSoATrackerCanAggregate() throws Exception {
    try (CountingKinesisEndpoint endpoint = CountingKinesisEndpoint.start(0, 4);
        KinesisClient client =
            KinesisClient.builder()
                .endpointOverride(endpoint.endpoint())
                .region(LocalKinesisServer.REGION)
                .credentialsProvider(
                    software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
      var shards = await(KinesisSink.create(client).listShards("any"));

      assertThat(shards).hasSize(4);
      assertThat(shards.get(0).startingHashKey()).isZero();
      assertThat(shards.get(3).endingHashKey()).isEqualTo(dev.tideline.sdk.sink.Shard.MAX_HASH_KEY);
    }
  }

  private static void sendBoth(
      KinesisSink sink, String stream, List<SinkRecord> first, List<SinkRecord> second) {
    for (List<SinkRecord> batch : List.of(first, second)) {
      PutRecordsResult result = await(sink.putRecords(stream, batch));
      assertThat(result.failedCount()).isZero();
    }
  }

  /** A KPL record of {@code count} sub-records of about {@code size} bytes each. */
  private static byte[] aggregate(int count, int size) {
    AggregatedRecord.Builder aggregate =
        AggregatedRecord.newBuilder().addPartitionKeyTable("k").addExplicitHashKeyTable("7");
    for (int i = 0; i < count; i++) {
      aggregate.addRecords(
          Record.newBuilder()
              .setPartitionKeyIndex(0)
              .setExplicitHashKeyIndex(0)
              .setData(ByteString.copyFromUtf8(i + "x".repeat(size))));
    }
    return KplRecords.encode(aggregate.build());
  }

  private static List<software.amazon.awssdk.services.kinesis.model.Record> readAll(
      KinesisClient kinesis, LocalKinesisStream stream) {
    String iterator =
        kinesis
            .getShardIterator(
                b ->
                    b.streamName(stream.name())
                        .shardId("shardId-000000000000")
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
            .shardIterator();
    return kinesis.getRecords(b -> b.shardIterator(iterator)).records();
  }

  private static KinesisClient client(LocalKinesisServer server, URI endpoint) {
    return KinesisClient.builder()
        .endpointOverride(endpoint)
        .region(LocalKinesisServer.REGION)
        .credentialsProvider(server.credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(KinesisSink.recommendedClientConfiguration())
        .build();
  }

  private static <T> T await(Completion<T> completion) {
    assertThat(completion.await(1, TimeUnit.MINUTES)).isTrue();
    assertThat(completion.failure()).isNull();
    return completion.value();
  }
}
