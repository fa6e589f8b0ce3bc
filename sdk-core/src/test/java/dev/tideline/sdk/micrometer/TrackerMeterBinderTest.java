package dev.tideline.sdk.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.events.v1.Payment;
import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.PiiClass;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.PiiPolicy;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.sink.InMemorySink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TrackerMeterBinderTest {
  @Test
  void publishesTheTrackersCountersTaggedWithTheStream() {
    SchemaRegistry registry =
        SchemaRegistry.of(
            Catalog.newBuilder()
                .addEntries(
                    CatalogEntry.newBuilder()
                        .setEventType("tideline.events.v1.Payment")
                        .setFormat(SchemaFormat.PROTOBUF)
                        .setSchemaId(42L)
                        .setJavaClass(Payment.class.getName()))
                .build());
    Tracker tracker =
        Tracker.builder()
            .streamName("payments")
            .sink(InMemorySink.create())
            .registry(registry)
            .auditPeriod(0, TimeUnit.SECONDS)
            .build();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    new TrackerMeterBinder(tracker).bindTo(meters);

    tracker.log(Payment.newBuilder().setOrderId("order-1").build());
    tracker.log("not an event");
    assertThat(tracker.flush().await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(
            meters.get("tideline.events.sent").tag("stream", "payments").functionCounter().count())
        .isEqualTo(1.0);
    assertThat(
            meters
                .get("tideline.events.rejected")
                .tag("outcome", "encoding_failed")
                .functionCounter()
                .count())
        .isEqualTo(1.0);
    assertThat(meters.get("tideline.buffer.bytes").gauge().value()).isZero();
    assertThat(meters.get("tideline.records.sent").functionCounter().count()).isEqualTo(1.0);
    tracker.close(1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }

  @Test
  void publishesIllFormedStringsAndWhatThePiiPolicyChanged() {
    Tracker tracker =
        Tracker.builder()
            .streamName("payments")
            .sink(InMemorySink.create())
            .registry(SchemaRegistry.fromClasspath())
            .auditPeriod(0, TimeUnit.SECONDS)
            .piiPolicy(
                PiiPolicy.builder()
                    .hashKey(new byte[32])
                    .action(PiiClass.PII_IDENTIFIER, PiiPolicy.Action.HASH)
                    .action(PiiClass.PII_FINANCIAL, PiiPolicy.Action.DROP)
                    .build())
            .build();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    new TrackerMeterBinder(tracker).bindTo(meters);

    tracker.log(
        Payment.newBuilder()
            .setOrderId("order-1")
            .setUserId("user-1")
            .setAmountMinor(5)
            .setProviderReference("caf\uD83D")
            .build());
    assertThat(tracker.flush().await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(meters.get("tideline.events.ill_formed_strings").functionCounter().count())
        .isEqualTo(1.0);
    assertThat(meters.get("tideline.pii.values").tag("action", "hashed").functionCounter().count())
        .isEqualTo(1.0);
    assertThat(meters.get("tideline.pii.values").tag("action", "dropped").functionCounter().count())
        .isEqualTo(1.0);
    tracker.close(1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }
}
