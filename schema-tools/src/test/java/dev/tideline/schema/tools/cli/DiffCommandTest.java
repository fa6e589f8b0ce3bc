package dev.tideline.schema.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tideline-schema diff}: a Markdown changelog of events and fields. */
class DiffCommandTest {
  static final String HEADER =
      "syntax = \"proto3\";\npackage shop.v1;\nimport \"tideline/v1/options.proto\";\n\n";

  @Test
  void listsEventsAndFieldsAddedRemovedAndChanged(@TempDir Path dir) {
    Path before = dir.resolve("before");
    Path after = dir.resolve("after");
    Cli.write(
        before.resolve("shop/v1/shop.proto"),
        HEADER
            + "message Order {\n"
            + "  option (tideline.v1.event) = { owner: \"shop\" };\n"
            + "  string order_id = 1 [(tideline.v1.rules) = {required: true}];\n"
            + "  int32 total = 2;\n"
            + "  string coupon = 3;\n"
            + "}\n"
            + "message Legacy {\n  option (tideline.v1.event) = { owner: \"shop\" };\n"
            + "  string id = 1;\n}\n");
    Cli.write(
        after.resolve("shop/v1/shop.proto"),
        HEADER
            + "message Order {\n"
            + "  option (tideline.v1.event) = { owner: \"checkout\" };\n"
            + "  string order_id = 1 [(tideline.v1.rules) = {required: true, max_len: 64}];\n"
            + "  int64 total = 2 [(tideline.v1.field) = {pii: PII_FINANCIAL}];\n"
            + "  string email = 4;\n"
            + "}\n"
            + "message Refund {\n  option (tideline.v1.event) = { owner: \"shop\" };\n"
            + "  string order_id = 1;\n}\n");

    Cli cli = Cli.run("diff", "-s", after.toString(), "--against", before.toString());

    assertThat(cli.exit).as(cli.toString()).isZero();
    assertThat(cli.out)
        .startsWith("# Schema changes from " + before + " to work tree\n\n")
        .contains("1 added, 1 removed, 1 changed, 0 unchanged.\n")
        .containsPattern(
            "## Added events\n\n- `shop.v1.Refund` \\(protobuf, id [0-9a-f]{16}, 1 fields\\)\n")
        .containsPattern("## Removed events\n\n- `shop.v1.Legacy` \\(id [0-9a-f]{16}\\)\n")
        .containsPattern("### `shop.v1.Order`\n\n- schema id [0-9a-f]{16} → [0-9a-f]{16}\n")
        .contains("- changed owner \"shop\" → \"checkout\"\n")
        .contains("- added field `email` (4, string)\n")
        .contains("- removed field `coupon` (3, string)\n")
        .contains("- changed field `order_id`: rules \"required\" → \"required; max_len 64\"\n")
        .contains(
            "- changed field `total`: type \"int32\" → \"int64\"; PII (none) → \"PII_FINANCIAL\"\n");
  }

  @Test
  void saysSoWhenNothingChanged(@TempDir Path dir) {
    Cli.write(
        dir.resolve("a/e.avsc"),
        "{\"type\": \"record\", \"name\": \"E\", \"fields\": [{\"name\": \"x\", \"type\": \"int\"}]}");

    Cli cli = Cli.run("diff", "-s", dir.resolve("a").toString(), "-a", dir.resolve("a").toString());

    assertThat(cli.out).endsWith("No event changed (1 unchanged).\n");
  }
}
