package dev.tideline.validator.flink.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.source.SourceRecord;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** The source in Flink jobs on a MiniCluster (parallelism 2) reading a local Kinesis. */
@ExtendWith(LocalKinesisExtension.class)
@Timeout(120)
class KinesisSourceTest {
  private static final int PARALLELISM = 2;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(PARALLELISM)
              .build());

  /** A record as put: its key, data and where Kinesis stored it. */
  record Put(String key, String data, String shardId, String sequenceNumber) {
    String position() {
      return shardId + "/" + sequenceNumber;
    }
  }

  private static KinesisClientFactory clients(LocalKinesisServer server) {
    AwsCredentials credentials = server.credentials().resolveCredentials();
    return KinesisClientFactory.builder()
        .endpoint(server.httpEndpoint())
        .region(LocalKinesisServer.REGION.id())
        .staticCredentials(credentials.accessKeyId(), credentials.secretAccessKey())
        .build();
  }

  private static KinesisSource.Builder source(LocalKinesisStream stream) {
    return KinesisSource.builder(stream.name(), clients(stream.server()))
        .getRecordsPerSecond(5)
        .shardDiscoveryInterval(Duration.ofSeconds(1));
  }

  private static StreamExecutionEnvironment env() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    return env;
  }

  /** Puts records with PutRecords, in calls of at most 500, and says where each landed. */
  private static List<Put> put(KinesisClient kinesis, String stream, List<String[]> keysAndData) {
    List<Put> puts = new ArrayList<>();
    for (int from = 0; from < keysAndData.size(); from += 500) {
      List<String[]> chunk = keysAndData.subList(from, Math.min(keysAndData.size(), from + 500));
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (String[] keyAndData : chunk) {
        entries.add(
            PutRecordsRequestEntry.builder()
                .partitionKey(keyAndData[0])
                .data(SdkBytes.fromUtf8String(keyAndData[1]))
                .build());
      }
      PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
      assertThat(response.failedRecordCount()).isZero();
      for (int i = 0; i < chunk.size(); i++) {
        PutRecordsResultEntry result = response.records().get(i);
        puts.add(
            new Put(chunk.get(i)[0], chunk.get(i)[1], result.shardId(), result.sequenceNumber()));
      }
    }
    return puts;
  }

  private static List<Put> put(
      KinesisClient kinesis, String stream, String prefix, int count, int keys) {
    List<String[]> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(new String[] {"key-" + (i % keys), prefix + "-" + i});
    }
    return put(kinesis, stream, records);
  }

  private static String text(SourceRecord record) {
    return new String(record.data(), StandardCharsets.UTF_8);
  }

  private static String position(SourceRecord record) {
    return record.shardId() + "/" + record.sequenceNumber();
  }

  /** Passes records on, failing the job if a record's timestamp is not its arrival time. */
  static final class ArrivalTimeIsTheTimestamp extends ProcessFunction<SourceRecord, SourceRecord> {
    @Override
    public void processElement(SourceRecord record, Context context, Collector<SourceRecord> out) {
      if (context.timestamp() == null
          || context.timestamp() != record.arrivalTime().toEpochMilli()) {
        throw new IllegalStateException(
            "timestamp "
                + context.timestamp()
                + " is not the arrival time "
                + record.arrivalTime());
      }
      out.collect(record);
    }
  }

  @Test
  void readsEveryRecordOfEveryShardExactlyOnceWithArrivalTimesAsTimestamps(
      @TestStream(shards = 4) LocalKinesisStream stream, KinesisClient kinesis) throws Exception {
    List<Put> puts = put(kinesis, stream.name(), "r", 400, 40);
    assertThat(puts.stream().map(Put::shardId).distinct()).hasSize(4);
    KinesisSource source = source(stream).recordsPerCall(50).stopWhenCaughtUp(true).build();

    List<SourceRecord> read = new ArrayList<>();
    try (CloseableIterator<SourceRecord> records =
        env()
            .fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis")
            .process(new ArrivalTimeIsTheTimestamp())
            .executeAndCollect("read every shard")) {
      records.forEachRemaining(read::add);
    }

    assertThat(read)
        .extracting(KinesisSourceTest::position)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(puts.stream().map(Put::position).toList());
    assertThat(read)
        .extracting(KinesisSourceTest::text)
        .containsExactlyInAnyOrderElementsOf(puts.stream().map(Put::data).toList());
    assertThat(read)
        .extracting(SourceRecord::shardId)
        .containsOnly(puts.stream().map(Put::shardId).distinct().toArray(String[]::new));
    // Each shard's records come in its order.
    Map<String, BigInteger> last = new HashMap<>();
    for (SourceRecord record : read) {
      BigInteger sequence = new BigInteger(record.sequenceNumber());
      BigInteger before = last.put(record.shardId(), sequence);
      assertThat(before == null || before.compareTo(sequence) < 0).isTrue();
    }
  }
}
