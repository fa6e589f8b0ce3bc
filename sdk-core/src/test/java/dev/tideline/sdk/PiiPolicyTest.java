package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import dev.tideline.events.v1.Click;
import dev.tideline.events.v1.Login;
import dev.tideline.events.v1.Payment;
import dev.tideline.events.v1.ProducerAudit;
import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.FieldMeta;
import dev.tideline.proto.v1.FieldSpec;
import dev.tideline.proto.v1.PiiClass;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.PiiPolicy.Action;
import dev.tideline.sdk.sink.InMemorySink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PiiPolicyTest {
  /** Names each envelope's event type from its schema id. */
  private static final SchemaRegistry EVENT_TYPES = SchemaRegistry.fromClasspath();

  private static final SchemaRegistry CATALOG = SchemaRegistry.fromClasspath();
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER_KEY =
      "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);

  private final Harness harness = new Harness();

  private static PiiPolicy hashIdentifiersDropFinancial(byte[] key) {
    return PiiPolicy.builder()
        .hashKey(key)
        .action(PiiClass.PII_IDENTIFIER, Action.HASH)
        .action(PiiClass.PII_FINANCIAL, Action.DROP)
        .build();
  }

  /** The HMAC-SHA256 of a value, computed here with the JDK alone. */
  private static String expectedHash(byte[] key, String value) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    StringBuilder hex = new StringBuilder("hmac-sha256:");
    for (byte b : mac.doFinal(value.getBytes(StandardCharsets.UTF_8))) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }

  private static Payment payment(String userId) {
    return Harness.payment(1).toBuilder().setUserId(userId).build();
  }

  private List<Envelope> send(Tracker tracker, Object... events) {
    for (Object event : events) {
      assertThat(tracker.log(event)).isEqualTo(LogOutcome.ACCEPTED);
    }
    tracker.flush();
    harness.scheduler.runDue();
    return harness.sink.storedEnvelopes();
  }

  private static boolean contains(byte[] haystack, String needle) {
    return new String(haystack, StandardCharsets.ISO_8859_1)
        .contains(new String(needle.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
  }

  @Test
  void hashesIdentifiersAndDropsFinancialValuesBeforeTheEventLeavesTheProcess() throws Exception {
    Tracker tracker =
        harness.start(
            harness.builder().registry(CATALOG).piiPolicy(hashIdentifiersDropFinancial(KEY)));

    List<Envelope> sent = send(tracker, payment("user-4711"));

    Payment arrived = Payment.parseFrom(sent.get(0).getPayload());
    assertThat(arrived.getUserId()).isEqualTo(expectedHash(KEY, "user-4711"));
    assertThat(arrived.getAmountMinor()).isZero();
    assertThat(arrived.toBuilder().clearUserId().setAmountMinor(101).build())
        .isEqualTo(payment("user-4711").toBuilder().clearUserId().build());
    for (InMemorySink.StoredRecord stored : harness.sink.storedRecords()) {
      assertThat(contains(stored.record().data(), "user-4711")).isFalse();
    }
    assertThat(tracker.metrics().piiValuesHashed()).isEqualTo(1);
    assertThat(tracker.metrics().piiValuesDropped()).isEqualTo(1);
  }

  @Test
  void theSameKeyGivesTheSameHashInEveryTrackerAndAnotherKeyAnother() throws Exception {
    Tracker first =
        harness.start(
            harness.builder().registry(CATALOG).piiPolicy(hashIdentifiersDropFinancial(KEY)));
    Tracker second =
        harness.start(
            harness.builder().registry(CATALOG).piiPolicy(hashIdentifiersDropFinancial(KEY)));
    Tracker otherKey =
        harness.start(
            harness.builder().registry(CATALOG).piiPolicy(hashIdentifiersDropFinancial(OTHER_KEY)));

    first.log(Login.newBuilder().setUserId("user-4711").setMethod(Login.Method.PASSWORD).build());
    second.log(payment("user-4711"));
    otherKey.log(payment("user-4711"));
    first.flush();
    second.flush();
    otherKey.flush();
    harness.scheduler.runDue();

    List<String> userIds = new ArrayList<>();
    for (Envelope envelope : harness.sink.storedEnvelopes()) {
      userIds.add(
          EVENT_TYPES.eventType(envelope).endsWith("Login")
              ? Login.parseFrom(envelope.getPayload()).getUserId()
              : Payment.parseFrom(envelope.getPayload()).getUserId());
    }
    assertThat(userIds)
        .containsExactlyInAnyOrder(
            expectedHash(KEY, "user-4711"),
            expectedHash(KEY, "user-4711"),
            expectedHash(OTHER_KEY, "user-4711"));
  }

  @Test
  void hashOfAFieldThatIsNotAStringDropsIt() throws Exception {
    PiiPolicy policy =
        PiiPolicy.builder().hashKey(KEY).action(PiiClass.PII_FINANCIAL, Action.HASH).build();
    Tracker tracker = harness.start(harness.builder().registry(CATALOG).piiPolicy(policy));

    Payment arrived = Payment.parseFrom(send(tracker, payment("user-4711")).get(0).getPayload());

    assertThat(arrived.getAmountMinor()).isZero();
    assertThat(arrived.getUserId()).isEqualTo("user-4711");
    assertThat(tracker.metrics().piiValuesDropped()).isEqualTo(1);
  }

  @Test
  void aValueAlreadyHashedAndAnEmptyValueAreLeftAsTheyAre() throws Exception {
    Tracker tracker =
        harness.start(
            harness.builder().registry(CATALOG).piiPolicy(hashIdentifiersDropFinancial(KEY)));
    String hashed = expectedHash(OTHER_KEY, "user-4711");

    List<Envelope> sent = send(tracker, payment(hashed), payment(""));

    assertThat(Payment.parseFrom(sent.get(0).getPayload()).getUserId()).isEqualTo(hashed);
    assertThat(Payment.parseFrom(sent.get(1).getPayload()).getUserId()).isEmpty();
    assertThat(tracker.metrics().piiValuesHashed()).isZero();
  }

  @Test
  void keepAllIsTheDefaultAndSendsEveryValueAsLogged() throws Exception {
    Tracker tracker = harness.start(harness.builder().registry(CATALOG));

    List<Envelope> sent = send(tracker, payment("user-4711"));

    assertThat(Payment.parseFrom(sent.get(0).getPayload())).isEqualTo(payment("user-4711"));
    assertThat(PiiPlan.compile(CATALOG.forClass(Payment.class), PiiPolicy.keepAll())).isNull();
  }

  @Test
  void typesWithoutAFieldThePolicyChangesGetNoPlan() {
    PiiPolicy policy = hashIdentifiersDropFinancial(KEY);

    assertThat(PiiPlan.compile(CATALOG.forClass(Click.class), policy)).isNull();
    assertThat(PiiPlan.compile(CATALOG.forClass(Payment.class), policy)).isNotNull();
    assertThat(
            PiiPlan.compile(
                CATALOG.forClass(Payment.class),
                PiiPolicy.builder().action(PiiClass.PII_SENSITIVE, Action.DROP).build()))
        .isNull();
  }

  /** The catalog's ProducerAudit, with personal classes tagged on nested and repeated fields. */
  private static SchemaRegistry auditWithPersonalFields() {
    CatalogEntry.Builder entry = CATALOG.forClass(ProducerAudit.class).toBuilder();
    for (int i = 0; i < entry.getFieldsCount(); i++) {
      FieldSpec field = entry.getFields(i);
      PiiClass pii =
          field.getPath().equals("counts[].event_type")
              ? PiiClass.PII_CONTACT
              : field.getPath().equals("counts[].dropped")
                  ? PiiClass.PII_LOCATION
                  : field.getPath().equals("first_sequence") ? PiiClass.PII_SENSITIVE : null;
      if (pii != null) {
        entry.setFields(i, field.toBuilder().setMeta(FieldMeta.newBuilder().setPii(pii)));
      }
    }
    return SchemaRegistry.of(Catalog.newBuilder().addEntries(entry).build());
  }

  @Test
  void reachesFieldsOfNestedRepeatedMessagesAndKeepsTheirOtherFields() throws Exception {
    PiiPolicy policy =
        PiiPolicy.builder()
            .hashKey(KEY)
            .action(PiiClass.PII_CONTACT, Action.HASH)
            .action(PiiClass.PII_LOCATION, Action.DROP)
            .action(PiiClass.PII_SENSITIVE, Action.DROP)
            .build();
    Tracker tracker =
        harness.start(harness.builder().registry(auditWithPersonalFields()).piiPolicy(policy));
    ProducerAudit audit =
        ProducerAudit.newBuilder()
            .setPeriodStartUs(1)
            .setPeriodEndUs(2)
            .setFirstSequence(3)
            .setLastSequence(4)
            .addCounts(
                ProducerAudit.TypeCounts.newBuilder()
                    .setEventType("alice@example.com")
                    .setAccepted(5)
                    .putDropped("Berlin", 1))
            .addCounts(
                ProducerAudit.TypeCounts.newBuilder()
                    .setEventType("bob@example.com")
                    .setSent(6)
                    .putDropped("Paris", 2)
                    .putDropped("Rome", 3))
            .build();

    ProducerAudit arrived = ProducerAudit.parseFrom(send(tracker, audit).get(0).getPayload());

    assertThat(arrived)
        .isEqualTo(
            ProducerAudit.newBuilder()
                .setPeriodStartUs(1)
                .setPeriodEndUs(2)
                .setLastSequence(4)
                .addCounts(
                    ProducerAudit.TypeCounts.newBuilder()
                        .setEventType(expectedHash(KEY, "alice@example.com"))
                        .setAccepted(5))
                .addCounts(
                    ProducerAudit.TypeCounts.newBuilder()
                        .setEventType(expectedHash(KEY, "bob@example.com"))
                        .setSent(6))
                .build());
    assertThat(tracker.metrics().piiValuesHashed()).isEqualTo(2);
    assertThat(tracker.metrics().piiValuesDropped()).isEqualTo(4); // 3 map entries, 1 sequence
  }

  @Test
  void reachesEveryLevelOfARecursiveType() throws Exception {
    // message Node { string email = 1 [pii: CONTACT]; Node child = 2; }, flattened as the catalog
    // does: the recursion is listed once.
    CatalogEntry entry =
        CatalogEntry.newBuilder()
            .setEventType("test.Node")
            .setFormat(SchemaFormat.PROTOBUF)
            .addFields(
                FieldSpec.newBuilder()
                    .setPath("email")
                    .setNumber(1)
                    .setType("string")
                    .setMeta(FieldMeta.newBuilder().setPii(PiiClass.PII_CONTACT)))
            .addFields(
                FieldSpec.newBuilder().setPath("child").setNumber(2).setType("message test.Node"))
            .build();
    PiiPlan plan =
        PiiPlan.compile(
            entry, PiiPolicy.builder().action(PiiClass.PII_CONTACT, Action.DROP).build());
    byte[] deepest = node("c@example.com", null);
    byte[] tree = node("a@example.com", node("b@example.com", deepest));

    PiiPlan.Counts counts = new PiiPlan.Counts();
    byte[] rewritten = plan.apply(tree, counts);

    assertThat(rewritten).isEqualTo(node(null, node(null, node(null, null))));
    assertThat(counts.dropped).isEqualTo(3);
  }

  private static byte[] node(String email, byte[] child) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    if (email != null) {
      out.writeString(1, email);
    }
    if (child != null) {
      out.writeByteArray(2, child);
    }
    out.flush();
    return bytes.toByteArray();
  }

  @Test
  void refusesAnAvroEventWhoseFieldsThePolicyWouldChangeRatherThanSendThemInClear() {
    CatalogEntry avroPayment = CATALOG.latest("dev.tideline.events.avro.Payment").get();
    EventEncoder<StringBuilder> avro =
        new EventEncoder<StringBuilder>() {
          @Override
          public Class<StringBuilder> eventClass() {
            return StringBuilder.class;
          }

          @Override
          public CatalogEntry schema(StringBuilder event, SchemaRegistry registry) {
            return avroPayment;
          }

          @Override
          public byte[] encode(StringBuilder event) {
            return new byte[] {2, 4};
          }
        };
    Tracker tracker =
        harness.start(
            harness
                .builder()
                .registry(CATALOG)
                .encoder(avro)
                .piiPolicy(hashIdentifiersDropFinancial(KEY)));

    assertThat(tracker.log(new StringBuilder())).isEqualTo(LogOutcome.ENCODING_FAILED);
    assertThat(harness.listener.rejections)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("dev.tideline.events.avro.Payment", "PII policy", "AVRO", "clear text");
  }

  @Test
  void theBuilderRefusesAHashWithoutAKeyAShortKeyAndClassesThatAreNotPersonal() {
    assertThatThrownBy(() -> PiiPolicy.builder().action(PiiClass.PII_CONTACT, Action.HASH).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HASH needs a key");
    assertThatThrownBy(() -> PiiPolicy.builder().hashKey(new byte[8]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hashKey must be at least 16 bytes")
        .hasMessageContaining("was 8 bytes");
    assertThatThrownBy(() -> PiiPolicy.builder().action(PiiClass.PII_NONE, Action.DROP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was PII_NONE");
    assertThatThrownBy(() -> harness.builder().piiPolicy(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("piiPolicy");
    assertThat(hashIdentifiersDropFinancial(KEY).toString())
        .doesNotContain(new String(KEY, StandardCharsets.UTF_8));
  }
}
