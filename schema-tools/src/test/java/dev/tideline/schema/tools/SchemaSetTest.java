package dev.tideline.schema.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading schema sets from folders and from git. */
class SchemaSetTest {
  static final ProtoCompiler PROTOC = ProtoCompiler.locate();

  @Test
  void loadsProtoAndAvroFilesFromSeveralRootsWithTideLinesOptionsImportable(@TempDir Path dir) {
    Fixture.write(
        dir.resolve("proto/shop/v1/order.proto"),
        "syntax = \"proto3\";\npackage shop.v1;\nimport \"tideline/v1/options.proto\";\n"
            + "import \"google/protobuf/timestamp.proto\";\n"
            + "message Order {\n  option (tideline.v1.event) = { owner: \"shop\" };\n"
            + "  google.protobuf.Timestamp at = 1;\n  Line line = 2;\n}\n"
            + "message Line { enum Kind { KIND_UNSPECIFIED = 0; } Kind kind = 1; }\n");
    Fixture.write(
        dir.resolve("avro/refund.avsc"),
        "{\"type\": \"record\", \"name\": \"Refund\", \"namespace\": \"shop\", \"fields\": []}");

    SchemaSet set =
        SchemaSet.load("here", List.of(dir.resolve("proto"), dir.resolve("avro")), PROTOC);

    assertThat(set.protoFiles())
        .extracting(f -> f.getName())
        .containsExactly("shop/v1/order.proto");
    assertThat(set.messages().keySet()).containsExactly("shop.v1.Order", "shop.v1.Line");
    assertThat(set.enums().keySet()).containsExactly("shop.v1.Line.Kind");
    assertThat(set.avroFiles().keySet()).containsExactly("refund.avsc");
    assertThat(set.protoSchemas().schemaId("shop.v1.Order")).isNotZero();
  }

  @Test
  void anAvroFileThatDoesNotParseIsNamed(@TempDir Path dir) {
    Fixture.write(dir.resolve("events/bad.avsc"), "{\"type\": \"record\", \"name\": \"B\"}");

    assertThatThrownBy(() -> SchemaSet.load("here", List.of(dir), PROTOC))
        .isInstanceOf(SchemaException.class)
        .hasMessageStartingWith("events/bad.avsc is not a valid Avro schema: ");
  }

  @Test
  void aProtoFileThatDoesNotCompileGivesProtocsMessage(@TempDir Path dir) {
    Fixture.write(dir.resolve("a/b.proto"), "syntax = \"proto3\";\nmessage M { Missing m = 1; }\n");

    assertThatThrownBy(() -> SchemaSet.load("here", List.of(dir), PROTOC))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("protoc refused the schemas")
        .hasMessageContaining("a/b.proto:2:")
        .hasMessageContaining("\"Missing\" is not defined.");
  }

  @Test
  void protocGivenByARelativePathRuns(@TempDir Path dir) {
    Fixture.write(dir.resolve("a/b.proto"), "syntax = \"proto3\";\npackage a;\nmessage B {}\n");
    Path relative = Paths.get("").toAbsolutePath().relativize(PROTOC.executable());
    assertThat(relative.isAbsolute()).isFalse();

    SchemaSet set = SchemaSet.load("here", List.of(dir), ProtoCompiler.using(relative));

    assertThat(set.descriptors().getFileList()).extracting(f -> f.getName()).contains("a/b.proto");
  }

  @Test
  void aSetWithoutProtoFilesNeverRunsProtoc(@TempDir Path dir) {
    Fixture.write(dir.resolve("e.avsc"), "{\"type\": \"record\", \"name\": \"E\", \"fields\": []}");
    ProtoCompiler missing = ProtoCompiler.using(dir.resolve("e.avsc")); // not an executable

    SchemaSet set = SchemaSet.load("here", List.of(dir), missing);

    assertThat(set.avroSchemas()).containsOnlyKeys("E");
    assertThat(set.descriptors().getFileCount()).isZero();
  }
}
