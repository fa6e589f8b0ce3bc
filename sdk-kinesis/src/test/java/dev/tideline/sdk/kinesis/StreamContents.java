package dev.tideline.sdk.kinesis;

import dev.tideline.testing.kinesis.LocalKinesisServer;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Everything a stream holds, read back shard by shard with GetRecords from the trim horizon. */
record StreamContents(List<ShardRecords> shards) {

  /**
   * One shard's records.
   *
   * @param shardId the shard
   * @param startingHashKey the smallest hash key of its range
   * @param endingHashKey the largest hash key of its range
   * @param records its records, in sequence order
   */
  record ShardRecords(
      String shardId, BigInteger startingHashKey, BigInteger endingHashKey, List<Record> records) {}

  /**
   * Reads every record of every shard; call once the writes completed. Uses a client of its own
   * with long timeouts: the local Kinesis serves a page of large records slowly on a busy machine.
   */
  static StreamContents read(LocalKinesisServer server, String streamName) {
    try (KinesisClient kinesis =
        KinesisClient.builder()
            .endpointOverride(server.httpEndpoint())
            .region(LocalKinesisServer.REGION)
            .credentialsProvider(server.credentials())
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .socketTimeout(Duration.ofMinutes(3))
                    .connectionTimeout(Duration.ofSeconds(10)))
            .build()) {
      return read(kinesis, streamName);
    }
  }

  private static StreamContents read(KinesisClient kinesis, String streamName) {
    List<ShardRecords> result = new ArrayList<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(streamName)).shards()) {
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName(streamName)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      List<Record> records = new ArrayList<>();
      // A page with no records means the end: every write completed before reading.
      for (int page = 0; page < 10_000 && iterator != null; page++) {
        String current = iterator;
        GetRecordsResponse response =
            kinesis.getRecords(b -> b.shardIterator(current).limit(1_000));
        if (response.records().isEmpty()) {
          break;
        }
        records.addAll(response.records());
        iterator = response.nextShardIterator();
      }
      result.add(
          new ShardRecords(
              shard.shardId(),
              new BigInteger(shard.hashKeyRange().startingHashKey()),
              new BigInteger(shard.hashKeyRange().endingHashKey()),
              List.copyOf(records)));
    }
    return new StreamContents(List.copyOf(result));
  }

  /** All records of all shards. */
  List<Record> records() {
    List<Record> all = new ArrayList<>();
    shards.forEach(shard -> all.addAll(shard.records()));
    return all;
  }
}
