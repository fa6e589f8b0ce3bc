package dev.tideline.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import dev.tideline.events.v1.Payment;
import dev.tideline.proto.v1.CatalogEntry;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Content-addressed schema ids: the same schema gets the committed id on every machine and with
 * every protoc; only wire-relevant changes change it.
 */
class SchemaIdsTest {
  /** Golden ids of the standard events, committed as literals. */
  static final Map<String, Long> GOLDEN = new LinkedHashMap<>();

  static {
    GOLDEN.put("tideline.events.v1.ScreenView", 0x1ad23b83a4261d60L);
    GOLDEN.put("tideline.events.v1.Click", 0x2ae197dd2b8ee264L);
    GOLDEN.put("tideline.events.v1.Impression", 0xdafad9ae24b30821L);
    GOLDEN.put("tideline.events.v1.AppLifecycle", 0xe86598c8501f61e7L);
    GOLDEN.put("tideline.events.v1.Login", 0x6a2da179ae22b019L);
    GOLDEN.put("tideline.events.v1.Payment", 0x8f5cffffa6154e46L);
    GOLDEN.put("tideline.events.v1.ProducerAudit", 0xa19110b13e6961f1L);
  }

  static List<Protoc> protocs;
  static final Path FIXTURES = Paths.get("src/test/resources/ids");

  @BeforeAll
  static void findProtoc() throws Exception {
    protocs = Protoc.releases();
    assertThat(protocs).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void theStandardEventsGetTheirCommittedIdsFromEveryProtocRelease() throws Exception {
    Path protoDir = Paths.get(System.getProperty("tideline.proto.dir"));
    for (Protoc protoc : protocs) {
      FileDescriptorSet set =
          protoc.compile(
              protoDir,
              "tideline/events/v1/app.proto",
              "tideline/events/v1/server.proto",
              "tideline/events/v1/audit.proto");
      ProtoSchemas schemas = ProtoSchemas.of(set);
      for (Map.Entry<String, Long> golden : GOLDEN.entrySet()) {
        assertThat(schemas.schemaId(golden.getKey()))
            .as("%s with %s", golden.getKey(), protoc)
            .isEqualTo(golden.getValue());
      }
    }
  }

  @Test
  void compilingTheSameSchemaTwiceGivesTheSameId() throws Exception {
    Protoc protoc = protocs.get(0);
    long first = orderId(protoc, "same-base");
    long second = orderId(protoc, "same-base");
    assertThat(second).isEqualTo(first);
  }

  @Test
  void theCatalogOnTheClasspathCarriesTheGoldenIds() {
    SchemaRegistry registry = SchemaRegistry.fromClasspath();
    for (Map.Entry<String, Long> golden : GOLDEN.entrySet()) {
      assertThat(registry.latest(golden.getKey()))
          .as(golden.getKey())
          .hasValueSatisfying(e -> assertThat(e.getSchemaId()).isEqualTo(golden.getValue()));
    }
    CatalogEntry payment = registry.forClass(Payment.class);
    assertThat(payment.getSchemaId()).isEqualTo(0x8f5cffffa6154e46L);
  }

  @ParameterizedTest(name = "{0} keeps the id")
  @ValueSource(strings = {"same-comments-and-layout", "same-option-order-and-options"})
  void changesThatDoNotReachTheWireKeepTheId(String variant) throws Exception {
    for (Protoc protoc : protocs) {
      assertThat(orderId(protoc, variant)).as("%s", protoc).isEqualTo(orderId(protoc, "same-base"));
    }
  }

  @ParameterizedTest(name = "{0} changes the id")
  @ValueSource(
      strings = {
        "diff-field-renamed",
        "diff-field-number",
        "diff-field-type",
        "diff-field-label",
        "diff-field-into-oneof",
        "diff-json-name",
        "diff-enum-value-added",
        "diff-enum-value-renamed",
        "diff-nested-field-changed",
        "diff-package",
        "diff-field-added"
      })
  void everyWireRelevantChangeChangesTheId(String variant) throws Exception {
    Protoc protoc = protocs.get(0);
    assertThat(orderId(protoc, variant)).isNotEqualTo(orderId(protoc, "same-base"));
  }

  @Test
  void theCanonicalFormListsReferencedTypesByNameWithoutOptionsOrComments() throws Exception {
    FileDescriptorSet set = protocs.get(0).compile(FIXTURES.resolve("same-base"), "order.proto");
    assertThat(ProtoSchemas.of(set).canonicalForm("ids.v1.Order"))
        .isEqualTo(
            "message ids.v1.Order\n"
                + "  field 1 id optional string json=id\n"
                + "  field 2 amount_minor optional int64 json=amountMinor\n"
                + "  field 3 items repeated message ids.v1.Order.Item json=items\n"
                + "  field 4 status optional enum ids.v1.Status json=status\n"
                + "  field 5 user_id optional string oneof=payer json=userId\n"
                + "  field 6 guest_id optional string oneof=payer json=guestId\n"
                + "message ids.v1.Order.Item\n"
                + "  field 1 sku optional string json=sku\n"
                + "  field 2 quantity optional int32 json=quantity\n"
                + "enum ids.v1.Status\n"
                + "  value 0 STATUS_UNSPECIFIED\n"
                + "  value 1 OPEN\n"
                + "  value 2 CLOSED\n");
  }

  @Test
  void anIdForAMessageThatIsNotInTheSetIsRefused() throws Exception {
    FileDescriptorSet set = protocs.get(0).compile(FIXTURES.resolve("same-base"), "order.proto");
    assertThatThrownBy(() -> ProtoSchemas.of(set).schemaId("ids.v1.Missing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no message ids.v1.Missing in the descriptor set");
  }

  private static long orderId(Protoc protoc, String variant) throws Exception {
    FileDescriptorSet set = protoc.compile(FIXTURES.resolve(variant), "order.proto");
    String name = variant.equals("diff-package") ? "ids.v2.Order" : "ids.v1.Order";
    return ProtoSchemas.of(set).schemaId(name);
  }
}
