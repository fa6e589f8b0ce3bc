package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.sdk.testkit.ManualClock;
import dev.tideline.wire.KplRecords;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The aggregator alone: exact sizes, and the sent time stamped when the record is built. */
class AggregatorTest {
  private static final long OPENED = ManualClock.START_MICROS;
  private static final long BUILT = OPENED + 500_000;

  private static TrackedEvent event(long sequence, int payloadBytes) {
    byte[] body =
        Envelope.newBuilder()
            .setEventType("tideline.events.v1.Click")
            .setPayload(com.google.protobuf.ByteString.copyFrom(new byte[payloadBytes]))
            .build()
            .toByteArray();
    String key = "key-" + sequence;
    TrackedEvent event =
        new TrackedEvent(body, "tideline.events.v1.Click", key, key.length(), 0, 0, 0);
    event.accept(sequence, 0);
    ShardMap.hash(key, event);
    return event;
  }

  private static List<Long> sentTimes(OutRecord record) throws Exception {
    List<Long> out = new ArrayList<>();
    byte[] data = record.record.data();
    if (!KplRecords.isAggregated(data)) {
      out.add(Envelope.parseFrom(data).getSentTimeUs());
      return out;
    }
    AggregatedRecord aggregate = KplRecords.decode(data);
    for (dev.tideline.proto.kpl.Record sub : aggregate.getRecordsList()) {
      out.add(Envelope.parseFrom(sub.getData()).getSentTimeUs());
    }
    return out;
  }

  /** Fills an aggregator opened at that time up to the limit; returns it. */
  private static Aggregator filled(int limit, long openedMicros) {
    Aggregator aggregator = new Aggregator(limit, openedMicros);
    long sequence = 1;
    while (aggregator.tryAdd(event(sequence, 37))) {
      sequence++;
    }
    assertThat(sequence).isGreaterThan(2);
    return aggregator;
  }

  @Test
  void stampsTheTimeTheRecordIsBuiltNotTheTimeItsAggregateOpened() throws Exception {
    Aggregator aggregator = new Aggregator(1 << 20, OPENED);
    aggregator.tryAdd(event(1, 10));
    aggregator.tryAdd(event(2, 10));
    assertThat(sentTimes(aggregator.build("lane", BUILT))).containsExactly(BUILT, BUILT);

    Aggregator alone = new Aggregator(1 << 20, OPENED);
    alone.tryAdd(event(3, 10));
    assertThat(sentTimes(alone.build("lane", BUILT))).containsExactly(BUILT);
  }

  @Test
  void keepsTheOpeningTimeWhenTheBuildTimeWouldEncodeToAnotherSize() {
    assertThat(Aggregator.sentTime(OPENED, BUILT)).isEqualTo(BUILT);
    assertThat(Aggregator.sentTime(100, 120)).isEqualTo(120); // both 1-byte varints
    assertThat(Aggregator.sentTime(100, 1_000_000)).isEqualTo(100); // 1 byte, then 3
    assertThat(Aggregator.sentTime(0, 5)).isEqualTo(0); // no field was reserved
    assertThat(Aggregator.sentTime(5, 0)).isEqualTo(5);
  }

  @Test
  void aRecordFilledToTheLimitStaysExactlyAsLargeWhateverTheBuildTime() throws Exception {
    int limit = 4096;
    Aggregator realClock = filled(limit, OPENED);
    OutRecord built = realClock.build("lane", BUILT);
    assertThat(built.billedSize).isLessThanOrEqualTo(limit).isGreaterThan(limit - 100);
    assertThat(sentTimes(built)).containsOnly(BUILT);

    // A test clock near 0: the build time needs a longer varint than the one reserved.
    Aggregator nearZero = filled(limit, 100);
    OutRecord late = nearZero.build("lane", 1_000_000_000L);
    assertThat(late.billedSize).isLessThanOrEqualTo(limit);
    assertThat(sentTimes(late)).containsOnly(100L);
    Aggregator sameWidth = filled(limit, 100);
    assertThat(sameWidth.build("lane", 127).billedSize).isEqualTo(late.billedSize);
  }
}
