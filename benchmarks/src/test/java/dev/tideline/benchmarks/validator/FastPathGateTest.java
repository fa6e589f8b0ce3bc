package dev.tideline.benchmarks.validator;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.tideline.events.v1.ScreenView;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.validator.Tally;
import dev.tideline.validator.ValidationReport;
import dev.tideline.validator.Validator;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The benchmark's gate fails on events that leave the validator's fast path, and only then. */
class FastPathGateTest {
  private static final Instant ARRIVAL = Instant.parse("2026-11-25T15:30:00Z");
  private static final SchemaRegistry REGISTRY = SchemaRegistry.fromClasspath();

  private static Envelope.Builder ordinary() {
    CatalogEntry entry = REGISTRY.forClass(ScreenView.class);
    byte[] id = ByteBuffer.allocate(16).putLong(7).putLong(1).array();
    return Envelope.newBuilder()
        .setEventId(ByteString.copyFrom(id))
        .setEventType(entry.getEventType())
        .setFormat(SchemaFormat.PROTOBUF)
        .setSchemaId(entry.getSchemaId())
        .setEventTimeUs(ARRIVAL.toEpochMilli() * 1000 - 1_000_000)
        .setProducerId(ByteString.copyFrom(id))
        .setSequence(1)
        .setPayload(ScreenView.newBuilder().setScreenName("cart").build().toByteString());
  }

  private static ValidationReport report(Envelope envelope) {
    Tally tally = Tally.create();
    tally.add(Validator.builder(REGISTRY).build().validate(envelope.toByteArray(), "pk", ARRIVAL));
    return tally.report("gate", false);
  }

  @Test
  void passesOrdinaryEvents() {
    assertThatCode(() -> ValidatorBenchmark.checkNoFallbacks(report(ordinary().build())))
        .doesNotThrowAnyException();
  }

  @Test
  void failsWhenAnEventLeavesTheFastPath() {
    Envelope withAttributes = ordinary().putAttributes("run", "1").build();

    assertThatThrownBy(() -> ValidatorBenchmark.checkNoFallbacks(report(withAttributes)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 envelopes and 0 payloads of 1 events");
  }
}
