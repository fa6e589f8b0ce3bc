package dev.tideline.validator;

import static dev.tideline.validator.TestEvents.click;
import static dev.tideline.validator.TestEvents.event;
import static dev.tideline.validator.TestEvents.micros;
import static dev.tideline.validator.TestEvents.payment;
import static dev.tideline.validator.TestEvents.screenView;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.ByteString;
import dev.tideline.events.v1.Impression;
import dev.tideline.events.v1.ProducerAudit;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.wire.KplRecords;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The records the end-to-end tests plant, built relative to the planting time T, and the numbers
 * the report must show for them (as literals in the tests):
 *
 * <ul>
 *   <li>producer 1: 10 valid ScreenViews (hot), then events 3 and 4 sent again (2 duplicates);
 *   <li>producer 2: Clicks 1-3 and 6-8 logged 30 min before sending (≤ 1 h): a gap of 2;
 *   <li>producer 3: Clicks 1-5 logged 3 h before sending (≤ 6 h), 6-8 dropped, and an audit record
 *       (sequence 9) reporting 8 accepted, 5 sent, 3 dropped (buffer_full);
 *   <li>producer 4: 2 ScreenViews from a device whose clock is 5 h behind (hot once corrected);
 *   <li>producer 5: 2 ScreenViews logged 7 h before sending (cold);
 *   <li>producer 6: 7 invalid events: a rule violation, a card number, an unknown schema id, an
 *       undecodable payload, an event time 3 h in the future, a missing event id, a sub-record
 *       outside its shard's hash-key range;
 *   <li>producer 7: Impressions 1, 3, 4 (2 never arrives) and an audit record (sequence 5)
 *       reporting 4 sent: 1 lost;
 *   <li>two unreadable records: one with a bad checksum, one malformed aggregate.
 * </ul>
 */
final class PlantedScenario {
  /** The hash key where a 2-shard stream's second shard starts (2^127). */
  static final BigInteger SECOND_SHARD = BigInteger.ONE.shiftLeft(127);

  /** One Kinesis record to put. */
  static final class Planted {
    final byte[] data;
    final String partitionKey;
    final String explicitHashKey;

    Planted(byte[] data, String partitionKey, String explicitHashKey) {
      this.data = data;
      this.partitionKey = partitionKey;
      this.explicitHashKey = explicitHashKey;
    }

    /** The hash key Kinesis places the record by. */
    BigInteger hashKey() {
      return explicitHashKey != null
          ? new BigInteger(explicitHashKey)
          : Validator.hashKey(partitionKey);
    }
  }

  private PlantedScenario() {}

  static List<Planted> records(Instant t) {
    List<Planted> records = new ArrayList<>();
    // Producer 1: hot ScreenViews, two of them sent twice.
    List<Envelope> p1 = new ArrayList<>();
    for (int seq = 1; seq <= 10; seq++) {
      p1.add(event(screenView("home"), 1, seq, t.minusSeconds(10)).build());
    }
    records.add(aggregate("producer-1", p1));
    records.add(aggregate("producer-1", List.of(p1.get(2), p1.get(3))));
    // Producer 2: a sequence gap (4 and 5 never sent), logged 30 min before sending.
    List<Envelope> p2 = new ArrayList<>();
    for (int seq : new int[] {1, 2, 3, 6, 7, 8}) {
      p2.add(late(event(click("buy"), 2, seq, t.minus(Duration.ofMinutes(30))), t));
    }
    records.add(aggregate("producer-2", p2));
    // Producer 3: reported drops.
    List<Envelope> p3 = new ArrayList<>();
    for (int seq = 1; seq <= 5; seq++) {
      p3.add(late(event(click("buy"), 3, seq, t.minus(Duration.ofHours(3))), t));
    }
    p3.add(
        event(
                ProducerAudit.newBuilder()
                    .setPeriodStartUs(micros(t.minus(Duration.ofHours(4))))
                    .setPeriodEndUs(micros(t.minusSeconds(10)))
                    .setFirstSequence(1)
                    .setLastSequence(8)
                    .addCounts(
                        ProducerAudit.TypeCounts.newBuilder()
                            .setEventType("tideline.events.v1.Click")
                            .setAccepted(8)
                            .setSent(5)
                            .putDropped("buffer_full", 3))
                    .build(),
                3,
                9,
                t.minusSeconds(10))
            .build());
    records.add(aggregate("producer-3", p3));
    // Producer 4: the device clock is 5 h behind; it sent 20 s after logging.
    Instant deviceLogged = t.minus(Duration.ofHours(5)).minusSeconds(20);
    List<Envelope> p4 = new ArrayList<>();
    for (int seq = 1; seq <= 2; seq++) {
      p4.add(
          event(screenView("settings"), 4, seq, deviceLogged)
              .setSentTimeUs(micros(deviceLogged.plusSeconds(20)))
              .build());
    }
    records.add(aggregate("producer-4", p4));
    // Producer 5: cold events, logged 7 h before sending.
    List<Envelope> p5 = new ArrayList<>();
    for (int seq = 1; seq <= 2; seq++) {
      p5.add(late(event(screenView("offline"), 5, seq, t.minus(Duration.ofHours(7))), t));
    }
    records.add(aggregate("producer-5", p5));
    // Producer 6: one invalid event of each kind.
    Instant hot = t.minusSeconds(10);
    List<Envelope> p6 = new ArrayList<>();
    p6.add(event(payment("order-123").toBuilder().setCurrency("euro").build(), 6, 1, hot).build());
    p6.add(
        event(
                payment("order-124").toBuilder()
                    .setProviderReference("4111 1111 1111 1111")
                    .build(),
                6,
                2,
                hot)
            .build());
    p6.add(event(click("a"), 6, 3, hot).setSchemaId(0x1234L).build());
    p6.add(
        event(click("a"), 6, 4, hot)
            .setPayload(ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01}))
            .build());
    p6.add(event(click("a"), 6, 5, t.plus(Duration.ofHours(3))).build());
    p6.add(event(click("a"), 6, 6, hot).setEventId(ByteString.copyFrom(new byte[8])).build());
    // Placed in the first shard by the record's explicit hash key; the sub-record says second.
    records.add(
        new Planted(aggregate("producer-6", p6).data, "producer-6", BigInteger.ZERO.toString()));
    AggregatedRecord outside =
        AggregatedRecord.newBuilder()
            .addPartitionKeyTable("producer-6")
            .addExplicitHashKeyTable(SECOND_SHARD.add(BigInteger.valueOf(5)).toString())
            .addRecords(
                Record.newBuilder()
                    .setPartitionKeyIndex(0)
                    .setExplicitHashKeyIndex(0)
                    .setData(event(click("a"), 6, 7, hot).build().toByteString()))
            .build();
    records.add(new Planted(KplRecords.encode(outside), "producer-6", "0"));
    // Producer 7: sequence 2 lost although the producer counted it as sent.
    List<Envelope> p7 = new ArrayList<>();
    for (int seq : new int[] {1, 3, 4}) {
      p7.add(
          event(
                  Impression.newBuilder()
                      .setItemId("sku-1")
                      .setItemType("product")
                      .setScreenName("home")
                      .build(),
                  7,
                  seq,
                  hot)
              .build());
    }
    p7.add(
        event(
                ProducerAudit.newBuilder()
                    .setPeriodStartUs(micros(t.minusSeconds(60)))
                    .setPeriodEndUs(micros(hot))
                    .setFirstSequence(1)
                    .setLastSequence(4)
                    .addCounts(
                        ProducerAudit.TypeCounts.newBuilder()
                            .setEventType("tideline.events.v1.Impression")
                            .setAccepted(4)
                            .setSent(4))
                    .build(),
                7,
                5,
                hot)
            .build());
    records.add(aggregate("producer-7", p7));
    // Unreadable records.
    byte[] corrupt = aggregate("producer-8", List.of(p1.get(0))).data;
    corrupt[corrupt.length - 1] ^= 1;
    records.add(new Planted(corrupt, "producer-8", null));
    byte[] magicOnly = new byte[KplRecords.MAGIC_LENGTH + 3];
    System.arraycopy(KplRecords.magic(), 0, magicOnly, 0, KplRecords.MAGIC_LENGTH);
    records.add(new Planted(magicOnly, "producer-8", null));
    return records;
  }

  private static Envelope late(Envelope.Builder event, Instant sent) {
    return event.setSentTimeUs(micros(sent)).build();
  }

  private static Planted aggregate(String partitionKey, List<Envelope> envelopes) {
    AggregatedRecord.Builder aggregate =
        AggregatedRecord.newBuilder().addPartitionKeyTable(partitionKey);
    for (Envelope envelope : envelopes) {
      aggregate.addRecords(
          Record.newBuilder().setPartitionKeyIndex(0).setData(envelope.toByteString()));
    }
    return new Planted(KplRecords.encode(aggregate.build()), partitionKey, null);
  }

  /** Asserts the numbers that do not depend on where the planting time falls in its hour. */
  static void assertReportShowsPlantedNumbers(ValidationReport report) {
    ValidationReport.Totals totals = report.totals();
    assertThat(totals.records()).isEqualTo(11);
    assertThat(totals.recordsMalformed()).isEqualTo(2);
    assertThat(totals.events()).isEqualTo(39);
    assertThat(totals.valid()).isEqualTo(32);
    assertThat(totals.invalid()).isEqualTo(7);
    assertThat(totals.duplicates()).isEqualTo(2);
    assertThat(totals.invalidByReason())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "rule_violation", 2L,
                "unknown_schema", 1L,
                "undecodable_payload", 1L,
                "invalid_envelope", 2L,
                "outside_shard_range", 1L));
    assertThat(report.malformedRecordsByReason())
        .containsExactlyInAnyOrderEntriesOf(Map.of("bad_checksum", 1L, "malformed_aggregate", 1L));
    ValidationReport.Buckets corrected = report.lateness().buckets();
    assertThat(List.of(corrected.hot(), corrected.le1h(), corrected.le6h(), corrected.cold()))
        .containsExactly(17L, 6L, 5L, 2L);
    ValidationReport.Buckets raw = report.lateness().rawBuckets();
    assertThat(List.of(raw.hot(), raw.le1h(), raw.le6h(), raw.cold()))
        .containsExactly(15L, 6L, 7L, 2L);
    assertThat(report.lateness().percentilesMs().count()).isEqualTo(30);
    assertThat(report.lateness().rawPercentilesMs().max())
        .isGreaterThan(Duration.ofHours(7).toMillis());
    assertThat(report.byEventType())
        .extracting(
            t -> t.eventType(),
            t -> t.events(),
            t -> t.valid(),
            t -> t.invalid(),
            t -> t.duplicates())
        .containsExactly(
            tuple("tideline.events.v1.Click", 16L, 11L, 5L, 0L),
            tuple("tideline.events.v1.Impression", 3L, 3L, 0L, 0L),
            tuple("tideline.events.v1.Payment", 2L, 0L, 2L, 0L),
            tuple("tideline.events.v1.ProducerAudit", 2L, 2L, 0L, 0L),
            tuple("tideline.events.v1.ScreenView", 16L, 16L, 0L, 2L));
    ValidationReport.TypeSummary screenViews = report.byEventType().get(4);
    assertThat(List.of(screenViews.lateness().hot(), screenViews.lateness().cold()))
        .containsExactly(12L, 2L);
    assertThat(report.byEventHour().stream().mapToLong(r -> r.events()).sum()).isEqualTo(39);
    assertThat(report.byArrivalHour().stream().mapToLong(r -> r.events()).sum()).isEqualTo(39);
    assertThat(report.violations())
        .extracting(v -> v.reason(), v -> v.code(), v -> v.path())
        .contains(
            tuple("rule_violation", "pattern", "currency"),
            tuple("rule_violation", "no_card_numbers", "provider_reference"),
            tuple("invalid_envelope", "event_time_in_future", "envelope.event_time_us"),
            tuple("invalid_envelope", "event_id", "envelope.event_id"));

    ValidationReport.Delivery delivery = report.delivery();
    assertThat(
            List.of(
                delivery.producers(),
                delivery.auditedProducers(),
                delivery.sequenceGaps(),
                delivery.missing(),
                delivery.reportedDropped(),
                delivery.lost()))
        .containsExactly(7L, 2L, 3L, 6L, 3L, 1L);
    assertThat(report.producers())
        .extracting(
            p -> p.events(),
            p -> p.missing(),
            p -> p.repeats(),
            p -> p.reportedDropped(),
            p -> p.lost())
        .containsExactly(
            tuple(12L, 0L, 2L, 0L, 0L),
            tuple(6L, 2L, 0L, 0L, 0L),
            tuple(6L, 3L, 0L, 3L, 0L),
            tuple(2L, 0L, 0L, 0L, 0L),
            tuple(2L, 0L, 0L, 0L, 0L),
            tuple(7L, 0L, 0L, 0L, 0L),
            tuple(4L, 1L, 0L, 0L, 1L));
    assertThat(report.producers().get(1).gaps()).containsExactly(new long[] {4, 5});
    assertThat(report.producers().get(2).byType())
        .extracting(
            d -> d.eventType(),
            d -> d.accepted(),
            d -> d.sent(),
            d -> d.arrived(),
            d -> d.dropped(),
            d -> d.lost())
        .containsExactly(tuple("tideline.events.v1.Click", 8L, 5L, 5L, 3L, 0L));
    assertThat(report.producers().get(6).byType())
        .extracting(d -> d.eventType(), d -> d.sent(), d -> d.arrived(), d -> d.lost())
        .containsExactly(tuple("tideline.events.v1.Impression", 4L, 3L, 1L));
  }
}
