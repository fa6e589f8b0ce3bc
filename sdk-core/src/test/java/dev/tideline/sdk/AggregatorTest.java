package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.sdk.testkit.ManualClock;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.KplRecords;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The aggregator alone: exact sizes, and the send delay stamped when the record is built. */
class AggregatorTest {
  private static final long OPENED = ManualClock.START_MICROS;
  private static final long BUILT = OPENED + 500_000;

  /** Events logged 1 ms before the aggregate opened. */
  private static final long LOGGED = OPENED - 1_000;

  private static TrackedEvent event(long sequence, int payloadBytes) {
    byte[] body =
        Envelope.newBuilder()
            .setSchemaId(0x8f5cffffa6154e46L)
            .setPayload(com.google.protobuf.ByteString.copyFrom(new byte[payloadBytes]))
            .build()
            .toByteArray();
    String key = "key-" + sequence;
    TrackedEvent event =
        new TrackedEvent(body, "tideline.events.v1.Click", key, key.length(), LOGGED, 0, 0);
    event.accept(sequence, 0);
    ShardMap.hash(key, event);
    return event;
  }

  private static List<Long> delays(OutRecord record) throws Exception {
    List<Long> out = new ArrayList<>();
    byte[] data = record.record.data();
    if (!KplRecords.isAggregated(data)) {
      out.add(Envelope.parseFrom(data).getSendDelayUs());
      return out;
    }
    AggregatedRecord aggregate = KplRecords.decode(data);
    for (dev.tideline.proto.kpl.Record sub : aggregate.getRecordsList()) {
      out.add(Envelope.parseFrom(sub.getData()).getSendDelayUs());
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
  void stampsTheDelayUntilTheRecordIsBuiltNotUntilItsAggregateOpened() throws Exception {
    Aggregator aggregator = new Aggregator(1 << 20, OPENED);
    aggregator.tryAdd(event(1, 10));
    aggregator.tryAdd(event(2, 10));
    assertThat(delays(aggregator.build("lane", BUILT)))
        .containsExactly(BUILT - LOGGED, BUILT - LOGGED);

    Aggregator alone = new Aggregator(1 << 20, OPENED);
    alone.tryAdd(event(3, 10));
    assertThat(delays(alone.build("lane", BUILT))).containsExactly(BUILT - LOGGED);
  }

  @Test
  void reservesRoomForADelay128TimesTheOneAtOpeningAndAtLeast268Seconds() {
    // 1 ms at opening needs a 2-byte varint: 4 reserved (up to 268 s), plus the tag.
    assertThat(Aggregator.reservedDelaySize(1_000)).isEqualTo(5);
    assertThat(Aggregator.reservedDelaySize(0)).isEqualTo(5);
    // 10 s needs 4 bytes: 5 reserved (up to 9.5 hours).
    assertThat(Aggregator.reservedDelaySize(10_000_000)).isEqualTo(6);
  }

  @Test
  void keepsTheDelayAtOpeningWhenTheDelayAtBuildOutgrowsItsRoom() throws Exception {
    TrackedEvent event = event(1, 10);
    assertThat(Aggregator.delay(event, OPENED, BUILT)).isEqualTo(BUILT - LOGGED);
    long muchLater = OPENED + 300_000_000; // 300 s: a 5-byte varint, 4 reserved
    assertThat(Aggregator.delay(event, OPENED, muchLater)).isEqualTo(OPENED - LOGGED);
    // A clock that stepped back: no delay at all.
    assertThat(Aggregator.delay(event, OPENED, LOGGED - 5)).isEqualTo(Envelopes.NO_SEND_DELAY);
  }

  @Test
  void eventsLoggedAfterTheAggregateOpenedKeepTheirTrueDelayWhenTheRecordHasRoom()
      throws Exception {
    Aggregator aggregator = new Aggregator(1 << 20, OPENED);
    // Logged an hour before opening: room for 128 times that, of which it uses little.
    TrackedEvent early = loggedAt(1, OPENED - 3_600_000_000L);
    // Logged after opening: room for 268 s, and built 300 s later.
    TrackedEvent late = loggedAt(2, OPENED + 100);
    aggregator.tryAdd(early);
    aggregator.tryAdd(late);
    long built = OPENED + 300_000_000;
    assertThat(delays(aggregator.build("lane", built)))
        .containsExactly(built - (OPENED - 3_600_000_000L), built - (OPENED + 100));
  }

  private static TrackedEvent loggedAt(long sequence, long eventMicros) {
    TrackedEvent template = event(sequence, 10);
    TrackedEvent event =
        new TrackedEvent(
            template.body, template.eventType, "key-" + sequence, 5, eventMicros, 0, 0);
    event.accept(sequence, 0);
    ShardMap.hash(event.partitionKey, event);
    return event;
  }

  @Test
  void aRecordFilledToTheLimitStaysWithinItWhateverTheBuildTime() throws Exception {
    int limit = 4096;
    Aggregator soon = filled(limit, OPENED);
    OutRecord built = soon.build("lane", BUILT);
    assertThat(built.billedSize).isLessThanOrEqualTo(limit).isGreaterThan(limit - 200);
    assertThat(delays(built)).containsOnly(BUILT - LOGGED);

    Aggregator stalled = filled(limit, OPENED);
    OutRecord late = stalled.build("lane", OPENED + 3_600_000_000L);
    assertThat(late.billedSize).isLessThanOrEqualTo(limit);
    assertThat(delays(late)).containsOnly(OPENED - LOGGED);
  }
}
