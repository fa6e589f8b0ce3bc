package dev.tideline.schema.tools.cli;

import dev.tideline.schema.tools.CatalogDocs;
import dev.tideline.schema.tools.EventCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tideline-schema docs}: the event catalog as Markdown and HTML. */
@Command(
    name = "docs",
    mixinStandardHelpOptions = true,
    description =
        "Writes the event catalog as catalog.md and a self-contained catalog.html: every event,"
            + " its fields, types, rules, owner, PII classes, schema ids and an example.")
final class DocsCommand implements Callable<Integer> {
  @Mixin SchemaOptions schemas;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--history",
      paramLabel = "<dir>",
      description = "The committed history of released versions, for their ids.")
  @Nullable Path history;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "<dir>",
      description = "Where to write catalog.md and catalog.html. Default: ${DEFAULT-VALUE}.")
  Path out = Paths.get("tideline-catalog");

  @Option(
      names = "--title",
      paramLabel = "<text>",
      description = "The page title. Default: ${DEFAULT-VALUE}.")
  String title = "Event catalog";

  @Override
  public Integer call() throws IOException {
    EventCatalog catalog = EventCatalog.of(schemas.current(), history);
    Files.createDirectories(out);
    Path markdown = out.resolve("catalog.md");
    Path html = out.resolve("catalog.html");
    Files.write(markdown, CatalogDocs.markdown(catalog, title).getBytes(StandardCharsets.UTF_8));
    Files.write(html, CatalogDocs.html(catalog, title).getBytes(StandardCharsets.UTF_8));
    int events = catalog.latest().size();
    spec.commandLine()
        .getOut()
        .println(
            events
                + (events == 1 ? " event" : " events")
                + " written to "
                + markdown
                + " and "
                + html);
    return 0;
  }
}
