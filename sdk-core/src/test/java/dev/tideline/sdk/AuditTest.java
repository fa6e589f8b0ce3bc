package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.events.v1.ProducerAudit;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuditTest {
  /** Names each envelope's event type from its schema id. */
  private static final SchemaRegistry EVENT_TYPES = Harness.REGISTRY;

  private final Harness harness = new Harness();

  private List<ProducerAudit> audits() throws Exception {
    List<ProducerAudit> out = new ArrayList<>();
    for (Envelope envelope : harness.sink.storedEnvelopes()) {
      if (EVENT_TYPES.eventType(envelope).equals("tideline.events.v1.ProducerAudit")) {
        out.add(ProducerAudit.parseFrom(envelope.getPayload()));
      }
    }
    return out;
  }

  @Test
  void logsAnAuditRecordEachPeriodWithWhatWasAcceptedSentAndRefused() throws Exception {
    Tracker tracker =
        harness.start(
            harness.builder().auditPeriod(60, TimeUnit.SECONDS).lingerTime(0, TimeUnit.SECONDS));
    tracker.log(Harness.payment(1));
    tracker.log(Harness.payment(2));
    tracker.log(Harness.payment(3));
    tracker.log("not an event");
    harness.scheduler.advance(60, TimeUnit.SECONDS);
    harness.scheduler.advance(1, TimeUnit.SECONDS);

    List<ProducerAudit> audits = audits();
    assertThat(audits).hasSize(1);
    ProducerAudit audit = audits.get(0);
    assertThat(audit.getFirstSequence()).isEqualTo(1);
    assertThat(audit.getLastSequence()).isEqualTo(3);
    assertThat(audit.getPeriodEndUs() - audit.getPeriodStartUs()).isEqualTo(60_000_000L);
    ProducerAudit.TypeCounts payments =
        audit.getCountsList().stream()
            .filter(c -> c.getEventType().equals("tideline.events.v1.Payment"))
            .findFirst()
            .get();
    assertThat(payments.getAccepted()).isEqualTo(3);
    assertThat(payments.getSent()).isEqualTo(3);
    assertThat(audit.getCountsList())
        .anySatisfy(c -> assertThat(c.getRejectedMap()).containsEntry("encoding_failed", 1L));
  }

  @Test
  void theNextPeriodCountsOnlyItsOwnEventsAndCloseLogsTheLastOne() throws Exception {
    Tracker tracker =
        harness.start(
            harness.builder().auditPeriod(60, TimeUnit.SECONDS).lingerTime(0, TimeUnit.SECONDS));
    tracker.log(Harness.payment(1));
    harness.scheduler.advance(61, TimeUnit.SECONDS);
    tracker.log(Harness.payment(2));
    tracker.close(5, TimeUnit.SECONDS);
    harness.scheduler.advance(1, TimeUnit.SECONDS);

    List<ProducerAudit> audits = audits();
    assertThat(audits).hasSize(2);
    // Sequence 2 is the first audit itself; the payment logged next is sequence 3.
    assertThat(audits.get(1).getFirstSequence()).isEqualTo(2);
    assertThat(audits.get(1).getLastSequence()).isEqualTo(3);
    assertThat(audits.get(1).getCountsList())
        .filteredOn(c -> c.getEventType().equals("tideline.events.v1.Payment"))
        .singleElement()
        .satisfies(c -> assertThat(c.getAccepted()).isEqualTo(1));
  }

  @Test
  void theAuditRecordGetsThroughAFullBufferUnderBlock() throws Exception {
    Tracker tracker =
        harness.start(
            harness
                .builder()
                .auditPeriod(60, TimeUnit.SECONDS)
                .lingerTime(0, TimeUnit.SECONDS)
                .maxBufferBytes(1024 * 1024)
                .bufferPolicy(BufferPolicy.BLOCK)
                .blockTimeout(0, TimeUnit.SECONDS));
    harness.faults.holdCalls();
    int accepted = 0;
    while (tracker.log(Harness.paymentOfSize(accepted, 100_000)) == LogOutcome.ACCEPTED) {
      accepted++;
    }
    while (tracker.log(Harness.payment(accepted)) == LogOutcome.ACCEPTED) {
      accepted++; // small ones fill the last bytes: no audit record would fit now
    }
    assertThat(harness.listener.rejections)
        .hasSize(2)
        .allSatisfy(r -> assertThat(r).startsWith("BUFFER_FULL tideline.events.v1.Payment"));

    harness.scheduler.advance(61, TimeUnit.SECONDS); // the period ends: the audit is logged
    assertThat(harness.listener.rejections).hasSize(2); // the payments', not the audit's
    harness.faults.releaseCalls();
    harness.scheduler.advance(1, TimeUnit.SECONDS);
    harness.faults.releaseCalls();
    harness.scheduler.advance(1, TimeUnit.SECONDS);
    List<ProducerAudit> audits = audits();
    assertThat(audits).hasSize(1);
    assertThat(audits.get(0).getCountsList())
        .anySatisfy(c -> assertThat(c.getRejectedMap()).containsEntry("buffer_full", 2L));
  }

  @Test
  void noAuditIsSentWhenTheRegistryLacksItsSchema() {
    Tracker tracker =
        harness.start(
            harness
                .builder()
                .auditPeriod(60, TimeUnit.SECONDS)
                .registry(
                    SchemaRegistry.of(
                        dev.tideline.proto.v1.Catalog.newBuilder()
                            .addEntries(
                                Harness.entry(
                                    "tideline.events.v1.Payment",
                                    Harness.PAYMENT_SCHEMA_ID,
                                    dev.tideline.events.v1.Payment.class))
                            .build())));
    tracker.log(Harness.payment(1));
    harness.scheduler.advance(61, TimeUnit.SECONDS);
    assertThat(harness.sink.storedEnvelopes()).hasSize(1);
    // Not counted as a refused event either: the audit is simply off.
    assertThat(tracker.metrics().rejected()).isEmpty();
  }
}
