package dev.tideline.validator.flink.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.flink.FailOnceAfterACheckpoint;
import dev.tideline.validator.flink.MiniClusters;
import dev.tideline.validator.source.SourceRecord;
import dev.tideline.validator.source.StartingPosition;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
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
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** The source in Flink jobs on a MiniCluster (parallelism 2) reading a local Kinesis. */
@ExtendWith(LocalKinesisExtension.class)
@Timeout(120)
class KinesisSourceTest {
  private static final int PARALLELISM = 2;

  @RegisterExtension
  static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager(PARALLELISM);

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

  private static void awaitActive(KinesisClient kinesis, String stream) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kinesis
                        .describeStreamSummary(b -> b.streamName(stream))
                        .streamDescriptionSummary()
                        .streamStatus()
                    == StreamStatus.ACTIVE);
  }

  /** Reads from a running job until {@code done} holds for what was read. */
  private static List<SourceRecord> readUntil(
      CloseableIterator<SourceRecord> records,
      java.util.function.Predicate<List<SourceRecord>> done) {
    List<SourceRecord> read = new ArrayList<>();
    while (!done.test(read) && records.hasNext()) {
      read.add(records.next());
    }
    return read;
  }

  @Test
  void readsEveryRecordOnceInEachKeysOrderWhileAShardSplits(
      @TestStream(shards = 2) LocalKinesisStream stream, KinesisClient kinesis) throws Exception {
    int keys = 30;
    int rounds = 16;
    String parent = kinesis.listShards(b -> b.streamName(stream.name())).shards().get(0).shardId();
    KinesisSource source = source(stream).recordsPerCall(40).build();
    List<Put> puts = new CopyOnWriteArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();

    List<SourceRecord> read;
    try (CloseableIterator<SourceRecord> records =
        env()
            .fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis")
            .executeAndCollect("read across a split")) {
      // Produce while the job reads: a round of one record per key, a split half way.
      Thread producer =
          new Thread(
              () -> {
                try {
                  for (int round = 0; round < rounds; round++) {
                    if (round == rounds / 2) {
                      kinesis.splitShard(
                          b ->
                              b.streamName(stream.name())
                                  .shardToSplit(parent)
                                  .newStartingHashKey(BigInteger.ONE.shiftLeft(126).toString()));
                      awaitActive(kinesis, stream.name());
                    }
                    List<String[]> batch = new ArrayList<>();
                    for (int key = 0; key < keys; key++) {
                      batch.add(new String[] {"key-" + key, "key-" + key + ":" + round});
                    }
                    puts.addAll(put(kinesis, stream.name(), batch));
                    Thread.sleep(150);
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      producer.start();
      read = readUntil(records, r -> r.size() >= keys * rounds || !failures.isEmpty());
      producer.join();
    }

    assertThat(failures).isEmpty();
    assertThat(read)
        .extracting(KinesisSourceTest::position)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(puts.stream().map(Put::position).toList());
    Set<String> shards = new HashSet<>();
    read.forEach(r -> shards.add(r.shardId()));
    assertThat(shards).as("the parent, its sibling and both children").hasSize(4).contains(parent);
    // Each key's records come in the order they were put, across the split.
    Map<String, Integer> lastRound = new HashMap<>();
    for (SourceRecord record : read) {
      String[] keyAndRound = text(record).split(":");
      int round = Integer.parseInt(keyAndRound[1]);
      Integer before = lastRound.put(keyAndRound[0], round);
      assertThat(before == null ? -1 : before)
          .as("round of %s before %s", keyAndRound[0], round)
          .isEqualTo(round - 1);
    }
  }

  /** Counts each record (by shard and sequence number) in keyed state; emits "position=count". */
  static final class CountEachRecord extends KeyedProcessFunction<String, SourceRecord, String> {
    private transient ValueState<Integer> count;

    @Override
    public void open(OpenContext context) {
      count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.INT));
    }

    @Override
    public void processElement(SourceRecord record, Context context, Collector<String> out)
        throws Exception {
      int counted = count.value() == null ? 1 : count.value() + 1;
      count.update(counted);
      out.collect(context.getCurrentKey() + "=" + counted);
    }
  }

  @Test
  void countsEveryRecordExactlyOnceAfterAFailureRestoresTheLastCheckpoint(
      @TestStream(shards = 4) LocalKinesisStream stream, KinesisClient kinesis) throws Exception {
    List<Put> puts = put(kinesis, stream.name(), "r", 1200, 1200);
    FailOnceAfterACheckpoint.reset();
    // Slow enough that checkpoints fall mid-stream: 4 shards x 5 calls/s x 20 records.
    KinesisSource source = source(stream).recordsPerCall(20).stopWhenCaughtUp(true).build();
    StreamExecutionEnvironment env = env();
    FailOnceAfterACheckpoint.restartingFromCheckpoints(env, Duration.ofMillis(300));

    List<String> counts = new ArrayList<>();
    try (CloseableIterator<String> results =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis")
            .map(new FailOnceAfterACheckpoint(puts.size() / 2))
            .keyBy(KinesisSourceTest::position)
            .process(new CountEachRecord())
            .executeAndCollect("count through a failure")) {
      results.forEachRemaining(counts::add);
    }

    assertThat(FailOnceAfterACheckpoint.failed()).isTrue();
    assertThat(FailOnceAfterACheckpoint.restarted()).isTrue();
    assertThat(counts).allMatch(c -> c.endsWith("=1"), "counted once");
    assertThat(
            counts.stream()
                .map(c -> c.substring(0, c.indexOf('=')))
                .collect(java.util.stream.Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(puts.stream().map(Put::position).toList());
  }

  @Test
  void startsAtLatestWithRecordsPutAfterTheJobStarted(
      @TestStream(shards = 2) LocalKinesisStream stream, KinesisClient kinesis) throws Exception {
    put(kinesis, stream.name(), "old", 20, 20);
    KinesisSource source = source(stream).startingAt(StartingPosition.latest()).build();
    AtomicBoolean started = new AtomicBoolean();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Put> last = new CopyOnWriteArrayList<>();

    List<SourceRecord> read;
    try (CloseableIterator<SourceRecord> records =
        env()
            .fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis")
            .executeAndCollect("read from latest")) {
      // Until the job reads a record, put one now and then: the first ones may come before it
      // started. Then a last batch, all of which must be read.
      Thread producer =
          new Thread(
              () -> {
                try {
                  for (int i = 0; !started.get(); i++) {
                    put(
                        kinesis,
                        stream.name(),
                        List.<String[]>of(new String[] {"k", "probe-" + i}));
                    Thread.sleep(300);
                  }
                  last.addAll(put(kinesis, stream.name(), "new", 20, 20));
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      producer.start();
      read =
          readUntil(
              records,
              r -> {
                started.set(!r.isEmpty());
                Set<String> positions = new HashSet<>();
                r.forEach(record -> positions.add(position(record)));
                return !failures.isEmpty()
                    || (last.size() == 20
                        && last.stream().allMatch(p -> positions.contains(p.position())));
              });
      producer.join();
    }

    assertThat(failures).isEmpty();
    assertThat(read).extracting(KinesisSourceTest::position).doesNotHaveDuplicates();
    assertThat(read)
        .extracting(KinesisSourceTest::text)
        .noneMatch(t -> t.startsWith("old-"))
        .containsAll(last.stream().map(Put::data).toList());
  }

  @Test
  void startsAtATimestamp(@TestStream(shards = 2) LocalKinesisStream stream, KinesisClient kinesis)
      throws Exception {
    put(kinesis, stream.name(), "old", 20, 20);
    Instant cut = Instant.now().plusMillis(5);
    await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(cut.plusMillis(5)));
    List<Put> puts = put(kinesis, stream.name(), "new", 20, 20);
    KinesisSource source =
        source(stream).startingAt(StartingPosition.atTimestamp(cut)).stopWhenCaughtUp(true).build();

    List<SourceRecord> read = new ArrayList<>();
    try (CloseableIterator<SourceRecord> records =
        env()
            .fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis")
            .executeAndCollect("read from a timestamp")) {
      records.forEachRemaining(read::add);
    }

    assertThat(read)
        .extracting(KinesisSourceTest::text)
        .containsExactlyInAnyOrderElementsOf(puts.stream().map(Put::data).toList());
  }
}
