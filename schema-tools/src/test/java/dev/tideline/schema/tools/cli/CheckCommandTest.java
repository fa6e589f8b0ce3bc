package dev.tideline.schema.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** {@code tideline-schema check} against a git ref and against folders, in every output format. */
class CheckCommandTest {
  static final String V1 =
      "syntax = \"proto3\";\npackage shop.v1;\n\n"
          + "message Order {\n  string order_id = 1;\n  string coupon = 2;\n}\n";
  static final String V1_AVRO =
      "{\"type\": \"record\", \"name\": \"Refund\", \"namespace\": \"shop\", \"fields\": ["
          + "{\"name\": \"order_id\", \"type\": \"string\"}]}";

  @TempDir Path repo;
  Path schemas;

  @BeforeEach
  void commitTheFirstVersion() {
    schemas = repo.resolve("events/src/main/proto");
    Cli.write(schemas.resolve("shop/v1/order.proto"), V1);
    Cli.write(schemas.resolve("shop/refund.avsc"), V1_AVRO);
    Cli.git(repo, "init", "-q");
    Cli.git(repo, "add", ".");
    Cli.git(repo, "commit", "-q", "-m", "v1");
  }

  @Test
  void exitsOneWithAReadableMessageWhenTheWorkTreeBreaksAGitRef() {
    Cli.write(
        schemas.resolve("shop/v1/order.proto"),
        "syntax = \"proto3\";\npackage shop.v1;\n\nmessage Order {\n  string order_id = 1;\n}\n");

    Cli cli = Cli.run("check", "--schemas", schemas.toString(), "--against", "HEAD");

    assertThat(cli.exit).as(cli.toString()).isEqualTo(1);
    assertThat(cli.out)
        .startsWith("2 breaking changes in work tree against HEAD (mode BACKWARD_TRANSITIVE):")
        .contains(
            "  FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED  shop.v1.Order.coupon\n"
                + "    field 2 'coupon' was deleted without reserving its number: add"
                + " 'reserved 2;' so it is never reused with another meaning (shop.v1.Order,"
                + " against HEAD)\n")
        .contains("FIELD_NO_DELETE_UNLESS_NAME_RESERVED  shop.v1.Order.coupon");
  }

  @Test
  void exitsZeroWhenTheWorkTreeOnlyAddsFields() {
    Cli.write(
        schemas.resolve("shop/v1/order.proto"),
        V1.replace("string coupon = 2;", "string coupon = 2;\n  int64 total_minor = 3;"));
    Cli.write(
        schemas.resolve("shop/refund.avsc"),
        V1_AVRO.replace(
            "\"string\"}]",
            "\"string\"}, {\"name\": \"note\", \"type\": \"string\", \"default\": \"\"}]"));

    Cli cli = Cli.run("check", "-s", schemas.toString(), "-a", "HEAD");

    assertThat(cli.exit).as(cli.toString()).isZero();
    assertThat(cli.out)
        .isEqualTo(
            "Compatible: no breaking change in work tree against HEAD (mode BACKWARD_TRANSITIVE).\n");
  }

  @Test
  void aTransitiveModeReadsEveryEarlierCommitThatChangedTheSchemas() {
    Cli.write(
        schemas.resolve("shop/v1/order.proto"),
        "syntax = \"proto3\";\npackage shop.v1;\n\n"
            + "message Order {\n  string order_id = 1;\n  reserved 2;\n  reserved \"coupon\";\n}\n");
    Cli.git(repo, "commit", "-q", "-am", "v2: coupon removed");
    Cli.write(
        schemas.resolve("shop/v1/order.proto"),
        "syntax = \"proto3\";\npackage shop.v1;\n\n"
            + "message Order {\n  string order_id = 1;\n  int64 discount = 2;\n}\n");

    Cli latestOnly = Cli.run("check", "-s", schemas.toString(), "-a", "HEAD", "-m", "BACKWARD");
    Cli transitive = Cli.run("check", "-s", schemas.toString(), "-a", "HEAD");

    assertThat(latestOnly.exit).isEqualTo(1);
    assertThat(latestOnly.out)
        .contains("RESERVED_MESSAGE_NO_DELETE")
        .doesNotContain("FIELD_SAME_NAME");
    assertThat(transitive.exit).isEqualTo(1);
    assertThat(transitive.out)
        .contains("RESERVED_MESSAGE_NO_DELETE")
        .contains("FIELD_SAME_NAME  shop.v1.Order.coupon")
        .contains("FIELD_WIRE_JSON_COMPATIBLE_TYPE  shop.v1.Order.coupon")
        .containsPattern("against git [0-9a-f]{12}\\)");
  }

  @Test
  void writesJsonWithEveryViolation() throws Exception {
    Cli.write(schemas.resolve("shop/refund.avsc"), V1_AVRO.replace("\"string\"", "\"int\""));

    Cli cli = Cli.run("check", "-s", schemas.toString(), "-a", "HEAD", "--format", "json");

    assertThat(cli.exit).isEqualTo(1);
    JsonNode report = new ObjectMapper().readTree(cli.out);
    assertThat(report.get("mode").asText()).isEqualTo("BACKWARD_TRANSITIVE");
    assertThat(report.get("compatible").asBoolean()).isFalse();
    assertThat(report.get("against").get(0).asText()).isEqualTo("HEAD");
    JsonNode violation = report.get("violations").get(0);
    assertThat(violation.get("ruleId").asText()).isEqualTo("TYPE_MISMATCH");
    assertThat(violation.get("schema").asText()).isEqualTo("shop.Refund");
    assertThat(violation.get("path").asText()).isEqualTo("/fields/0/type");
    assertThat(violation.get("message").asText())
        .startsWith("data written with the old schema, read with the new: reader type: INT");
    assertThat(cli.err).contains("TYPE_MISMATCH");
  }

  @Test
  void writesJUnitXmlWithOneTestCasePerSchema(@TempDir Path reports) throws Exception {
    Cli.write(
        schemas.resolve("shop/v1/order.proto"),
        V1.replace("string coupon = 2;", "repeated string coupon = 2;"));
    Path report = reports.resolve("schema-check.xml");

    Cli cli =
        Cli.run(
            "check",
            "-s",
            schemas.toString(),
            "-a",
            "HEAD",
            "-f",
            "junit",
            "-o",
            report.toString());

    assertThat(cli.exit).isEqualTo(1);
    Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
    assertThat(xml.getElementsByTagName("testcase").getLength()).isEqualTo(2);
    assertThat(xml.getElementsByTagName("failure").getLength()).isEqualTo(1);
    assertThat(
            xml.getElementsByTagName("failure")
                .item(0)
                .getAttributes()
                .getNamedItem("type")
                .getNodeValue())
        .isEqualTo("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY");
    assertThat(cli.out).startsWith("1 breaking change in work tree against HEAD");
  }

  @Test
  void checksAgainstAFolder(@TempDir Path old) throws Exception {
    Cli.write(old.resolve("shop/v1/order.proto"), V1);
    Cli.write(old.resolve("shop/refund.avsc"), V1_AVRO);
    Cli.write(
        schemas.resolve("shop/v1/order.proto"),
        V1.replace("string coupon = 2;", "string voucher = 2;"));

    Cli cli = Cli.run("check", "-s", schemas.toString(), "-a", old.toString(), "-m", "FULL");

    assertThat(cli.exit).isEqualTo(1);
    assertThat(cli.out)
        .contains("(mode FULL)")
        .contains("FIELD_SAME_NAME  shop.v1.Order.coupon")
        .contains("field 2 was 'coupon' and is now 'voucher'");
  }

  @Test
  void modeNoneNeverFails() {
    Cli.write(schemas.resolve("shop/v1/order.proto"), "syntax = \"proto3\";\npackage shop.v1;\n");

    Cli cli = Cli.run("check", "-s", schemas.toString(), "-a", "HEAD", "-m", "NONE");

    assertThat(cli.exit).isZero();
  }

  @Test
  void anUnknownRefIsAnErrorThatSaysSo() {
    Cli cli = Cli.run("check", "-s", schemas.toString(), "-a", "no-such-branch");

    assertThat(cli.exit).isEqualTo(2);
    assertThat(cli.err)
        .contains("'no-such-branch' is neither a folder nor a commit of the git repository at");
  }

  @Test
  void aSchemaThatDoesNotCompileIsAnErrorNamingTheFile() throws Exception {
    Files.writeString(schemas.resolve("shop/v1/order.proto"), "syntax = \"proto3\";\nmessage {");

    Cli cli = Cli.run("check", "-s", schemas.toString(), "-a", "HEAD");

    assertThat(cli.exit).isEqualTo(2);
    assertThat(cli.err).contains("protoc refused the schemas").contains("shop/v1/order.proto:2");
  }
}
