package dev.tideline.schema.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.v1.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tideline-schema catalog}: the catalog step, compiled from sources here. */
class CatalogCommandTest {
  @Test
  void buildsTheCatalogAndRecordsNewVersionsInTheHistory(@TempDir Path dir) throws Exception {
    Path schemas = dir.resolve("schemas");
    Cli.write(
        schemas.resolve("shop/v1/order.proto"),
        "syntax = \"proto3\";\npackage shop.v1;\nimport \"tideline/v1/options.proto\";\n"
            + "message Order {\n  option (tideline.v1.event) = { owner: \"shop\" };\n"
            + "  string order_id = 1;\n}\n");
    Cli.write(
        schemas.resolve("refund.avsc"),
        "{\"type\": \"record\", \"name\": \"Refund\", \"namespace\": \"shop\", \"fields\": []}");
    Path history = dir.resolve("history");
    Path out = dir.resolve("out/catalog.binpb");

    Cli cli =
        Cli.run(
            "catalog",
            "-s",
            schemas.toString(),
            "--history",
            history.toString(),
            "--record",
            "-o",
            out.toString());

    assertThat(cli.exit).as(cli.toString()).isZero();
    assertThat(cli.out)
        .containsPattern("recorded shop.v1.Order v1 v1-[0-9a-f]{16}.binpb\n")
        .containsPattern("recorded shop.Refund v1 v1-[0-9a-f]{16}.binpb\n")
        .contains("catalog " + out + ": 2 schema versions");
    Catalog catalog = Catalog.parseFrom(Files.readAllBytes(out));
    assertThat(catalog.getEntriesList())
        .extracting(e -> e.getEventType() + " v" + e.getVersion() + " " + e.getReleased())
        .containsExactly("shop.Refund v1 true", "shop.v1.Order v1 true");
    try (Stream<Path> files = Files.walk(history)) {
      assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(2);
    }
  }
}
