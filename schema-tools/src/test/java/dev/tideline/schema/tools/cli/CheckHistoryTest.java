package dev.tideline.schema.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tideline-schema check --history}: the released versions recorded in a committed catalog
 * history (by {@code tideline-schema catalog --record}) are earlier versions too.
 */
class CheckHistoryTest {
  static final String HEADER =
      "syntax = \"proto3\";\npackage shop.v1;\nimport \"tideline/v1/options.proto\";\n"
          + "message Order {\n  option (tideline.v1.event) = { owner: \"shop\" };\n"
          + "  string order_id = 1;\n";
  static final String AVRO =
      "{\"type\": \"record\", \"name\": \"Refund\", \"namespace\": \"shop\", \"fields\": ["
          + "{\"name\": \"order_id\", \"type\": \"string\"}%s]}";

  @TempDir Path dir;
  Path schemas;
  Path history;

  @BeforeEach
  void releaseTwoVersions() {
    schemas = dir.resolve("schemas");
    history = dir.resolve("history");
    release(HEADER + "  string coupon = 2;\n}\n", String.format(AVRO, ""));
    release(
        HEADER + "  reserved 2;\n  reserved \"coupon\";\n}\n",
        String.format(AVRO, ", {\"name\": \"note\", \"type\": \"string\", \"default\": \"\"}"));
  }

  private void release(String proto, String avro) {
    Cli.write(schemas.resolve("shop/v1/order.proto"), proto);
    Cli.write(schemas.resolve("refund.avsc"), avro);
    Cli cli =
        Cli.run(
            "catalog",
            "-s",
            schemas.toString(),
            "--history",
            history.toString(),
            "--record",
            "-o",
            dir.resolve("catalog.binpb").toString());
    assertThat(cli.exit).as(cli.toString()).isZero();
  }

  @Test
  void theReleasedVersionsOfTheWorkTreeAreCompatible() {
    Cli cli = Cli.run("check", "-s", schemas.toString(), "--history", history.toString());

    assertThat(cli.exit).as(cli.toString()).isZero();
    assertThat(cli.out)
        .isEqualTo(
            "Compatible: no breaking change in work tree against released shop.Refund v1,"
                + " released shop.Refund v2, released shop.v1.Order v1, released shop.v1.Order v2"
                + " (mode BACKWARD_TRANSITIVE).\n");
  }

  @Test
  void aNumberReusedAfterItsReservationIsCaughtAgainstTheFirstRelease() {
    Cli.write(schemas.resolve("shop/v1/order.proto"), HEADER + "  int64 discount = 2;\n}\n");

    Cli latest =
        Cli.run(
            "check", "-s", schemas.toString(), "--history", history.toString(), "-m", "BACKWARD");
    Cli every = Cli.run("check", "-s", schemas.toString(), "--history", history.toString());

    assertThat(latest.exit).isEqualTo(1);
    assertThat(latest.out)
        .contains("RESERVED_MESSAGE_NO_DELETE  shop.v1.Order")
        .doesNotContain("FIELD_SAME_NAME");
    assertThat(every.exit).isEqualTo(1);
    assertThat(every.out)
        .contains(
            "  FIELD_SAME_NAME  shop.v1.Order.coupon\n"
                + "    field 2 was 'coupon' and is now 'discount': a renamed field breaks JSON"
                + " readers, a reused number breaks every reader (shop.v1.Order, against released"
                + " shop.v1.Order v1)\n");
  }

  @Test
  void anAvroFieldWithoutDefaultBreaksEveryReleasedVersion() {
    Cli.write(
        schemas.resolve("refund.avsc"),
        String.format(AVRO, ", {\"name\": \"amount\", \"type\": \"long\"}"));

    Cli cli = Cli.run("check", "-s", schemas.toString(), "--history", history.toString());

    assertThat(cli.exit).isEqualTo(1);
    assertThat(cli.out)
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE  /fields/1")
        .contains("against released shop.Refund v2)");
  }

  @Test
  void withNeitherAgainstNorHistoryItSaysWhatIsMissing() {
    Cli cli = Cli.run("check", "-s", schemas.toString());

    assertThat(cli.exit).isEqualTo(2);
    assertThat(cli.err).contains("Give --against, --history or both");
  }
}
