package dev.tideline.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.tideline.events.v1.Click;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.validator.Tally;
import dev.tideline.validator.ValidationReport;
import dev.tideline.validator.Validator;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailOnTest {
  /** 4 events, 1 of them invalid (a Click without its required element id). */
  private static ValidationReport report() {
    SchemaRegistry registry = SchemaRegistry.fromClasspath();
    Validator validator = Validator.builder(registry).build();
    Tally tally = Tally.create();
    Instant t = Instant.parse("2026-11-25T15:30:00Z");
    for (int seq = 1; seq <= 4; seq++) {
      Click click =
          Click.newBuilder().setElementId(seq == 4 ? "" : "b").setScreenName("home").build();
      Envelope envelope =
          Envelope.newBuilder()
              .setEventId(
                  ByteString.copyFrom(
                      new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) seq}))
              .setProducerId(ByteString.copyFrom(new byte[16]))
              .setSequence(seq)
              .setEventType("tideline.events.v1.Click")
              .setFormat(dev.tideline.proto.v1.SchemaFormat.PROTOBUF)
              .setSchemaId(registry.forClass(Click.class).getSchemaId())
              .setEventTimeUs(t.toEpochMilli() * 1000)
              .setPayload(click.toByteString())
              .build();
      tally.add(validator.validate(envelope.toByteArray(), "pk", t));
    }
    return tally.report("test", false);
  }

  @Test
  void comparesCountsAndSharesWithStrictAndInclusiveOperators() {
    ValidationReport report = report();

    assertThat(FailOn.parse("invalid>1").broken(report)).isEmpty();
    assertThat(FailOn.parse("invalid>=1").broken(report))
        .containsExactly("invalid>=1 (measured 1)");
    assertThat(FailOn.parse("invalid>25%").broken(report)).isEmpty();
    assertThat(FailOn.parse(" invalid >= 25% , rule_violation>0 ").broken(report))
        .containsExactly("invalid >= 25% (measured 25.000% = 1)", "rule_violation>0 (measured 1)");
    assertThat(FailOn.parse("lost>0,gaps>0,duplicates>0,cold>0").broken(report)).isEmpty();
    assertThat(FailOn.none().broken(report)).isEmpty();
  }

  @Test
  void namesTheConditionThatDoesNotParse() {
    assertThatThrownBy(() -> FailOn.parse("invalid>0.1%,latency>3"))
        .hasMessageContaining("--fail-on metric 'latency' is unknown");
    assertThatThrownBy(() -> FailOn.parse("invalid=3"))
        .hasMessageContaining("'invalid=3' does not parse");
  }

  @Test
  void failsWhenAMetricIsBelowAFloorSoAGateCanRequireEventsToArrive() {
    ValidationReport report = report();

    assertThat(FailOn.parse("events<1").broken(report)).isEmpty();
    assertThat(FailOn.parse("events<5").broken(report)).containsExactly("events<5 (measured 4)");
    assertThat(FailOn.parse("events<=4").broken(report)).containsExactly("events<=4 (measured 4)");
    assertThat(FailOn.parse("events<4").broken(report)).isEmpty();
  }
}
