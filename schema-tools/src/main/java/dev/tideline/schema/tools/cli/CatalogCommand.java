package dev.tideline.schema.tools.cli;

import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.schema.tools.SchemaSet;
import dev.tideline.schema.tools.catalog.CatalogBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tideline-schema catalog}: the catalog step, wrapping {@link CatalogBuilder}. */
@Command(
    name = "catalog",
    mixinStandardHelpOptions = true,
    description =
        "Builds the catalog (META-INF/tideline/catalog.binpb) from a protoc descriptor set, or"
            + " from --schemas compiled here, plus .avsc files and the committed history.")
final class CatalogCommand implements Callable<Integer> {
  @Mixin SchemaOptions schemas;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--descriptor-set",
      paramLabel = "<file>",
      description = "A descriptor set built with imports; without it, --schemas are compiled.")
  @Nullable Path descriptorSet;

  @Option(
      names = "--avro",
      paramLabel = "<dir>",
      description = "A folder of .avsc files (with --descriptor-set).")
  @Nullable Path avro;

  @Option(
      names = "--history",
      paramLabel = "<dir>",
      description = "The committed history of released versions.")
  @Nullable Path history;

  // An optional value, so a build can pass --record=${tideline.catalog.record} (the build step's
  // switch) instead of adding or leaving out the flag.
  @Option(
      names = "--record",
      arity = "0..1",
      paramLabel = "<true|false>",
      description = "Record the new versions in the history as released (--record=false: do not).")
  boolean record;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "<file>",
      description = "The catalog file to write.")
  Path out;

  @Override
  public Integer call() throws IOException {
    CatalogBuilder builder = CatalogBuilder.create();
    if (descriptorSet != null) {
      builder.addDescriptorSet(descriptorSet.toFile());
      if (avro != null) {
        builder.addAvroFolder(avro.toFile());
      }
    } else {
      SchemaSet set = schemas.current();
      builder.addDescriptorSet(set.descriptors().toByteArray());
      for (org.apache.avro.Schema schema : set.avroFiles().values()) {
        builder.addAvroSchema(schema.toString());
      }
    }
    if (history != null) {
      builder.history(history.toFile());
      if (record) {
        for (CatalogEntry entry : builder.record(history.toFile())) {
          spec.commandLine()
              .getOut()
              .println(
                  "recorded "
                      + entry.getEventType()
                      + " v"
                      + entry.getVersion()
                      + " "
                      + CatalogBuilder.historyFileName(entry));
        }
      }
    } else if (record) {
      throw new IllegalArgumentException("--record needs --history");
    }
    Catalog catalog = builder.build();
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    Files.write(out, catalog.toByteArray());
    spec.commandLine()
        .getOut()
        .println("catalog " + out + ": " + catalog.getEntriesCount() + " schema versions");
    return 0;
  }
}
