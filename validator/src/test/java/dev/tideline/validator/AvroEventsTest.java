package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tideline.proto.v1.Envelope;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Avro payloads (binary, no single-object header) are decoded, checked and masked. */
class AvroEventsTest {
  static final String PAYMENT = "dev.tideline.events.avro.Payment";
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");
  private static final Schema SCHEMA = TestEvents.avroSchema(PAYMENT);

  private final Validator validator = Validator.builder(TestEvents.REGISTRY).build();

  @TempDir Path dir;

  static GenericRecord payment(String orderId, String currency, String reference) {
    GenericRecord payment = new GenericData.Record(SCHEMA);
    payment.put("order_id", orderId);
    payment.put("amount_minor", 2500L);
    payment.put("currency", currency);
    payment.put("method", new GenericData.EnumSymbol(SCHEMA.getField("method").schema(), "CARD"));
    payment.put(
        "status", new GenericData.EnumSymbol(SCHEMA.getField("status").schema(), "CAPTURED"));
    payment.put("provider_reference", reference);
    payment.put("user_id", "user-77");
    return payment;
  }

  private ValidatedEvent validate(GenericRecord payload) {
    Envelope envelope = TestEvents.avroEvent(PAYMENT, payload, 31, 1, T.minusSeconds(2)).build();
    return validator.validate(envelope.toByteArray(), "pk", T).events().get(0);
  }

  @Test
  void checksTheRulesOfAnAvroEvent() {
    ValidatedEvent valid = validate(payment("order-123", "EUR", null));
    ValidatedEvent invalid = validate(payment("o", "eur", "card 5555 5555 5555 4444"));

    assertThat(valid.violations()).isEmpty();
    assertThat(invalid.violations())
        .extracting(Violation::code, Violation::path)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("pattern", "order_id"),
            org.assertj.core.groups.Tuple.tuple("pattern", "currency"),
            org.assertj.core.groups.Tuple.tuple("no_card_numbers", "provider_reference"));
  }

  @Test
  void refusesAnAvroPayloadWithBytesLeftOver() {
    Envelope envelope =
        TestEvents.avroEvent(PAYMENT, payment("order-123", "EUR", null), 31, 1, T).build();
    ByteString padded = envelope.getPayload().concat(ByteString.copyFrom(new byte[] {0, 0, 0}));

    ValidatedEvent event =
        validator
            .validate(envelope.toBuilder().setPayload(padded).build().toByteArray(), "pk", T)
            .events()
            .get(0);

    assertThat(event.reason()).isEqualTo(ViolationKind.UNDECODABLE_PAYLOAD);
  }

  @Test
  void quarantinesTheSubRecordWithPersonalFieldsAndCardNumbersMasked() throws Exception {
    Envelope envelope =
        TestEvents.avroEvent(PAYMENT, payment("o", "EUR", "4111111111111111"), 31, 1, T).build();
    RecordResult result = validator.validate(envelope.toByteArray(), "pk", T.plusSeconds(1));
    Path file = dir.resolve("q.jsonl");

    try (Quarantine quarantine = Quarantine.open(file, validator, false)) {
      quarantine.add(result, "shardId-000000000000", "42");
    }

    String line = Files.readAllLines(file).get(0);
    com.fasterxml.jackson.databind.JsonNode json =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
    assertThat(json.get("reason").asText()).isEqualTo("rule_violation");
    assertThat(json.get("sequence_number").asText()).isEqualTo("42");
    assertThat(json.get("masked").asBoolean()).isTrue();
    Envelope quarantined =
        Envelope.parseFrom(Base64.getDecoder().decode(json.get("data").asText()));
    GenericRecord payload =
        new GenericDatumReader<GenericRecord>(SCHEMA)
            .read(
                null,
                DecoderFactory.get()
                    .binaryDecoder(
                        new ByteArrayInputStream(quarantined.getPayload().toByteArray()), null));
    assertThat(payload.get("user_id").toString()).isEqualTo(Masking.MASK);
    assertThat(payload.get("amount_minor")).isEqualTo(0L);
    assertThat(payload.get("provider_reference").toString()).isEqualTo(Masking.MASK);
    assertThat(payload.get("order_id").toString()).isEqualTo("o");
    assertThat(line).doesNotContain("4111");
  }
}
