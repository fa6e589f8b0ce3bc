package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.tideline.events.v1.Click;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.validator.report.Reports;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The report counts every event the fast path handed to a parser, so that an envelope field it does
 * not know (a new one, say) shows up instead of silently slowing every event down.
 */
class FastPathFallbacksTest {
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");
  private static final Instant ARRIVAL = T.plusSeconds(5);

  private final Validator validator = Validator.builder(TestEvents.REGISTRY).build();

  private static Envelope ordinary(long sequence) {
    return TestEvents.event(TestEvents.click("buy"), 1, sequence, T).build();
  }

  private ValidationReport.FastPath fastPath(byte[]... records) {
    Tally tally = Tally.create();
    for (byte[] record : records) {
      tally.add(validator.validate(record, "pk", ARRIVAL));
    }
    return tally.report("test", false).fastPath();
  }

  /** The envelope with a field appended that envelope.proto does not (yet) declare. */
  private static byte[] withNewField(Envelope envelope) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    envelope.writeTo(out);
    out.writeString(12, "a field added to the envelope later");
    out.flush();
    return bytes.toByteArray();
  }

  @Test
  void ordinaryEventsAreAllJudgedFromTheWire() {
    List<Envelope> envelopes = new ArrayList<>();
    for (long sequence = 1; sequence <= 50; sequence++) {
      envelopes.add(ordinary(sequence));
    }

    ValidationReport.FastPath fastPath =
        fastPath(TestEvents.aggregate(envelopes), ordinary(51).toByteArray());

    assertThat(fastPath.envelopeFallbacks()).isZero();
    assertThat(fastPath.payloadFallbacks()).isZero();
    assertThat(fastPath.validFallbacks()).isZero();
  }

  @Test
  void aValidEnvelopeWithAFieldTheWireReaderDoesNotKnowIsCounted() throws Exception {
    byte[] record = withNewField(ordinary(1));
    assertThat(validator.validate(record, "pk", ARRIVAL).events().get(0).isValid()).isTrue();

    ValidationReport.FastPath fastPath = fastPath(record, ordinary(2).toByteArray());

    assertThat(fastPath.envelopeFallbacks()).isEqualTo(1);
    assertThat(fastPath.payloadFallbacks()).isZero();
    assertThat(fastPath.validFallbacks()).isEqualTo(1);
  }

  @Test
  void attributesTakeTheParserAndAreCounted() {
    byte[] record = ordinary(1).toBuilder().putAttributes("test", "t-1").build().toByteArray();

    ValidationReport.FastPath fastPath = fastPath(record);

    assertThat(fastPath.envelopeFallbacks()).isEqualTo(1);
    assertThat(fastPath.validFallbacks()).isEqualTo(1);
  }

  @Test
  void anInvalidPayloadIsDecodedForItsMessagesAndCountedAsNotValid() {
    Click missingElement = Click.newBuilder().setScreenName("cart").build();
    byte[] record = TestEvents.event(missingElement, 1, 1, T).build().toByteArray();
    assertThat(validator.validate(record, "pk", ARRIVAL).events().get(0).isValid()).isFalse();

    ValidationReport.FastPath fastPath = fastPath(record);

    assertThat(fastPath.envelopeFallbacks()).isZero();
    assertThat(fastPath.payloadFallbacks()).isEqualTo(1);
    assertThat(fastPath.validFallbacks()).isZero();
  }

  @Test
  void anEnvelopeThatDoesNotParseIsAnEnvelopeFallback() {
    byte[] record = {0x0A, (byte) 0xFF};

    ValidationReport.FastPath fastPath = fastPath(record);

    assertThat(fastPath.envelopeFallbacks()).isEqualTo(1);
    assertThat(fastPath.validFallbacks()).isZero();
  }

  @Test
  void theJsonReportCarriesTheCounts() throws Exception {
    Tally tally = Tally.create();
    tally.add(validator.validate(withNewField(ordinary(1)), "pk", ARRIVAL));
    tally.add(
        validator.validate(
            ordinary(2).toBuilder()
                .setPayload(ByteString.copyFromUtf8("\u00ff"))
                .build()
                .toByteArray(),
            "pk",
            ARRIVAL));

    JsonNode json = new ObjectMapper().readTree(Reports.json(tally.report("test", false)));

    assertThat(json.at("/version").asInt()).isEqualTo(ValidationReport.VERSION);
    assertThat(json.at("/fast_path/envelope_fallbacks").asLong()).isEqualTo(1);
    assertThat(json.at("/fast_path/payload_fallbacks").asLong()).isEqualTo(1);
    assertThat(json.at("/fast_path/valid_fallbacks").asLong()).isEqualTo(1);
  }
}
