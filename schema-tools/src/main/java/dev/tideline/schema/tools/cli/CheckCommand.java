package dev.tideline.schema.tools.cli;

import dev.tideline.schema.tools.CompatibilityChecker;
import dev.tideline.schema.tools.CompatibilityMode;
import dev.tideline.schema.tools.CompatibilityResult;
import dev.tideline.schema.tools.SchemaSet;
import dev.tideline.schema.tools.SchemaSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tideline-schema check}: the CI gate. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description =
        "Checks the schemas against earlier versions; exits 1 on a breaking change."
            + " Protobuf rules follow buf's WIRE_JSON category; Avro rules are Avro's own plus"
            + " renames without alias, enum symbol removal and deletion.")
final class CheckCommand implements Callable<Integer> {
  enum Format {
    text,
    json,
    junit
  }

  @Mixin SchemaOptions schemas;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-a", "--against"},
      paramLabel = "<folder|git-ref>",
      description =
          "An earlier version: a folder, or a git ref (a transitive mode also reads every earlier"
              + " commit that changed the schemas). Repeatable, oldest first.")
  List<String> against = new ArrayList<>();

  @Option(
      names = "--history",
      paramLabel = "<dir>",
      description =
          "A committed catalog history (schema-registry's layout): check against the released"
              + " versions of each event too (the newest, or all in a transitive mode).")
  @Nullable Path history;

  @Option(
      names = {"-m", "--mode"},
      paramLabel = "<mode>",
      description = "${COMPLETION-CANDIDATES} (any case). Default: ${DEFAULT-VALUE}.")
  CompatibilityMode mode = CompatibilityMode.DEFAULT;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "<format>",
      description = "text, json or junit (JUnit XML for CI test reports). Default: text.")
  Format format = Format.text;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "<file>",
      description = "Write the report to this file instead of standard output.")
  @Nullable Path output;

  @Override
  public Integer call() throws IOException {
    if (against.isEmpty() && history == null) {
      throw new ParameterException(spec.commandLine(), "Give --against, --history or both");
    }
    SchemaSet current = schemas.current();
    List<SchemaSet> versions = new ArrayList<>();
    if (!against.isEmpty()) {
      List<SchemaSet> earlier = schemas.earlier(against, mode.transitive());
      versions.addAll(mode.transitive() ? earlier : List.of(earlier.get(earlier.size() - 1)));
    }
    if (history != null) {
      if (!Files.isDirectory(history)) {
        throw new ParameterException(
            spec.commandLine(), "--history " + history + " is not a folder");
      }
      versions.addAll(SchemaSources.fromHistory(history, current, mode.transitive()));
    }
    CompatibilityResult result = CompatibilityChecker.checkEach(versions, current, mode);
    String report;
    switch (format) {
      case json:
        report = Reports.json(result);
        break;
      case junit:
        report = Reports.junit(result, Reports.schemaNames(current));
        break;
      default:
        report = Reports.text(result);
    }
    if (output != null) {
      if (output.toAbsolutePath().getParent() != null) {
        Files.createDirectories(output.toAbsolutePath().getParent());
      }
      Files.write(output, report.getBytes(StandardCharsets.UTF_8));
      spec.commandLine().getOut().println(Reports.summary(result) + " Report: " + output);
    } else {
      spec.commandLine().getOut().print(report);
    }
    if (!result.compatible() && (output != null || format != Format.text)) {
      // A failing gate always says why on standard error, whatever the report format.
      spec.commandLine().getErr().print(Reports.text(result));
    }
    return result.compatible() ? 0 : TidelineSchema.BREAKING;
  }
}
