package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.sink.Shard;
import dev.tideline.sdk.sink.SinkRecord;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.KplRecords;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AggregationTest {
  private static final int MIB = 1024 * 1024;

  @Test
  void aggregatesEventsIntoOneRecordPerShardWithEveryHashKeyInsideItsShard() throws Exception {
    Harness harness = new Harness(InMemorySink.withShards(4));
    Tracker tracker = harness.start(harness.builder());
    for (int i = 0; i < 400; i++) {
      assertThat(tracker.log(Harness.payment(i))).isEqualTo(LogOutcome.ACCEPTED);
    }
    tracker.flush();
    harness.scheduler.runDue();

    List<InMemorySink.StoredRecord> records = harness.sink.storedRecords();
    assertThat(records).hasSize(4);
    Map<String, Shard> shards = new HashMap<>();
    for (Shard shard : InMemorySink.evenShards(4, 0)) {
      shards.put(shard.shardId(), shard);
    }
    Set<Long> sequences = new HashSet<>();
    for (InMemorySink.StoredRecord stored : records) {
      SinkRecord record = stored.record();
      Shard shard = shards.get(stored.shardId());
      assertThat(KplRecords.isAggregated(record.data())).isTrue();
      assertThat(shard.contains(new BigInteger(record.explicitHashKey()))).isTrue();
      AggregatedRecord aggregate = KplRecords.decode(record.data());
      for (dev.tideline.proto.kpl.Record sub : aggregate.getRecordsList()) {
        String key = aggregate.getPartitionKeyTable((int) sub.getPartitionKeyIndex());
        assertThat(shard.contains(InMemorySink.hashKey(key)))
            .as("sub-record key %s inside %s", key, shard)
            .isTrue();
        assertThat(sequences.add(Envelopes.decode(sub.getData()).getSequence())).isTrue();
      }
    }
    assertThat(sequences).hasSize(400);
    assertThat(tracker.metrics().aggregatedRecordsSent()).isEqualTo(4);
    assertThat(tracker.metrics().eventsPerRecord()).isEqualTo(100.0);
  }

  @Test
  void recordsNeverExceedTheMaximumSizeCountingThePartitionKey() {
    Harness harness = new Harness();
    Tracker tracker =
        harness.start(
            harness.builder().rateLimitFactor(10).partitionKeys(PartitionKeyStrategy.perEvent()));
    for (int i = 0; i < 60; i++) {
      assertThat(tracker.log(Harness.paymentOfSize(i, 100_000))).isEqualTo(LogOutcome.ACCEPTED);
    }
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.sink.violations()).isEmpty();
    List<InMemorySink.StoredRecord> records = harness.sink.storedRecords();
    assertThat(harness.sink.storedEnvelopes()).hasSize(60);
    int largest = 0;
    for (InMemorySink.StoredRecord record : records) {
      assertThat(record.record().billedSize()).isLessThanOrEqualTo(MIB);
      largest = Math.max(largest, record.record().billedSize());
    }
    assertThat(largest).isGreaterThan(MIB - 100_100); // records are filled, not just bounded
    for (List<SinkRecord> request : harness.faults.requests()) {
      long bytes = 0;
      for (SinkRecord record : request) {
        bytes += record.billedSize();
      }
      assertThat(bytes).isLessThanOrEqualTo(TrackerBuilder.DEFAULT_MAX_REQUEST_BYTES);
    }
  }

  /** The reference length that makes one event's record exactly the given size. */
  private static int referenceLengthFor(int recordSize) {
    Harness probe = new Harness();
    Tracker tracker =
        probe.start(probe.builder().partitionKeys(PartitionKeyStrategy.perProducer()));
    int probeLength = 1_000_000; // same varint widths as near 1 MiB
    tracker.log(Harness.paymentOfSize(0, probeLength));
    tracker.flush();
    probe.scheduler.runDue();
    InMemorySink.StoredRecord stored = probe.sink.storedRecords().get(0);
    // A record at the limit is sent without its send delay (only for clock-skew correction).
    Envelope envelope = probe.sink.storedEnvelopes().get(0);
    int probeSize =
        stored.record().billedSize()
            - (envelope.hasSendDelayUs() ? Envelopes.sendDelaySize(envelope.getSendDelayUs()) : 0);
    return probeLength + (recordSize - probeSize);
  }

  @Test
  void anEventExactlyAtTheLimitIsSentAloneAndOneByteOverIsRefusedAsTooLarge() {
    int atLimit = referenceLengthFor(MIB);
    Harness harness = new Harness();
    Tracker tracker =
        harness.start(
            harness
                .builder()
                .partitionKeys(PartitionKeyStrategy.perProducer())
                .rateLimitFactor(10));

    assertThat(tracker.log(Harness.paymentOfSize(1, atLimit + 1))).isEqualTo(LogOutcome.TOO_LARGE);
    assertThat(tracker.log(Harness.payment(2))).isEqualTo(LogOutcome.ACCEPTED);
    assertThat(tracker.log(Harness.paymentOfSize(3, atLimit))).isEqualTo(LogOutcome.ACCEPTED);
    assertThat(tracker.log(Harness.paymentOfSize(4, atLimit - 1))).isEqualTo(LogOutcome.ACCEPTED);
    assertThat(tracker.log(Harness.payment(5))).isEqualTo(LogOutcome.ACCEPTED);
    tracker.flush();
    harness.scheduler.runDue();

    assertThat(harness.sink.violations()).isEmpty();
    List<Integer> sizes = new ArrayList<>();
    for (InMemorySink.StoredRecord record : harness.sink.storedRecords()) {
      sizes.add(record.record().billedSize());
    }
    assertThat(sizes).contains(MIB, MIB - 1);
    assertThat(harness.sink.storedEnvelopes())
        .extracting(Envelope::getSequence)
        .containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
    assertThat(tracker.metrics().rejected()).containsEntry(LogOutcome.TOO_LARGE, 1L);
    assertThat(harness.listener.rejections)
        .singleElement()
        .asString()
        .contains(
            "TOO_LARGE",
            "tideline.events.v1.Payment",
            String.valueOf(MIB + 1),
            String.valueOf(MIB));
  }

  @Test
  void twoRecordsExactlyFillingTheRequestLimitShareACallAndOneByteLessSplitsThem() {
    int atLimit = referenceLengthFor(MIB);
    for (int requestLimit : new int[] {2 * MIB, 2 * MIB - 1}) {
      Harness harness = new Harness();
      Tracker tracker =
          harness.start(
              harness
                  .builder()
                  .partitionKeys(PartitionKeyStrategy.perProducer())
                  .rateLimitFactor(10)
                  .maxRequestBytes(requestLimit));
      tracker.log(Harness.paymentOfSize(1, atLimit));
      tracker.log(Harness.paymentOfSize(2, atLimit));
      tracker.flush();
      harness.scheduler.runDue();
      assertThat(harness.sink.violations()).isEmpty();
      assertThat(harness.faults.requests())
          .as("request limit %d", requestLimit)
          .extracting(List::size)
          .containsExactlyElementsOf(requestLimit == 2 * MIB ? List.of(2) : List.of(1, 1));
    }
  }

  @Test
  void requestsCarryAtMost500Entries() {
    Harness harness = new Harness();
    Tracker tracker = harness.start(harness.builder().aggregation(false).rateLimitFactor(2));
    for (int i = 0; i < 1200; i++) {
      tracker.log(Harness.payment(i));
    }
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.faults.requests()).extracting(List::size).containsExactly(500, 500, 200);
    assertThat(harness.sink.violations()).isEmpty();
  }

  @Test
  void requestsStayWithinTheRequestByteLimit() {
    Harness harness = new Harness();
    Tracker tracker =
        harness.start(
            harness.builder().aggregation(false).rateLimitFactor(10).maxRequestBytes(2 * MIB));
    for (int i = 0; i < 12; i++) {
      tracker.log(Harness.paymentOfSize(i, 600_000));
    }
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.sink.storedRecords()).hasSize(12);
    for (List<SinkRecord> request : harness.faults.requests()) {
      long bytes = 0;
      for (SinkRecord record : request) {
        bytes += record.billedSize();
      }
      assertThat(bytes).isLessThanOrEqualTo(2 * MIB);
      assertThat(request).hasSize(3); // 3 × 600 KB fit in 2 MiB, 4 do not
    }
  }

  @Test
  void sendsUnaggregatedRecordsWhileTheShardMapIsUnknown() {
    Harness harness = new Harness();
    harness.faults.setListShardsFails(true);
    Tracker tracker = harness.start(harness.builder());
    tracker.log(Harness.payment(1));
    tracker.log(Harness.payment(2));
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.sink.storedRecords())
        .hasSize(2)
        .allSatisfy(r -> assertThat(KplRecords.isAggregated(r.record().data())).isFalse());

    harness.faults.setListShardsFails(false);
    harness.scheduler.advance(5, TimeUnit.SECONDS);
    harness.sink.clear();
    tracker.log(Harness.payment(3));
    tracker.log(Harness.payment(4));
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.sink.storedRecords())
        .singleElement()
        .satisfies(r -> assertThat(KplRecords.isAggregated(r.record().data())).isTrue());
  }

  @Test
  void resendsEveryEventOfARecordThatLandedInAShardNotHoldingAllItsKeys() throws Exception {
    // A random key of its own per event: an aggregate holds many keys.
    PartitionKeyStrategy ownKeys =
        PartitionKeyStrategy.of(
            event -> Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()));
    Tracker tracker = sendAfterAHiddenReshard(ownKeys);

    assertThat(tracker.metrics().misroutedResent()).isPositive();
    assertThat(tracker.metrics().shardMapRefreshes()).isEqualTo(2);
    assertThat(tracker.metrics().eventsSent()).isEqualTo(200);
  }

  @Test
  void eventsLoggedWithoutAKeyShareTheirShardsKeySoAStaleMapMisroutesNothing() throws Exception {
    Tracker tracker = sendAfterAHiddenReshard(PartitionKeyStrategy.perEvent());

    // Each aggregate's events share one key, and land together wherever that key's hash lives.
    assertThat(tracker.metrics().misroutedResent()).isZero();
    assertThat(tracker.metrics().eventsSent()).isEqualTo(200);
  }

  /**
   * Logs 200 events with the strategy after a reshard the tracker's map does not know yet, and
   * checks every event arrived in a record whose shard holds all its sub-records' hash keys.
   */
  private Tracker sendAfterAHiddenReshard(PartitionKeyStrategy keys) throws Exception {
    Harness harness = new Harness(InMemorySink.withShards(2));
    Tracker tracker = harness.start(harness.builder().partitionKeys(keys));
    // Reshard behind the tracker's back: two closed parents, four open children.
    List<Shard> resharded = new ArrayList<>();
    for (Shard parent : InMemorySink.evenShards(2, 0)) {
      resharded.add(
          Shard.of(
              parent.shardId(),
              parent.startingHashKey(),
              parent.endingHashKey(),
              null,
              null,
              false));
    }
    resharded.addAll(InMemorySink.evenShards(4, 2));
    harness.sink.setShards(resharded);

    for (int i = 0; i < 200; i++) {
      tracker.log(Harness.payment(i));
    }
    tracker.flush();
    harness.scheduler.runDue();

    // Every event is in some record whose shard holds all its hash keys: the KCL keeps it.
    Map<String, Shard> byId = new HashMap<>();
    for (Shard shard : resharded) {
      byId.put(shard.shardId(), shard);
    }
    Set<Long> delivered = new HashSet<>();
    for (InMemorySink.StoredRecord stored : harness.sink.storedRecords()) {
      Shard shard = byId.get(stored.shardId());
      byte[] data = stored.record().data();
      if (!KplRecords.isAggregated(data)) {
        delivered.add(Envelopes.decode(data).getSequence());
        continue;
      }
      // The KCL drops a whole aggregate when any sub-record lies outside the shard it reads.
      AggregatedRecord aggregate = KplRecords.decode(data);
      boolean allInside = true;
      for (dev.tideline.proto.kpl.Record sub : aggregate.getRecordsList()) {
        String key = aggregate.getPartitionKeyTable((int) sub.getPartitionKeyIndex());
        allInside &= shard.contains(InMemorySink.hashKey(key));
      }
      if (allInside) {
        for (dev.tideline.proto.kpl.Record sub : aggregate.getRecordsList()) {
          delivered.add(Envelopes.decode(sub.getData()).getSequence());
        }
      }
    }
    assertThat(delivered).hasSize(200);
    return tracker;
  }
}
