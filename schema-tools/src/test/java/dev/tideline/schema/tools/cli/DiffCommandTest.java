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
        .containsPattern(
            "### `shop.v1.Order` \\*\\*breaking\\*\\*\n\n- schema id [0-9a-f]{16} → [0-9a-f]{16}\n")
        .contains("- changed owner \"shop\" → \"checkout\"\n")
        .contains("- added field `email` (4, string)\n")
        .contains("- **breaking** removed field `coupon` (3, string)\n")
        .contains("- changed field `order_id`: rules \"required\" → \"required; max_len 64\"\n")
        .contains(
            "- **breaking** changed field `total`: type \"int32\" → \"int64\"; PII (none) →"
                + " \"PII_FINANCIAL\"\n")
        .contains("- changed field `order_id`: rules \"required\" → \"required; max_len 64\"\n")
        .contains("## Breaking changes\n");
  }

  @Test
  void saysSoWhenNothingChanged(@TempDir Path dir) {
    Cli.write(
        dir.resolve("a/e.avsc"),
        "{\"type\": \"record\", \"name\": \"E\", \"fields\": [{\"name\": \"x\", \"type\": \"int\"}]}");

    Cli cli = Cli.run("diff", "-s", dir.resolve("a").toString(), "-a", dir.resolve("a").toString());

    assertThat(cli.out)
        .endsWith(
            "No event changed (1 unchanged), and no breaking change (mode BACKWARD_TRANSITIVE).\n");
  }

  @Test
  void listsEveryBreakingChangeCheckFindsAndMarksTheEventsTheyReach(@TempDir Path dir) {
    Path before = dir.resolve("before");
    Path after = dir.resolve("after");
    String cart =
        "message Cart {\n"
            + "  option (tideline.v1.event) = { owner: \"shop\" };\n"
            + "  Item item = 1;\n"
            + "}\n";
    // Item is used by an event; Note by none, so no event shows its change.
    Cli.write(
        before.resolve("shop/v1/cart.proto"),
        HEADER
            + cart
            + "message Item {\n  string sku = 1;\n  int32 count = 2;\n}\n"
            + "message Note {\n  string text = 1;\n}\n");
    Cli.write(
        after.resolve("shop/v1/cart.proto"),
        HEADER
            + cart
            + "message Item {\n  string sku = 1;\n  string count = 2;\n}\n"
            + "message Note {\n  bytes text = 1;\n}\n");
    Cli check = Cli.run("check", "-s", after.toString(), "--against", before.toString());

    Cli cli = Cli.run("diff", "-s", after.toString(), "--against", before.toString());

    assertThat(check.exit).isEqualTo(TidelineSchema.BREAKING);
    assertThat(check.out).startsWith("2 breaking changes");
    assertThat(cli.exit).as(cli.toString()).isZero();
    assertThat(cli.out)
        .contains("0 added, 0 removed, 1 changed, 0 unchanged.\n")
        .contains(
            "2 breaking changes (mode BACKWARD_TRANSITIVE), marked **breaking** and listed under"
                + " Breaking changes.\n")
        .contains("### `shop.v1.Cart` **breaking**\n")
        .contains("- **breaking** changed field `item.count`: type \"int32\" → \"string\"\n")
        .contains(
            "## Breaking changes\n\n- **breaking** `shop.v1.Item.count` (shop.v1.Item): field 2"
                + " type changed from int32 to string [FIELD_WIRE_JSON_COMPATIBLE_TYPE]\n")
        .contains("- **breaking** `shop.v1.Note.text` (shop.v1.Note): field 1 type changed");
  }

  @Test
  void neverSaysNothingChangedWhenCheckFindsBreakingChanges(@TempDir Path dir) {
    Path before = dir.resolve("before");
    Path after = dir.resolve("after");
    String cart =
        "message Cart {\n  option (tideline.v1.event) = { owner: \"shop\" };\n  string id = 1;\n}\n";
    Cli.write(
        before.resolve("shop/v1/cart.proto"),
        HEADER + cart + "message Note {\n  int32 n = 1;\n}\n");
    Cli.write(
        after.resolve("shop/v1/cart.proto"),
        HEADER + cart + "message Note {\n  string n = 1;\n}\n");

    Cli cli = Cli.run("diff", "-s", after.toString(), "--against", before.toString());

    assertThat(cli.exit).as(cli.toString()).isZero();
    assertThat(cli.out)
        .doesNotContain("No event changed")
        .contains("0 added, 0 removed, 0 changed, 1 unchanged.\n1 breaking change (mode")
        .contains("- **breaking** `shop.v1.Note.n` (shop.v1.Note): field 1 type changed");
  }

  @Test
  void takesTheModeInAnyCase(@TempDir Path dir) {
    Path before = dir.resolve("before");
    Path after = dir.resolve("after");
    Cli.write(before.resolve("shop/v1/o.proto"), HEADER + "message O {\n  int32 n = 1;\n}\n");
    Cli.write(after.resolve("shop/v1/o.proto"), HEADER + "message O {\n  string n = 1;\n}\n");

    Cli diff = Cli.run("diff", "-s", after.toString(), "-a", before.toString(), "--mode", "none");
    Cli check =
        Cli.run("check", "-s", after.toString(), "-a", before.toString(), "--mode", "backward");

    assertThat(diff.exit).as(diff.toString()).isZero();
    assertThat(diff.out).doesNotContain("breaking");
    assertThat(check.exit).as(check.toString()).isEqualTo(TidelineSchema.BREAKING);
    assertThat(check.out).startsWith("1 breaking change in work tree against");
    assertThat(check.out).contains("(mode BACKWARD)");
  }

  @Test
  void saysAnEarlierFolderThatDoesNotExistIsNoSuchFolder(@TempDir Path dir) {
    Cli.write(dir.resolve("now/shop/v1/o.proto"), HEADER + "message O {\n  int32 n = 1;\n}\n");
    Path nope = dir.resolve("nope");

    Cli diff = Cli.run("diff", "-s", dir.resolve("now").toString(), "--against", nope.toString());
    Cli check = Cli.run("check", "-s", dir.resolve("now").toString(), "-a", nope.toString());

    for (Cli cli : new Cli[] {diff, check}) {
      assertThat(cli.exit).isEqualTo(TidelineSchema.ERROR);
      assertThat(cli.err)
          .isEqualTo(
              "tideline-schema: --against "
                  + nope
                  + ": no such folder; give a folder of earlier schemas or a git ref"
                  + " (origin/main)\n")
          .doesNotContain("git rev-parse");
    }
  }
}
