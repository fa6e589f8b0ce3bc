package dev.tideline.schema.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.schema.tools.EventCatalog;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code tideline-schema fingerprint}: the ids it prints for the standard events, compiled here by
 * protoc from the sources, are the ids schema-registry's build put in its bundled catalog.
 */
class FingerprintCommandTest {
  static final Path REGISTRY = Cli.repoRoot().resolve("schema-registry/src/main");

  @Test
  void printsTheIdsSchemaRegistrysBuildPutInItsCatalog() throws Exception {
    Cli cli =
        Cli.run(
            "fingerprint",
            "-s",
            REGISTRY.resolve("proto").toString(),
            "-s",
            REGISTRY.resolve("avro").toString(),
            "--format",
            "json");

    assertThat(cli.exit).as(cli.toString()).isZero();
    Map<String, String> printed = new TreeMap<>();
    for (JsonNode id : new ObjectMapper().readTree(cli.out)) {
      printed.put(id.get("type").asText(), id.get("schemaId").asText());
    }
    assertThat(printed).hasSize(9).isEqualTo(bundledLatestIds());
  }

  @Test
  void printsOneLinePerEventAsIdFormatAndType() {
    Cli cli =
        Cli.run(
            "fingerprint",
            "-s",
            REGISTRY.resolve("proto").toString(),
            "-s",
            REGISTRY.resolve("avro").toString(),
            "tideline.events.v1.Payment",
            "dev.tideline.events.avro.Payment");

    assertThat(cli.exit).as(cli.toString()).isZero();
    Map<String, String> bundled = bundledLatestIds();
    assertThat(cli.out)
        .isEqualTo(
            bundled.get("dev.tideline.events.avro.Payment")
                + "  avro      dev.tideline.events.avro.Payment\n"
                + bundled.get("tideline.events.v1.Payment")
                + "  protobuf  tideline.events.v1.Payment\n");
  }

  @Test
  void allAlsoPrintsMessagesThatAreNotEvents() {
    Cli cli = Cli.run("fingerprint", "--all", "-s", REGISTRY.resolve("proto").toString());

    assertThat(cli.out).contains("  protobuf  tideline.v1.Envelope\n");
  }

  @Test
  void anUnknownTypeIsAnError() {
    Cli cli = Cli.run("fingerprint", "-s", REGISTRY.resolve("proto").toString(), "no.Such");

    assertThat(cli.exit).isEqualTo(2);
    assertThat(cli.err).contains("no such schema: no.Such");
  }

  private static Map<String, String> bundledLatestIds() {
    try (InputStream in =
        FingerprintCommandTest.class
            .getClassLoader()
            .getResourceAsStream("META-INF/tideline/catalog.binpb")) {
      Map<String, String> ids = new TreeMap<>();
      Map<String, Integer> versions = new TreeMap<>();
      for (CatalogEntry entry : Catalog.parseFrom(in).getEntriesList()) {
        if (versions.getOrDefault(entry.getEventType(), 0) < entry.getVersion()) {
          versions.put(entry.getEventType(), entry.getVersion());
          ids.put(entry.getEventType(), EventCatalog.hex(entry.getSchemaId()));
        }
      }
      return ids;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
