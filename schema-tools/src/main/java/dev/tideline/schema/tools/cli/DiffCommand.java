package dev.tideline.schema.tools.cli;

import dev.tideline.schema.tools.CompatibilityMode;
import dev.tideline.schema.tools.SchemaDiff;
import dev.tideline.schema.tools.SchemaSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tideline-schema diff}: a changelog in Markdown. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description =
        "Prints what changed since an earlier version: events added and removed, fields added,"
            + " removed and changed (type, number, rules, PII, deprecation), metadata; and every"
            + " breaking change that check finds, in events or in the messages they use, marked"
            + " **breaking**. Exits 0 either way: check is the gate.")
final class DiffCommand implements Callable<Integer> {
  @Mixin SchemaOptions schemas;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-a", "--against"},
      required = true,
      paramLabel = "<folder|git-ref>",
      description = "The earlier version: a folder or a git ref.")
  String against;

  @Option(
      names = {"-m", "--mode"},
      paramLabel = "<mode>",
      description =
          "Which changes are breaking, as in check: ${COMPLETION-CANDIDATES} (any case)."
              + " Default: ${DEFAULT-VALUE}.")
  CompatibilityMode mode = CompatibilityMode.DEFAULT;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "<file>",
      description = "Write the changelog to this file instead of standard output.")
  @Nullable Path output;

  @Override
  public Integer call() throws IOException {
    SchemaSet current = schemas.current();
    List<SchemaSet> earlier = schemas.earlier(List.of(against), false);
    String changelog =
        SchemaDiff.between(earlier.get(earlier.size() - 1), current, mode).toMarkdown();
    if (output != null) {
      Files.write(output, changelog.getBytes(StandardCharsets.UTF_8));
    } else {
      spec.commandLine().getOut().print(changelog);
    }
    return 0;
  }
}
