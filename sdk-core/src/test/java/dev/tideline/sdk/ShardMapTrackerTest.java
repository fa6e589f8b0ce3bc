package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.sink.Shard;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shard-map tracker alone: a two-shard stream, lanes and a buffer, on a manual scheduler. */
class ShardMapTrackerTest {
  private static final String LEFT = "shardId-000000000000"; // the lower half of the hash keys
  private static final String RIGHT = "shardId-000000000001";
  private static final BigInteger MIDDLE = BigInteger.ONE.shiftLeft(127);

  private final Harness harness = new Harness(InMemorySink.withShards(2));
  private final TrackerBuilder config = harness.builder();
  private final Metrics metrics = new Metrics();
  private final Reporter reporter = new Reporter("events", harness.listener, metrics);
  private final MemoryBuffer buffer =
      new MemoryBuffer(1 << 20, BufferPolicy.DROP_NEWEST, 0, harness.clock);
  private final Settlement settlement = new Settlement(buffer, metrics, reporter, harness.clock);
  private final Lanes lanes =
      new Lanes(config, harness.clock, settlement, RetryPolicy.from(config));
  private int drains;
  private final ShardMapTracker tracker =
      new ShardMapTracker(
          config,
          new WorkerThread(harness.scheduler, reporter),
          reporter,
          metrics,
          harness.clock,
          lanes,
          settlement,
          () -> drains++);

  /** An accepted event whose partition key hashes into the given half of the key space. */
  private TrackedEvent event(boolean rightHalf) {
    for (int i = 0; ; i++) {
      String key = "key-" + i;
      if ((InMemorySink.hashKey(key).compareTo(MIDDLE) >= 0) == rightHalf) {
        TrackedEvent event =
            new TrackedEvent(new byte[] {1, 2, 3}, "t", key, key.length(), 0, 0, 0);
        EventBuffer.Offer offer = new EventBuffer.Offer();
        buffer.offer(event, 1 << 20, false, offer);
        assertThat(offer.refusal).isNull();
        ShardMap.hash(key, event);
        settlement.took(buffer.poll(Long.MAX_VALUE).get(0));
        return event;
      }
    }
  }

  /** An aggregated record of the events, predicted for the lane. */
  private OutRecord aggregate(String laneKey, TrackedEvent... events) {
    Aggregator aggregator = new Aggregator(1 << 20, harness.clock.currentTimeMicros());
    for (TrackedEvent event : events) {
      assertThat(aggregator.tryAdd(event)).isTrue();
    }
    return aggregator.build(laneKey, harness.clock.currentTimeMicros());
  }

  private void loadMap() {
    tracker.load();
    harness.scheduler.runDue();
    assertThat(metrics.shardMapRefreshes.sum()).isEqualTo(1);
  }

  private List<TrackedEvent> routedAgain() {
    List<TrackedEvent> routed = new ArrayList<>();
    for (Lane lane : lanes.all()) {
      if (lane.aggregator != null) {
        routed.addAll(lane.aggregator.events());
      }
    }
    return routed;
  }

  @Test
  void aRecordThatLandedInAKnownShardHoldingAllItsKeysIsAcknowledgedAtOnce() {
    loadMap();
    OutRecord record = aggregate(LEFT, event(true), event(true));
    tracker.misrouted(record, RIGHT);

    assertThat(harness.listener.acknowledged).containsExactlyElementsOf(record.events);
    assertThat(metrics.misroutedResent.sum()).isZero();
    assertThat(buffer.events()).isZero();
    assertThat(settlement.heldBytes()).isZero();
  }

  @Test
  void everyEventOfARecordWithAKeyOutsideItsLandingShardIsRoutedAgain() {
    loadMap();
    TrackedEvent inside = event(true);
    TrackedEvent outside = event(false);
    tracker.misrouted(aggregate(LEFT, inside, outside), RIGHT);

    assertThat(harness.listener.acknowledged).isEmpty();
    assertThat(metrics.misroutedResent.sum()).isEqualTo(2);
    assertThat(routedAgain()).containsExactlyInAnyOrder(inside, outside);
    assertThat(lanes.existing(RIGHT).aggregator.events()).containsExactly(inside);
    assertThat(lanes.existing(LEFT).aggregator.events()).containsExactly(outside);
  }

  @Test
  void aRecordThatLandedInAShardMissingFromTheMapIsSettledWhenTheMapIsReloaded() {
    loadMap();
    // The stream was split behind the tracker's back: the record landed in a new child shard.
    List<Shard> resharded = new ArrayList<>(InMemorySink.evenShards(2, 0));
    resharded.add(Shard.open("shardId-000000000002", MIDDLE, Shard.MAX_HASH_KEY));
    resharded.set(1, Shard.of(RIGHT, MIDDLE, Shard.MAX_HASH_KEY, null, null, false));
    harness.sink.setShards(resharded);
    OutRecord record = aggregate(LEFT, event(true), event(true));
    tracker.misrouted(record, "shardId-000000000002");
    assertThat(harness.listener.acknowledged).isEmpty();

    tracker.load();
    harness.scheduler.runDue();
    assertThat(harness.listener.acknowledged).containsExactlyElementsOf(record.events);
    assertThat(drains).isEqualTo(2);
  }

  @Test
  void closingHandsBackTheEventsOfMisroutedRecordsStillWaitingAndLoadsNoMore() {
    loadMap();
    OutRecord record = aggregate(LEFT, event(true), event(false));
    tracker.misrouted(record, "shardId-000000000009");

    assertThat(tracker.stop()).containsExactlyElementsOf(record.events);
    tracker.load();
    harness.scheduler.runDue();
    assertThat(metrics.shardMapRefreshes.sum()).isEqualTo(1);
  }
}
