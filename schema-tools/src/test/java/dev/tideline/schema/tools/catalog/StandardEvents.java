package dev.tideline.schema.tools.catalog;

import dev.tideline.schema.tools.ProtoCompiler;
import dev.tideline.schema.tools.SchemaSet;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** schema-registry's standard events: where their sources are, and their descriptor set. */
final class StandardEvents {
  /** schema-registry's folder: the build passes it as {@code tideline.schema-registry.dir}. */
  static final Path REGISTRY =
      Paths.get(System.getProperty("tideline.schema-registry.dir", "../schema-registry"));

  static final Path PROTO = REGISTRY.resolve("src/main/proto");
  static final Path AVRO = REGISTRY.resolve("src/main/avro");
  static final Path HISTORY = REGISTRY.resolve("src/main/catalog-history");

  /** The catalog schema-registry ships, committed (decision 0008). */
  static final Path CATALOG =
      REGISTRY.resolve("src/main/resources/META-INF/tideline/catalog.binpb");

  private StandardEvents() {}

  /** Every .proto file of schema-registry compiled by protoc with its imports. */
  static byte[] descriptorSet() {
    return SchemaSet.load("standard events", List.of(PROTO), ProtoCompiler.locate())
        .descriptors()
        .toByteArray();
  }
}
