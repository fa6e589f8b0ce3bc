package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.source.KinesisStreamReader;
import dev.tideline.validator.source.SourceRecord;
import dev.tideline.validator.source.StartingPosition;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

@ExtendWith(LocalKinesisExtension.class)
@Timeout(120)
class KinesisStreamReaderTest {
  /** A clock that only moves when the reader "sleeps". */
  static final class FakeTime extends Clock {
    private Instant now = Instant.parse("2026-11-25T15:00:00Z");
    final List<Duration> sleeps = new ArrayList<>();

    @Override
    public synchronized Instant instant() {
      return now;
    }

    synchronized void sleep(Duration duration) {
      sleeps.add(duration);
      now = now.plus(duration);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private static void put(KinesisClient kinesis, String stream, String prefix, int count) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(
          PutRecordsRequestEntry.builder()
              .partitionKey(prefix + "-key-" + i)
              .data(SdkBytes.fromUtf8String(prefix + "-" + i))
              .build());
    }
    assertThat(kinesis.putRecords(b -> b.streamName(stream).records(entries)).failedRecordCount())
        .isZero();
  }

  private static List<String> texts(List<SourceRecord> records) {
    List<String> texts = new ArrayList<>();
    for (SourceRecord record : records) {
      texts.add(new String(record.data(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return texts;
  }

  @Test
  void keepsEachShardWithinItsGetRecordsBudget(
      @TestStream(shards = 2) LocalKinesisStream stream, KinesisClient kinesis) throws Exception {
    put(kinesis, stream.name(), "a", 30);
    FakeTime time = new FakeTime();
    Map<String, List<Instant>> calls = new HashMap<>();
    List<SourceRecord> read = new ArrayList<>();

    KinesisStreamReader reader =
        KinesisStreamReader.builder(kinesis, stream.name())
            .limit(4)
            .clock(time)
            .sleeper(time::sleep)
            .progress(
                (shard, records, behind) ->
                    calls.computeIfAbsent(shard, s -> new ArrayList<>()).add(time.instant()))
            .build();
    reader.read(read::add);

    assertThat(read).hasSize(30);
    assertThat(calls).hasSize(2);
    for (List<Instant> shardCalls : calls.values()) {
      assertThat(shardCalls.size()).isGreaterThan(2);
      for (int i = 1; i < shardCalls.size(); i++) {
        assertThat(Duration.between(shardCalls.get(i - 1), shardCalls.get(i)))
            .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      }
    }
    assertThat(time.sleeps).isNotEmpty();
    assertThat(reader.getRecordsCalls())
        .isEqualTo(calls.values().stream().mapToLong(List::size).sum());
  }

  @Test
  void readsParentsBeforeChildrenAcrossAShardSplit(
      @TestStream LocalKinesisStream stream, KinesisClient kinesis) throws Exception {
    put(kinesis, stream.name(), "before", 10);
    String parent = kinesis.listShards(b -> b.streamName(stream.name())).shards().get(0).shardId();
    kinesis.splitShard(
        b ->
            b.streamName(stream.name())
                .shardToSplit(parent)
                .newStartingHashKey(BigInteger.ONE.shiftLeft(127).toString()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kinesis
                        .describeStreamSummary(b -> b.streamName(stream.name()))
                        .streamDescriptionSummary()
                        .streamStatus()
                    == StreamStatus.ACTIVE);
    put(kinesis, stream.name(), "after", 20);
    List<Shard> shards = kinesis.listShards(b -> b.streamName(stream.name())).shards();
    assertThat(shards).hasSize(3);

    List<SourceRecord> read = new ArrayList<>();
    KinesisStreamReader.builder(kinesis, stream.name())
        .getRecordsPerSecond(5)
        .build()
        .read(read::add);

    List<String> texts = texts(read);
    assertThat(texts).hasSize(30);
    assertThat(texts.subList(0, 10)).allMatch(t -> t.startsWith("before-"));
    assertThat(texts.subList(10, 30)).allMatch(t -> t.startsWith("after-"));
    assertThat(read.subList(10, 30))
        .extracting(SourceRecord::shardId)
        .doesNotContain(parent)
        .hasSameElementsAs(
            shards.stream().map(Shard::shardId).filter(id -> !id.equals(parent)).toList());
    // Each child reports its own half of the key space.
    for (SourceRecord record : read.subList(10, 30)) {
      assertThat(record.shardRange().contains(Validator.hashKey(record.partitionKey()))).isTrue();
    }
  }

  @Test
  void startsChildShardsAtTheTimestampToo(
      @TestStream LocalKinesisStream stream, KinesisClient kinesis) throws Exception {
    put(kinesis, stream.name(), "parent", 5);
    String parent = kinesis.listShards(b -> b.streamName(stream.name())).shards().get(0).shardId();
    kinesis.splitShard(
        b ->
            b.streamName(stream.name())
                .shardToSplit(parent)
                .newStartingHashKey(BigInteger.ONE.shiftLeft(127).toString()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kinesis
                        .describeStreamSummary(b -> b.streamName(stream.name()))
                        .streamDescriptionSummary()
                        .streamStatus()
                    == StreamStatus.ACTIVE);
    put(kinesis, stream.name(), "early", 6);
    List<SourceRecord> before = new ArrayList<>();
    KinesisStreamReader.builder(kinesis, stream.name())
        .getRecordsPerSecond(5)
        .build()
        .read(before::add);
    Instant cut =
        Collections.max(before, (a, b) -> a.arrivalTime().compareTo(b.arrivalTime()))
            .arrivalTime()
            .plusMillis(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(cut.plusMillis(5)));
    put(kinesis, stream.name(), "late", 6);

    List<SourceRecord> read = new ArrayList<>();
    KinesisStreamReader.builder(kinesis, stream.name())
        .startingAt(StartingPosition.atTimestamp(cut))
        .getRecordsPerSecond(5)
        .build()
        .read(read::add);

    assertThat(texts(before)).hasSize(11);
    assertThat(texts(read))
        .containsExactlyInAnyOrder("late-0", "late-1", "late-2", "late-3", "late-4", "late-5");
  }

  @Test
  void startsAtATimestamp(@TestStream LocalKinesisStream stream, KinesisClient kinesis)
      throws Exception {
    put(kinesis, stream.name(), "old", 5);
    List<SourceRecord> old = new ArrayList<>();
    KinesisStreamReader.builder(kinesis, stream.name())
        .getRecordsPerSecond(5)
        .build()
        .read(old::add);
    Instant cut =
        Collections.max(old, (a, b) -> a.arrivalTime().compareTo(b.arrivalTime()))
            .arrivalTime()
            .plusMillis(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(cut.plusMillis(5)));
    put(kinesis, stream.name(), "new", 5);

    List<SourceRecord> read = new ArrayList<>();
    KinesisStreamReader.builder(kinesis, stream.name())
        .startingAt(StartingPosition.atTimestamp(cut))
        .getRecordsPerSecond(5)
        .build()
        .read(read::add);

    assertThat(texts(read)).containsExactly("new-0", "new-1", "new-2", "new-3", "new-4");
  }

  @Test
  void followsFromLatestUntilInterrupted(
      @TestStream LocalKinesisStream stream, KinesisClient kinesis) throws Exception {
    put(kinesis, stream.name(), "old", 5);
    List<SourceRecord> read = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    KinesisStreamReader reader =
        KinesisStreamReader.builder(kinesis, stream.name())
            .startingAt(StartingPosition.latest())
            .stopWhenCaughtUp(false)
            .until(Instant.now().plus(Duration.ofMinutes(2)))
            .getRecordsPerSecond(5)
            .progress((shard, records, behind) -> calls.incrementAndGet())
            .build();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                reader.read(read::add);
              } catch (InterruptedException e) {
                // the way a continuous read ends
              } catch (Exception | AssertionError e) {
                failures.add(e);
              }
            });
    thread.setDaemon(true);
    thread.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> calls.get() >= 1);

    put(kinesis, stream.name(), "new", 3);

    await().atMost(Duration.ofSeconds(20)).until(() -> read.size() >= 3);
    thread.interrupt();
    thread.join(Duration.ofSeconds(10).toMillis());
    assertThat(thread.isAlive()).isFalse();
    assertThat(failures).isEmpty();
    assertThat(texts(read)).containsExactly("new-0", "new-1", "new-2");
  }

  @Test
  void refusesAReadBudgetBeyondTheKinesisLimit(KinesisClient kinesis) {
    assertThatThrownBy(() -> KinesisStreamReader.builder(kinesis, "s").getRecordsPerSecond(6))
        .hasMessageContaining("getRecordsPerSecond must be in (0, 5]");
  }
}
