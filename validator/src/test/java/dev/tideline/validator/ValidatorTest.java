package dev.tideline.validator;

import static dev.tideline.validator.TestEvents.REGISTRY;
import static dev.tideline.validator.TestEvents.aggregate;
import static dev.tideline.validator.TestEvents.click;
import static dev.tideline.validator.TestEvents.event;
import static dev.tideline.validator.TestEvents.payment;
import static dev.tideline.validator.TestEvents.screenView;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import dev.tideline.events.v1.Click;
import dev.tideline.events.v1.Impression;
import dev.tideline.events.v1.Payment;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.wire.KplRecords;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class ValidatorTest {
  private static final Instant ARRIVAL = Instant.parse("2026-11-25T15:30:00Z");
  private static final Instant LOGGED = ARRIVAL.minusSeconds(30);

  private final Validator validator = Validator.builder(REGISTRY).build();

  private ValidatedEvent single(Envelope envelope) {
    RecordResult result = validator.validate(envelope.toByteArray(), "pk", ARRIVAL);
    assertThat(result.events()).hasSize(1);
    return result.events().get(0);
  }

  @Test
  void decodesAValidProtobufEventAsADynamicMessage() {
    ValidatedEvent event = single(event(payment("order-123"), 1, 1, LOGGED).build());

    assertThat(event.violations()).isEmpty();
    assertThat(event.payload()).isInstanceOf(DynamicMessage.class);
    DynamicMessage payload = (DynamicMessage) event.payload();
    assertThat(payload.getField(payload.getDescriptorForType().findFieldByName("order_id")))
        .isEqualTo("order-123");
    assertThat(event.eventType()).isEqualTo("tideline.events.v1.Payment");
    assertThat(event.eventIdString()).isEqualTo("00000000-0000-0001-0000-000000000001");
  }

  @Test
  void decodesAValidAvroEventAsAGenericRecord() {
    GenericRecord login =
        new GenericData.Record(TestEvents.avroSchema("dev.tideline.events.avro.Login"));
    login.put("user_id", "u-1");
    login.put(
        "method",
        new GenericData.EnumSymbol(login.getSchema().getField("method").schema(), "PASSWORD"));
    login.put("success", true);
    login.put("mfa_used", false);

    ValidatedEvent event =
        single(TestEvents.avroEvent("dev.tideline.events.avro.Login", login, 1, 1, LOGGED).build());

    assertThat(event.violations()).isEmpty();
    assertThat(event.payload()).isInstanceOf(GenericRecord.class);
    assertThat(((GenericRecord) event.payload()).get("user_id").toString()).isEqualTo("u-1");
  }

  @Test
  void reportsEachBrokenRuleWithPathRuleExpectedAndActual() {
    Payment bad =
        payment("x").toBuilder().setCurrency("euro").setAmountMinor(-5).clearStatus().build();

    ValidatedEvent event = single(event(bad, 1, 1, LOGGED).build());

    assertThat(event.violations())
        .extracting(
            Violation::kind,
            Violation::code,
            Violation::path,
            Violation::expected,
            Violation::actual)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                ViolationKind.RULE_VIOLATION, "pattern", "order_id", "^[A-Za-z0-9_-]{6,64}$", "x"),
            org.assertj.core.groups.Tuple.tuple(
                ViolationKind.RULE_VIOLATION, "min", "amount_minor", ">= 0", "-5"),
            org.assertj.core.groups.Tuple.tuple(
                ViolationKind.RULE_VIOLATION, "pattern", "currency", "^[A-Z]{3}$", "euro"),
            org.assertj.core.groups.Tuple.tuple(
                ViolationKind.RULE_VIOLATION,
                "required",
                "status",
                "present and not the default value",
                null));
    Violation amount =
        event.violations().stream().filter(v -> v.path().equals("amount_minor")).findFirst().get();
    assertThat(amount.sensitive()).isTrue();
    assertThat(amount.message()).doesNotContain("-5").contains(Masking.MASK);
  }

  @Test
  void checksEnumMembershipAndLengths() {
    Impression impression =
        Impression.newBuilder()
            .setItemId("i".repeat(201))
            .setItemType("coupon")
            .setScreenName("home")
            .build();

    ValidatedEvent event = single(event(impression, 1, 1, LOGGED).build());

    assertThat(event.violations())
        .extracting(Violation::code, Violation::path, Violation::actual)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("max_len", "item_id", "201 characters"),
            org.assertj.core.groups.Tuple.tuple("in", "item_type", "coupon"));
  }

  @Test
  void refusesCardNumbersInAnyStringOfAnEventThatForbidsThem() {
    Payment leaky =
        payment("order-123").toBuilder().setProviderReference("4111 1111-1111 1111").build();
    Payment luhnFails =
        payment("order-123").toBuilder().setProviderReference("4111111111111112").build();

    ValidatedEvent event = single(event(leaky, 1, 1, LOGGED).build());

    assertThat(event.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.code()).isEqualTo("no_card_numbers");
              assertThat(v.path()).isEqualTo("provider_reference");
              assertThat(v.sensitive()).isTrue();
            });
    assertThat(single(event(luhnFails, 1, 2, LOGGED).build()).isValid()).isTrue();
    assertThat(CardNumbers.containsCardNumber("ref 378282246310005 ok")).isTrue();
    assertThat(CardNumbers.containsCardNumber("order 12345678901234567890123")).isFalse();
  }

  @Test
  void reportsAnUnknownSchemaId() {
    ValidatedEvent event = single(event(click("b"), 1, 1, LOGGED).setSchemaId(42L).build());

    assertThat(event.reason()).isEqualTo(ViolationKind.UNKNOWN_SCHEMA);
    assertThat(event.violations().get(0).message()).contains("000000000000002a");
  }

  @Test
  void reportsAPayloadThatDoesNotDecode() {
    ValidatedEvent event =
        single(
            event(click("b"), 1, 1, LOGGED)
                .setPayload(ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01}))
                .build());

    assertThat(event.reason()).isEqualTo(ViolationKind.UNDECODABLE_PAYLOAD);
    assertThat(event.payload()).isNull();
  }

  @Test
  void refusesEnvelopesWithoutIdsOrWithAnEventTimeBeyondTheSkewTolerance() {
    Envelope noIds =
        event(click("b"), 1, 1, LOGGED)
            .setEventId(ByteString.copyFrom(new byte[8]))
            .clearProducerId()
            .build();
    Envelope future = event(click("b"), 1, 2, ARRIVAL.plus(Duration.ofHours(3))).build();
    Envelope nearFuture = event(click("b"), 1, 3, ARRIVAL.plus(Duration.ofMinutes(5))).build();

    assertThat(single(noIds).violations())
        .extracting(Violation::kind, Violation::code)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ViolationKind.INVALID_ENVELOPE, "event_id"),
            org.assertj.core.groups.Tuple.tuple(ViolationKind.INVALID_ENVELOPE, "producer_id"));
    assertThat(single(future).violations())
        .extracting(Violation::code)
        .containsExactly("event_time_in_future");
    assertThat(single(nearFuture).isValid()).isTrue();
  }

  @Test
  void refusesBytesThatAreNoEnvelope() {
    RecordResult result = validator.validate(new byte[] {0x0A, 0x7F, 0x01}, "pk", ARRIVAL);

    assertThat(result.events().get(0).violations())
        .extracting(Violation::kind, Violation::code)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ViolationKind.INVALID_ENVELOPE, "unparseable"));
  }

  @Test
  void splitsAnAggregateIntoItsSubRecords() {
    byte[] record =
        aggregate(
            Arrays.asList(
                event(click("a"), 1, 1, LOGGED).build(),
                event(screenView("home"), 1, 2, LOGGED).build(),
                event(Click.newBuilder().setScreenName("home").build(), 1, 3, LOGGED).build()));

    RecordResult result = validator.validate(record, "pk", ARRIVAL);

    assertThat(result.aggregated()).isTrue();
    assertThat(result.events())
        .extracting(ValidatedEvent::isValid)
        .containsExactly(true, true, false);
    assertThat(result.events().get(2).violations().get(0).path()).isEqualTo("element_id");
    assertThat(result.events().get(2).index()).isEqualTo(2);
  }

  @Test
  void tellsABadChecksumFromAMalformedAggregate() {
    byte[] record = aggregate(List.of(event(click("a"), 1, 1, LOGGED).build()));
    byte[] corrupt = record.clone();
    corrupt[corrupt.length - 1] ^= 1;
    byte[] truncated = Arrays.copyOf(record, KplRecords.MAGIC_LENGTH + 3);

    RecordResult badChecksum = validator.validate(corrupt, "pk", ARRIVAL);
    RecordResult malformed = validator.validate(truncated, "pk", ARRIVAL);

    assertThat(badChecksum.events()).isEmpty();
    assertThat(badChecksum.violations())
        .extracting(Violation::kind)
        .containsExactly(ViolationKind.BAD_CHECKSUM);
    assertThat(malformed.violations())
        .extracting(Violation::kind)
        .containsExactly(ViolationKind.MALFORMED_AGGREGATE);
  }

  @Test
  void findsSubRecordsOutsideTheirShardsHashKeyRange() {
    String key = "user-1";
    BigInteger hash = Validator.hashKey(key);
    HashKeyRange owning = HashKeyRange.of(hash, hash);
    HashKeyRange other = HashKeyRange.of(hash.add(BigInteger.ONE), hash.add(BigInteger.TEN));
    byte[] record = aggregate(List.of(event(click("a"), 1, 1, LOGGED).build()), List.of(key));

    assertThat(validator.validate(record, key, ARRIVAL, owning).isValid()).isTrue();
    assertThat(validator.validate(record, key, ARRIVAL, other).events().get(0).reason())
        .isEqualTo(ViolationKind.OUTSIDE_SHARD_RANGE);
  }

  @Test
  void marksEverySubRecordOfAnAggregateTheKclWouldDropWhole() {
    String inside = "user-1";
    String outside = "user-2";
    HashKeyRange range = HashKeyRange.of(Validator.hashKey(inside), Validator.hashKey(inside));
    byte[] record =
        aggregate(
            List.of(
                event(click("a"), 1, 1, LOGGED).build(), event(click("b"), 1, 2, LOGGED).build()),
            List.of(inside, outside));

    RecordResult result = validator.validate(record, inside, ARRIVAL, range);

    assertThat(result.events())
        .extracting(e -> e.violations().get(0).code())
        .containsExactly("in_misrouted_aggregate", "outside_shard_range");
    assertThat(result.events())
        .extracting(ValidatedEvent::reason)
        .containsOnly(ViolationKind.OUTSIDE_SHARD_RANGE);
  }

  @Test
  void checksEachSubRecordByItsOwnKeyWhenSubRecordsShareKeyTableEntries() {
    String inside = "user-1";
    BigInteger hash = Validator.hashKey(inside);
    HashKeyRange range = HashKeyRange.of(hash, hash);
    // Sub-records 0 and 2 share the inside key, 1 and 3 share the outside one, 4 has an explicit
    // hash key inside the range, 5 one outside it.
    AggregatedRecord.Builder aggregate =
        AggregatedRecord.newBuilder()
            .addPartitionKeyTable(inside)
            .addPartitionKeyTable("user-2")
            .addExplicitHashKeyTable(hash.toString())
            .addExplicitHashKeyTable(hash.add(BigInteger.ONE).toString());
    long[] keys = {0, 1, 0, 1, 1, 0};
    for (int i = 0; i < keys.length; i++) {
      Record.Builder sub =
          Record.newBuilder()
              .setPartitionKeyIndex(keys[i])
              .setData(event(click("e" + i), 1, i + 1, LOGGED).build().toByteString());
      if (i >= 4) {
        sub.setExplicitHashKeyIndex(i - 4);
      }
      aggregate.addRecords(sub);
    }

    RecordResult result =
        validator.validate(KplRecords.encode(aggregate.build()), inside, ARRIVAL, range);

    assertThat(result.events())
        .extracting(e -> e.violations().get(0).code())
        .containsExactly(
            "in_misrouted_aggregate",
            "outside_shard_range",
            "in_misrouted_aggregate",
            "outside_shard_range",
            "in_misrouted_aggregate",
            "outside_shard_range");
    assertThat(result.events().get(5).violations().get(0).message()).contains("(explicit)");
    assertThat(result.events().get(3).violations().get(0).message())
        .contains("(MD5 of partition key)");
  }

  @Test
  void correctsTheEventTimeForTheProducersClockSkew() {
    // The device clock is 3 hours behind: it logged at "12:29:00" and sent at "12:29:50".
    Instant deviceLogged = ARRIVAL.minus(Duration.ofHours(3)).minusSeconds(60);
    Envelope envelope =
        event(click("a"), 1, 1, deviceLogged)
            .setSentTimeUs(TestEvents.micros(deviceLogged.plusSeconds(50)))
            .build();

    ValidatedEvent event = single(envelope);

    assertThat(event.eventTime()).isEqualTo(deviceLogged);
    assertThat(event.correctedEventTime()).isEqualTo(ARRIVAL.minusSeconds(50));
    assertThat(event.lateness()).isEqualTo(Duration.ofSeconds(50));
  }

  @Test
  void masksPersonalFieldsOfTheSubRecordOnRequest() throws Exception {
    ValidatedEvent event = single(event(payment("order-123"), 1, 1, LOGGED).build());

    Envelope masked = Envelope.parseFrom(validator.maskedData(event));

    Payment payment = Payment.parseFrom(masked.getPayload());
    assertThat(payment.getUserId()).isEqualTo(Masking.MASK);
    assertThat(payment.getAmountMinor()).isZero();
    assertThat(payment.getOrderId()).isEqualTo("order-123");
  }

  @Test
  void failsFastOnMisuse() {
    assertThatThrownBy(() -> validator.validate(null, "pk", ARRIVAL))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Validator.builder(REGISTRY).clockSkewTolerance(Duration.ofSeconds(-1)))
        .hasMessageContaining("clockSkewTolerance must not be negative");
  }
}
