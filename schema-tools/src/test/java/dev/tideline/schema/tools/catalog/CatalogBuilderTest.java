package dev.tideline.schema.tools.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.FieldSpec;
import dev.tideline.proto.v1.PiiClass;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.SchemaRegistry;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog step, on schema-registry's standard events and on schemas made up here. */
class CatalogBuilderTest {
  static final byte[] DESCRIPTORS = StandardEvents.descriptorSet();
  static final File AVRO = StandardEvents.AVRO.toFile();

  @TempDir Path temp;

  @Test
  void everyMessageMarkedAsAnEventBecomesAnEntryWithItsGeneratedClass() throws Exception {
    Catalog catalog = CatalogBuilder.create().addDescriptorSet(DESCRIPTORS).build();

    assertThat(catalog.getEntriesList())
        .extracting(CatalogEntry::getEventType)
        .containsExactly(
            "tideline.events.v1.AppLifecycle",
            "tideline.events.v1.Click",
            "tideline.events.v1.Impression",
            "tideline.events.v1.Login",
            "tideline.events.v1.Payment",
            "tideline.events.v1.ProducerAudit",
            "tideline.events.v1.ScreenView");
    for (CatalogEntry entry : catalog.getEntriesList()) {
      assertThat(Class.forName(entry.getJavaClass()).getName()).isEqualTo(entry.getJavaClass());
      assertThat(entry.getFormat()).isEqualTo(SchemaFormat.PROTOBUF);
      assertThat(entry.getVersion()).isEqualTo(1);
      assertThat(entry.getReleased()).isFalse();
    }
  }

  @Test
  void aProtobufEntryCarriesMetadataRulesPiiAndItsDescriptors() throws Exception {
    CatalogEntry payment =
        entry(
            CatalogBuilder.create().addDescriptorSet(DESCRIPTORS).build(),
            "tideline.events.v1.Payment");

    assertThat(payment.getMeta().getOwner()).isEqualTo("payments");
    assertThat(payment.getMeta().getNoCardNumbers()).isTrue();
    assertThat(field(payment, "order_id").getRules().getPattern())
        .isEqualTo("^[A-Za-z0-9_-]{6,64}$");
    assertThat(field(payment, "currency").getRules().getRequired()).isTrue();
    assertThat(field(payment, "amount_minor").getMeta().getPii()).isEqualTo(PiiClass.PII_FINANCIAL);
    assertThat(field(payment, "status").getType())
        .isEqualTo("enum tideline.events.v1.Payment.Status");
    assertThat(
            com.google.protobuf.DescriptorProtos.FileDescriptorSet.parseFrom(
                    payment.getDescriptorSet())
                .getFileList())
        .extracting(FileDescriptorProto::getName)
        .containsExactly(
            "google/protobuf/descriptor.proto",
            "tideline/v1/options.proto",
            "tideline/events/v1/server.proto")
        .as("no source info")
        .isNotEmpty();
  }

  @Test
  void nestedAndMapFieldsAreFlattenedWithPaths() throws Exception {
    CatalogEntry audit =
        entry(
            CatalogBuilder.create().addDescriptorSet(DESCRIPTORS).build(),
            "tideline.events.v1.ProducerAudit");
    assertThat(audit.getFieldsList())
        .extracting(FieldSpec::getPath)
        .contains("counts", "counts[].event_type", "counts[].dropped");
    assertThat(field(audit, "counts[].dropped").getType()).isEqualTo("map<string, uint64>");
    assertThat(field(audit, "counts[].dropped").getRepeated()).isFalse();
    assertThat(field(audit, "counts").getRepeated()).isTrue();
  }

  @Test
  void anAvroEntryIsIdentifiedByTheRabinFingerprintOfItsCanonicalForm() throws Exception {
    String json =
        new String(
            Files.readAllBytes(AVRO.toPath().resolve("Payment.avsc")), StandardCharsets.UTF_8);
    CatalogEntry payment = CatalogBuilder.create().addAvroSchema(json).build().getEntries(0);

    assertThat(payment.getEventType()).isEqualTo("dev.tideline.events.avro.Payment");
    assertThat(payment.getSchemaId())
        .isEqualTo(SchemaNormalization.parsingFingerprint64(new Schema.Parser().parse(json)))
        .isEqualTo(0xed39f92c72ad7df4L);
    assertThat(payment.getMeta().getNoCardNumbers()).isTrue();
    assertThat(field(payment, "currency").getRules().getPattern()).isEqualTo("^[A-Z]{3}$");
    assertThat(field(payment, "user_id").getMeta().getPii()).isEqualTo(PiiClass.PII_IDENTIFIER);
    assertThat(field(payment, "user_id").getType()).isEqualTo("union<null, string>");
  }

  @Test
  void anUnknownAvroRuleIsRefusedNamingTheFieldAndTheKnownRules() {
    String json =
        "{\"type\":\"record\",\"name\":\"E\",\"namespace\":\"x\",\"fields\":[{\"name\":\"a\","
            + "\"type\":\"string\",\"tideline.rules\":{\"maxlen\":3}}]}";
    assertThatThrownBy(() -> CatalogBuilder.create().addAvroSchema(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "x.E.a tideline.rules: unknown rule 'maxlen' (known: required, min, max, pattern, in,"
                + " min_len, max_len, min_items, max_items)");
  }

  @Test
  void aReleaseRecordsNewVersionsAndAChangedSchemaBecomesTheNextVersion() throws Exception {
    File history = temp.resolve("history").toFile();
    String v1 =
        new String(Files.readAllBytes(AVRO.toPath().resolve("Login.avsc")), StandardCharsets.UTF_8);
    List<CatalogEntry> recorded =
        CatalogBuilder.create().addAvroSchema(v1).history(history).record(history);
    assertThat(recorded).singleElement().satisfies(e -> assertThat(e.getReleased()).isTrue());
    assertThat(new File(history, "dev.tideline.events.avro.Login").list())
        .containsExactly("v1-bcd69083f35f9c8f.binpb");

    String v2 =
        v1.replace(
            "{\"name\": \"mfa_used\"",
            "{\"name\": \"country\", \"type\": [\"null\", \"string\"], \"default\": null},\n"
                + "    {\"name\": \"mfa_used\"");
    Catalog catalog = CatalogBuilder.create().addAvroSchema(v2).history(history).build();

    assertThat(catalog.getEntriesList())
        .extracting(CatalogEntry::getVersion, CatalogEntry::getReleased)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, true),
            org.assertj.core.groups.Tuple.tuple(2, false));
    SchemaRegistry registry = SchemaRegistry.of(catalog);
    assertThat(registry.byId(0xbcd69083f35f9c8fL).getVersion())
        .as("the old version still resolves")
        .isEqualTo(1);
    assertThat(registry.latest("dev.tideline.events.avro.Login").get().getVersion()).isEqualTo(2);
    assertThat(registry.versions("dev.tideline.events.avro.Login")).hasSize(2);
  }

  @Test
  void metadataOfTheCurrentSchemaAppliesToTheReleasedVersionWithTheSameId() throws Exception {
    File history = temp.resolve("history").toFile();
    String v1 =
        new String(Files.readAllBytes(AVRO.toPath().resolve("Login.avsc")), StandardCharsets.UTF_8);
    CatalogBuilder.create().addAvroSchema(v1).record(history);

    String newOwner = v1.replace("\"tideline.owner\": \"identity\"", "\"tideline.owner\": \"iam\"");
    Catalog catalog = CatalogBuilder.create().addAvroSchema(newOwner).history(history).build();

    assertThat(catalog.getEntriesList())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getVersion()).isEqualTo(1);
              assertThat(e.getReleased()).isTrue();
              assertThat(e.getMeta().getOwner()).isEqualTo("iam");
            });
  }

  @Test
  void aCorruptHistoryEntryIsReportedByFile() throws Exception {
    Path folder = temp.resolve("history/x.E");
    Files.createDirectories(folder);
    Files.write(folder.resolve("v1-0000000000000001.binpb"), new byte[] {(byte) 0xFF});
    assertThatThrownBy(() -> CatalogBuilder.create().history(temp.resolve("history").toFile()))
        .hasMessageContaining("v1-0000000000000001.binpb is corrupt");
  }

  @Test
  void javaClassNamesFollowProtocsRules() {
    FileDescriptorProto multiple =
        FileDescriptorProto.newBuilder()
            .setName("a/b/shop_events.proto")
            .setPackage("shop.v1")
            .setOptions(
                FileOptions.newBuilder().setJavaPackage("com.shop").setJavaMultipleFiles(true))
            .build();
    FileDescriptorProto single =
        multiple.toBuilder()
            .setOptions(FileOptions.newBuilder().setJavaPackage("com.shop"))
            .build();

    assertThat(CatalogBuilder.javaClassName(multiple, "shop.v1.Order.Line"))
        .isEqualTo("com.shop.Order$Line");
    assertThat(CatalogBuilder.javaClassName(single, "shop.v1.Order"))
        .isEqualTo("com.shop.ShopEvents$Order");
  }

  private static CatalogEntry entry(Catalog catalog, String type) {
    return catalog.getEntriesList().stream()
        .filter(e -> e.getEventType().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " in " + types(catalog)));
  }

  private static String types(Catalog catalog) {
    return catalog.getEntriesList().stream()
        .map(CatalogEntry::getEventType)
        .collect(Collectors.joining(", "));
  }

  private static FieldSpec field(CatalogEntry entry, String path) {
    return entry.getFieldsList().stream()
        .filter(f -> f.getPath().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no field " + path + " in " + entry.getEventType()));
  }
}
