package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tideline.events.v1.ProducerAudit;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.validator.report.Reports;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");

  @Test
  void ledgersOfGroupsOfProducersMergeIntoTheWholeRunsDeliveryAndProducers() throws Exception {
    Tally whole = Tally.create();
    List<DeliveryLedger> parts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      parts.add(new DeliveryLedger());
    }
    int n = 0;
    for (RecordResult result : TallyMergeTest.plantedResults()) {
      whole.add(result);
      for (TallyEntry entry : TallyEntry.of(result)) {
        // Spread each producer's events over ledgers, as hours or groups split a stream.
        parts.get(n++ % 3).add(entry);
      }
    }
    DeliveryLedger merged = new DeliveryLedger();
    for (DeliveryLedger part : parts) {
      merged.merge(roundTrip(part));
    }

    JsonNode expected = JSON.readTree(Reports.json(whole.report("planted", false)));
    JsonNode actual = JSON.readTree(Reports.json(merged.report("planted", T)));
    assertThat(actual.get("format").asText()).isEqualTo(DeliveryReport.FORMAT);
    assertThat(actual.get("as_of").asText()).isEqualTo(T.toString());
    // The planted scenario has gaps, repeats and an audited loss.
    assertThat(expected.at("/delivery/sequence_gaps").asLong()).isPositive();
    assertThat(expected.at("/delivery/lost").asLong()).isPositive();
    assertThat(actual.get("delivery")).isEqualTo(expected.get("delivery"));
    assertThat(actual.get("producers")).isEqualTo(expected.get("producers"));
  }

  @Test
  void aGapBetweenTwoHoursShowsInTheLedgerThoughNeitherHoursTallyShowsIt() throws Exception {
    Validator validator = Validator.builder(TestEvents.REGISTRY).build();
    Tally first = Tally.create();
    Tally second = Tally.create();
    DeliveryLedger ledger = new DeliveryLedger();
    // Sequences 1-3 in one hour, 5-7 in the next: 4 is lost at the boundary.
    for (long seq : new long[] {1, 2, 3, 5, 6, 7}) {
      Instant arrival = seq < 4 ? T : T.plus(Duration.ofHours(1));
      Envelope event =
          TestEvents.event(TestEvents.click("buy"), 9, seq, arrival.minusSeconds(10)).build();
      RecordResult result = validator.validate(event.toByteArray(), "k", arrival, null);
      (seq < 4 ? first : second).add(result);
      TallyEntry.of(result).forEach(ledger::add);
    }
    assertThat(first.report("s", false).delivery().sequenceGaps()).isZero();
    assertThat(second.report("s", false).delivery().sequenceGaps()).isZero();
    DeliveryReport report = ledger.report("s", T.plus(Duration.ofHours(2)));
    assertThat(report.delivery().sequenceGaps()).isEqualTo(1);
    assertThat(report.delivery().missing()).isEqualTo(1);
    assertThat(report.producers().get(0).gaps()).containsExactly(new long[] {4, 4});
    assertThat(report.lastArrival()).isEqualTo(T.plus(Duration.ofHours(1)).toString());
  }

  @Test
  void anAuditRecordThatArrivesTwiceIsReconciledOnceAsTheTallyDoes() throws Exception {
    Validator validator = Validator.builder(TestEvents.REGISTRY).build();
    Tally tally = Tally.create();
    DeliveryLedger ledger = new DeliveryLedger();
    List<Envelope> events = new ArrayList<>();
    for (long seq = 1; seq <= 3; seq++) {
      events.add(TestEvents.event(TestEvents.click("buy"), 9, seq, T).build());
    }
    Envelope audit =
        TestEvents.event(
                ProducerAudit.newBuilder()
                    .setPeriodStartUs(TestEvents.micros(T.minusSeconds(60)))
                    .setPeriodEndUs(TestEvents.micros(T))
                    .setFirstSequence(1)
                    .setLastSequence(3)
                    .addCounts(
                        ProducerAudit.TypeCounts.newBuilder()
                            .setEventType("tideline.events.v1.Click")
                            .setAccepted(3)
                            .setSent(3))
                    .build(),
                9,
                4,
                T)
            .build();
    events.add(audit);
    events.add(audit); // sent again by a retry
    for (Envelope event : events) {
      RecordResult result = validator.validate(event.toByteArray(), "k", T.plusSeconds(5), null);
      tally.add(result);
      TallyEntry.of(result).forEach(ledger::add);
    }
    JsonNode expected = JSON.readTree(Reports.json(tally.report("s", false)));
    JsonNode actual = JSON.readTree(Reports.json(ledger.report("s", T)));
    assertThat(actual.at("/producers/0/audited").asBoolean()).isTrue();
    assertThat(actual.at("/delivery/lost").asLong()).isZero();
    assertThat(actual.get("producers")).isEqualTo(expected.get("producers"));
  }

  @Test
  void aProducerAuditingEveryPeriodKeepsItsStateSmallAndReconcilesTheSame() throws Exception {
    Validator validator = Validator.builder(TestEvents.REGISTRY).build();
    DeliveryLedger whole = new DeliveryLedger();
    DeliveryLedger odd = new DeliveryLedger();
    DeliveryLedger even = new DeliveryLedger();
    DeliveryLedger unaudited = new DeliveryLedger(); // the same sequences, no audit records
    long seq = 0;
    long covered = 0; // the end of the last audited range
    for (int period = 1; period <= 500; period++) {
      List<Envelope> events = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        seq++;
        if (!(period == 250 && i == 0)) { // one click lost, in period 250
          events.add(TestEvents.event(TestEvents.click("buy"), 9, seq, T).build());
        }
      }
      // As the SDK audits: the period's range runs from after the last one's to the last
      // sequence taken, which includes the previous audit record's own.
      events.add(
          TestEvents.event(
                  ProducerAudit.newBuilder()
                      .setPeriodStartUs(TestEvents.micros(T))
                      .setPeriodEndUs(TestEvents.micros(T))
                      .setFirstSequence(covered + 1)
                      .setLastSequence(seq)
                      .addCounts(
                          ProducerAudit.TypeCounts.newBuilder()
                              .setEventType("tideline.events.v1.Click")
                              .setAccepted(10)
                              .setSent(10))
                      .build(),
                  9,
                  ++seq,
                  T)
              .build());
      covered = seq - 1;
      for (Envelope event : events) {
        RecordResult result = validator.validate(event.toByteArray(), "k", T, null);
        for (TallyEntry entry : TallyEntry.of(result)) {
          whole.add(entry);
          (period % 2 == 0 ? even : odd).add(entry);
          if (Tally.AUDIT_EVENT_TYPE.equals(entry.type)) {
            entry.type = "tideline.events.v1.NotAnAudit"; // its sequence, not its record
          }
          unaudited.add(entry);
        }
      }
    }
    // 500 audit records cost the state their sums and one range, not a copy of each record; the
    // sequences themselves (per event type, cut by the audit records' own) are the rest.
    assertThat(unaudited.report("s", T).producers().get(0).audited()).isFalse();
    assertThat(serializedSize(whole)).isLessThan(serializedSize(unaudited) + 1_000);
    DeliveryReport report = whole.report("s", T);
    assertThat(report.producers().get(0).audited()).isTrue();
    assertThat(report.delivery().lost()).isEqualTo(1);
    assertThat(report.producers().get(0).byType())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.sent()).isEqualTo(5_000);
              assertThat(t.arrived()).isEqualTo(4_999);
            });
    // Periods counted apart, their ranges interleaved, merge into the same reconciliation.
    odd.merge(even);
    assertThat(JSON.readTree(Reports.json(odd.report("s", T))).get("producers"))
        .isEqualTo(JSON.readTree(Reports.json(report)).get("producers"));
    assertThat(serializedSize(odd)).isLessThan(serializedSize(unaudited) + 1_000);
  }

  private static int serializedSize(DeliveryLedger ledger) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(ledger);
    }
    return bytes.size();
  }

  @Test
  void producersIdleBeforeATimeAreForgottenAndCounted() {
    Validator validator = Validator.builder(TestEvents.REGISTRY).build();
    DeliveryLedger ledger = new DeliveryLedger();
    for (int producer = 1; producer <= 3; producer++) {
      Instant arrival = T.plus(Duration.ofHours(producer));
      Envelope event =
          TestEvents.event(TestEvents.click("buy"), producer, 1, arrival.minusSeconds(1)).build();
      TallyEntry.of(validator.validate(event.toByteArray(), "k", arrival, null))
          .forEach(ledger::add);
    }
    assertThat(ledger.forgetIdleBefore(T.plus(Duration.ofHours(2)))).isEqualTo(1);
    assertThat(ledger.forgetIdleBefore(T.plus(Duration.ofHours(2)))).isZero();
    DeliveryReport report = ledger.report("s", T.plus(Duration.ofHours(4)));
    assertThat(report.delivery().producers()).isEqualTo(2);
    assertThat(report.forgottenProducers()).isEqualTo(1);
    assertThat(ledger.forgetIdleBefore(T.plus(Duration.ofHours(9)))).isEqualTo(2);
    assertThat(ledger.isEmpty()).isTrue();
  }

  @Test
  void aLedgerCannotMergeItself() {
    DeliveryLedger ledger = new DeliveryLedger();
    assertThatThrownBy(() -> ledger.merge(ledger)).isInstanceOf(IllegalArgumentException.class);
  }

  private static DeliveryLedger roundTrip(DeliveryLedger ledger) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(ledger);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (DeliveryLedger) in.readObject();
    }
  }
}
