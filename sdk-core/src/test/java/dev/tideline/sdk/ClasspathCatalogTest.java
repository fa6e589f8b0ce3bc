package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.events.v1.Payment;
import dev.tideline.events.v1.ProducerAudit;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** With no registry given, the tracker finds the standard events in the classpath catalog. */
class ClasspathCatalogTest {
  @Test
  void logsStandardEventsWithTheSchemaIdsOfTheBundledCatalog() {
    Harness harness = new Harness();
    Tracker tracker =
        harness.start(
            Tracker.builder()
                .streamName("events")
                .sink(harness.sink)
                .clock(harness.clock)
                .scheduler(harness.scheduler)
                .auditPeriod(1, TimeUnit.MINUTES));
    assertThat(tracker.log(Harness.payment(1))).isEqualTo(LogOutcome.ACCEPTED);
    harness.scheduler.advance(61, TimeUnit.SECONDS);

    SchemaRegistry catalog = SchemaRegistry.fromClasspath();
    long paymentId = catalog.forClass(Payment.class).getSchemaId();
    long auditId = catalog.forClass(ProducerAudit.class).getSchemaId();
    assertThat(harness.sink.storedEnvelopes())
        .extracting(Envelope::getSchemaId)
        .containsExactly(paymentId, auditId);
  }
}
