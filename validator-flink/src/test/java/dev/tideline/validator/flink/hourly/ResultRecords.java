package dev.tideline.validator.flink.hourly;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Reads back what a results stream holds. */
public final class ResultRecords {
  private ResultRecords() {}

  /** Every record of the stream, shard by shard, each shard's in order. */
  public static List<Record> readAll(KinesisClient kinesis, String stream) {
    List<Record> records = new ArrayList<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (iterator != null) {
        String from = iterator;
        GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(from));
        records.addAll(response.records());
        if (response.records().isEmpty() && response.millisBehindLatest() == 0) {
          break;
        }
        iterator = response.nextShardIterator();
      }
    }
    return records;
  }
}
