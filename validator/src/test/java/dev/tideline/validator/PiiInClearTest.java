package dev.tideline.validator;

import static dev.tideline.validator.TestEvents.REGISTRY;
import static dev.tideline.validator.TestEvents.event;
import static dev.tideline.validator.TestEvents.payment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tideline.events.v1.Login;
import dev.tideline.events.v1.Payment;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.PiiClass;
import dev.tideline.schema.HashedPii;
import dev.tideline.validator.report.Reports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PiiInClearTest {
  private static final Instant ARRIVAL = Instant.parse("2026-11-25T15:30:00Z");
  private static final Instant LOGGED = ARRIVAL.minusSeconds(30);
  private static final String HASHED = HashedPii.format(new byte[32]);

  private final Validator identifiersAndMoney =
      Validator.builder(REGISTRY)
          .forbidClearPii(EnumSet.of(PiiClass.PII_IDENTIFIER, PiiClass.PII_FINANCIAL))
          .build();

  private static List<Violation> violations(Validator validator, Envelope envelope) {
    return validator.validate(envelope.toByteArray(), "pk", ARRIVAL).events().get(0).violations();
  }

  @Test
  void aForbiddenClassInClearTextIsAViolationNamingFieldAndClassButNotTheValue() {
    List<Violation> found =
        violations(identifiersAndMoney, event(payment("order-123"), 1, 1, LOGGED).build());

    assertThat(found)
        .extracting(Violation::kind, Violation::code, Violation::path)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                ViolationKind.PII_IN_CLEAR, "pii_identifier", "user_id"),
            org.assertj.core.groups.Tuple.tuple(
                ViolationKind.PII_IN_CLEAR, "pii_financial", "amount_minor"));
    assertThat(found).allSatisfy(v -> assertThat(v.sensitive()).isTrue());
    assertThat(found).extracting(Violation::actual).containsOnlyNulls();
    assertThat(found.toString()).doesNotContain("user-42", "1999");
    assertThat(found.get(0).message()).contains("in clear text");
  }

  @Test
  void hashedDroppedAndEmptyValuesAreNoViolation() {
    Payment hashed = payment("order-123").toBuilder().setUserId(HASHED).clearAmountMinor().build();
    Payment empty = payment("order-123").toBuilder().clearUserId().clearAmountMinor().build();
    Login login = Login.newBuilder().setUserId(HASHED).setMethod(Login.Method.PASSWORD).build();

    assertThat(violations(identifiersAndMoney, event(hashed, 1, 1, LOGGED).build())).isEmpty();
    assertThat(violations(identifiersAndMoney, event(empty, 1, 2, LOGGED).build())).isEmpty();
    assertThat(violations(identifiersAndMoney, event(login, 1, 3, LOGGED).build())).isEmpty();
  }

  @Test
  void rulesOfTheClearValueDoNotJudgeItsHashOnEitherPath() {
    // user_id has max_len 64; its hashed form has 76 characters.
    Envelope hashed =
        event(payment("order-123").toBuilder().setUserId(HASHED).build(), 1, 1, LOGGED).build();
    Envelope tooLong =
        event(
                payment("order-123").toBuilder().setUserId(HASHED.replace(':', '-')).build(),
                1,
                2,
                LOGGED)
            .build();

    for (Validator validator :
        Arrays.asList(
            Validator.builder(REGISTRY).build(),
            Validator.builder(REGISTRY).fromWire(false).build())) {
      assertThat(violations(validator, hashed)).isEmpty();
      assertThat(violations(validator, tooLong))
          .extracting(Violation::code)
          .containsExactly("max_len");
    }
  }

  @Test
  void aValueThatOnlyLooksHashedIsStillInClear() {
    Payment almost =
        payment("order-123").toBuilder()
            .setUserId(HashedPii.PREFIX + "alice@example.com")
            .clearAmountMinor()
            .build();

    assertThat(violations(identifiersAndMoney, event(almost, 1, 1, LOGGED).build()))
        .extracting(Violation::code)
        .containsExactly("pii_identifier");
  }

  @Test
  void classesNotForbiddenAndTheDefaultValidatorLetClearTextPass() {
    Validator contactOnly =
        Validator.builder(REGISTRY).forbidClearPii(EnumSet.of(PiiClass.PII_CONTACT)).build();
    Envelope envelope = event(payment("order-123"), 1, 1, LOGGED).build();

    assertThat(violations(contactOnly, envelope)).isEmpty();
    assertThat(violations(Validator.builder(REGISTRY).build(), envelope)).isEmpty();
    assertThat(Validator.builder(REGISTRY).build().forbiddenClearPii()).isEmpty();
  }

  @Test
  void checksAvroEventsToo() {
    GenericRecord login =
        new GenericData.Record(TestEvents.avroSchema("dev.tideline.events.avro.Login"));
    login.put("user_id", "u-1");
    login.put(
        "method",
        new GenericData.EnumSymbol(login.getSchema().getField("method").schema(), "PASSWORD"));
    login.put("success", true);
    login.put("mfa_used", false);
    Envelope clear =
        TestEvents.avroEvent("dev.tideline.events.avro.Login", login, 1, 1, LOGGED).build();
    login.put("user_id", HASHED);
    Envelope hashed =
        TestEvents.avroEvent("dev.tideline.events.avro.Login", login, 1, 2, LOGGED).build();

    assertThat(violations(identifiersAndMoney, clear))
        .extracting(Violation::kind, Violation::path)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ViolationKind.PII_IN_CLEAR, "user_id"));
    assertThat(violations(identifiersAndMoney, hashed)).isEmpty();
  }

  @Test
  void theReportsAndTheQuarantineNeverShowTheClearValueEvenWhenAskedToShowPii(@TempDir Path dir)
      throws Exception {
    Payment payment =
        payment("order-123").toBuilder().setUserId("alice-4711").setAmountMinor(31337).build();
    byte[] data = event(payment, 1, 1, LOGGED).build().toByteArray();
    RecordResult result = identifiersAndMoney.validate(data, "pk", ARRIVAL);
    Tally tally = Tally.create();
    tally.add(result);
    Path quarantine = dir.resolve("quarantine.jsonl");
    try (Quarantine out = Quarantine.open(quarantine, identifiersAndMoney, false)) {
      out.add(result, "shardId-000000000000", "1");
    }

    String json = Reports.json(tally.report("test", false));
    String shown = Reports.json(tally.report("test", true));
    assertThat(json).contains("pii_in_clear").doesNotContain("alice-4711", "31337");
    assertThat(shown).contains("pii_in_clear").doesNotContain("alice-4711", "31337");
    assertThat(Reports.console(tally.report("test", false))).doesNotContain("alice-4711");
    assertThat(new String(Files.readAllBytes(quarantine), "UTF-8"))
        .contains("pii_in_clear")
        .doesNotContain("alice-4711");
  }

  @Test
  void theBuilderRefusesClassesThatAreNotPersonal() {
    assertThatThrownBy(
            () ->
                Validator.builder(REGISTRY)
                    .forbidClearPii(Arrays.asList(PiiClass.PII_CONTACT, PiiClass.PII_NONE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was PII_NONE");
    assertThatThrownBy(
            () -> Validator.builder(REGISTRY).forbidClearPii(Collections.singleton(null)))
        .isInstanceOf(NullPointerException.class);
  }
}
