package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.FieldRules;
import dev.tideline.proto.v1.FieldSpec;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.validator.cli.TidelineValidate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Users' own event catalogs, in folders or jars, are validated with the full protobuf runtime. */
class UserCatalogTest {
  private static final long CHECKOUT_ID = 0x5eed_0000_0000_0001L;
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");

  @TempDir Path dir;

  private static FileDescriptorProto checkoutFile() {
    return FileDescriptorProto.newBuilder()
        .setName("acme/events/checkout.proto")
        .setPackage("acme.events")
        .setSyntax("proto3")
        .addMessageType(
            DescriptorProto.newBuilder()
                .setName("Checkout")
                .addField(
                    FieldDescriptorProto.newBuilder()
                        .setName("cart_id")
                        .setNumber(1)
                        .setType(FieldDescriptorProto.Type.TYPE_STRING)
                        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL))
                .addField(
                    FieldDescriptorProto.newBuilder()
                        .setName("items")
                        .setNumber(2)
                        .setType(FieldDescriptorProto.Type.TYPE_INT32)
                        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)))
        .build();
  }

  private static Catalog catalog() {
    return Catalog.newBuilder()
        .addEntries(
            CatalogEntry.newBuilder()
                .setEventType("acme.events.Checkout")
                .setFormat(SchemaFormat.PROTOBUF)
                .setSchemaId(CHECKOUT_ID)
                .setVersion(1)
                .setReleased(true)
                .setDescriptorSet(
                    FileDescriptorSet.newBuilder().addFile(checkoutFile()).build().toByteString())
                .addFields(
                    FieldSpec.newBuilder()
                        .setPath("cart_id")
                        .setType("string")
                        .setRules(FieldRules.newBuilder().setRequired(true)))
                .addFields(
                    FieldSpec.newBuilder()
                        .setPath("items")
                        .setType("int32")
                        .setRules(FieldRules.newBuilder().setMin(1).setMax(100))))
        .build();
  }

  private static Envelope checkout(long sequence, String cartId, int items) throws Exception {
    Descriptor type =
        FileDescriptor.buildFrom(checkoutFile(), new FileDescriptor[0])
            .findMessageTypeByName("Checkout");
    DynamicMessage.Builder payload = DynamicMessage.newBuilder(type);
    if (cartId != null) {
      payload.setField(type.findFieldByName("cart_id"), cartId);
    }
    payload.setField(type.findFieldByName("items"), items);
    return TestEvents.event(TestEvents.click("x"), 21, sequence, T.minusSeconds(3))
        .setEventType("acme.events.Checkout")
        .setSchemaId(CHECKOUT_ID)
        .setPayload(payload.build().toByteString())
        .build();
  }

  private Path recordFile() throws Exception {
    Path file = dir.resolve("checkout.tlrf");
    Files.write(
        file,
        RecordFilesTest.recordFile(
            List.of(
                new PlantedScenario.Planted(checkout(1, "cart-1", 3).toByteArray(), "c", null),
                new PlantedScenario.Planted(checkout(2, null, 0).toByteArray(), "c", null)),
            T));
    return file;
  }

  private JsonNode validate(String... args) throws Exception {
    Path report = dir.resolve("report-" + System.nanoTime() + ".json");
    CommandLine cli = TidelineValidate.commandLine(new TidelineValidate());
    cli.setOut(new PrintWriter(new StringWriter()));
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 3];
    all[0] = "files";
    all[1] = "--report=" + report;
    all[2] = "--quiet";
    System.arraycopy(args, 0, all, 3, args.length);
    assertThat(cli.execute(all)).as(err.toString()).isZero();
    return new ObjectMapper().readTree(report.toFile());
  }

  @Test
  void validatesEventsOfACatalogInAFolder() throws Exception {
    Path folder = dir.resolve("schemas");
    Path resource = folder.resolve(SchemaRegistry.CATALOG_RESOURCE);
    Files.createDirectories(resource.getParent());
    Files.write(resource, catalog().toByteArray());

    JsonNode report = validate("--schemas=" + folder, recordFile().toString());

    assertThat(report.at("/totals/valid").asLong()).isEqualTo(1);
    assertThat(report.at("/totals/invalid_by_reason/rule_violation").asLong()).isEqualTo(1);
    assertThat(report.at("/violations"))
        .extracting(v -> v.get("code").asText() + " " + v.get("path").asText())
        .containsExactly("required cart_id", "min items");
  }

  @Test
  void validatesEventsOfACatalogInAJarBesideTheStandardEvents() throws Exception {
    Path jar = dir.resolve("acme-events.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry(SchemaRegistry.CATALOG_RESOURCE));
      out.write(catalog().toByteArray());
      out.closeEntry();
    }
    Path file = recordFile();
    Path withClick = dir.resolve("click.tlrf");
    Files.write(
        withClick,
        RecordFilesTest.recordFile(
            List.of(
                new PlantedScenario.Planted(
                    TestEvents.event(TestEvents.click("a"), 22, 1, T).build().toByteArray(),
                    "k",
                    null)),
            T));

    JsonNode report = validate("--schemas=" + jar, file.toString(), withClick.toString());

    assertThat(report.at("/totals/valid").asLong()).isEqualTo(2);
    assertThat(report.at("/totals/invalid").asLong()).isEqualTo(1);
  }

  @Test
  void withoutTheUsersCatalogTheirEventsHaveAnUnknownSchema() throws Exception {
    JsonNode report = validate(recordFile().toString());

    assertThat(report.at("/totals/invalid_by_reason/unknown_schema").asLong()).isEqualTo(2);
  }

  @Test
  void refusesASchemasFolderWithoutACatalog() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    CommandLine cli = TidelineValidate.commandLine(new TidelineValidate());
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    Files.write(dir.resolve("x.tlrf"), new byte[0]);

    int exit =
        cli.execute("files", "--schemas=" + dir.resolve("empty"), dir.resolve("x.tlrf").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("holds no META-INF/tideline/catalog.binpb");
  }
}
