package dev.tideline.schema.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tideline-schema docs} over Tideline's own standard events: the HTML catalog is opened in
 * headless Chromium and its rendered DOM is checked; the Markdown is checked as text.
 */
class DocsCommandTest {
  static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  static final List<String> EVENTS =
      List.of(
          "dev.tideline.events.avro.Login",
          "dev.tideline.events.avro.Payment",
          "tideline.events.v1.AppLifecycle",
          "tideline.events.v1.Click",
          "tideline.events.v1.Impression",
          "tideline.events.v1.Login",
          "tideline.events.v1.Payment",
          "tideline.events.v1.ProducerAudit",
          "tideline.events.v1.ScreenView");

  @TempDir static Path out;
  static Cli cli;

  @BeforeAll
  static void writeTheDocsOfTheStandardEvents() {
    Path registry = Cli.repoRoot().resolve("schema-registry/src/main");
    cli =
        Cli.run(
            "docs",
            "-s",
            registry.resolve("proto").toString(),
            "-s",
            registry.resolve("avro").toString(),
            "--history",
            registry.resolve("catalog-history").toString(),
            "-o",
            out.toString(),
            "--title",
            "Tideline standard events");
  }

  @Test
  void writesMarkdownAndHtmlForEveryEvent() {
    assertThat(cli.exit).as(cli.toString()).isZero();
    assertThat(cli.out).startsWith("9 events written to ");
    assertThat(out.resolve("catalog.md")).exists();
    assertThat(out.resolve("catalog.html")).exists();
  }

  @Test
  void countsASingleEventInTheSingular(@TempDir Path dir) {
    Cli.write(
        dir.resolve("schemas/e.avsc"),
        "{\"type\": \"record\", \"name\": \"E\", \"fields\": [{\"name\": \"x\", \"type\": \"int\"}]}");

    Cli one =
        Cli.run("docs", "-s", dir.resolve("schemas").toString(), "-o", dir.resolve("d").toString());

    assertThat(one.exit).as(one.toString()).isZero();
    assertThat(one.out).startsWith("1 event written to ");
  }

  @Test
  void theHtmlCatalogRendersInHeadlessChromium(@TempDir Path profile) throws Exception {
    String dom = dumpDom(out.resolve("catalog.html"), profile);

    assertThat(dom).contains("<title>Tideline standard events</title>");
    Matcher sections =
        Pattern.compile("<section class=\"event\" id=\"[a-z0-9-]+\" data-event-type=\"([^\"]+)\"")
            .matcher(dom);
    List<String> rendered = new java.util.ArrayList<>();
    while (sections.find()) {
      rendered.add(sections.group(1));
    }
    assertThat(rendered).isEqualTo(EVENTS);
    // The browser parsed the tables into rows: Payment's fields, rules, PII class and example.
    assertThat(dom)
        .contains("<tr data-field=\"order_id\"><td><code>order_id</code></td><td>1</td>")
        .contains("required; pattern ^[A-Za-z0-9_-]{6,64}$")
        .contains("<span class=\"pii\">PII_FINANCIAL</span>")
        .contains("<dd class=\"owner\">payments</dd>")
        .containsPattern("<code class=\"schema-id\">[0-9a-f]{16}</code>")
        .contains("\"orderId\" : \"example\"")
        .contains("\"currency\" : \"EUR\"");
  }

  @Test
  void theMarkdownCatalogListsFieldsRulesAndExamples() throws IOException {
    String markdown = Files.readString(out.resolve("catalog.md"));

    assertThat(markdown)
        .startsWith("# Tideline standard events\n\n9 events.\n")
        .contains("## tideline.events.v1.Payment\n")
        .contains("- Owner: payments\n")
        .contains("| `amount_minor` | 2 | int64 | min 0; max 100000000000 | PII_FINANCIAL |")
        .contains("- Refuses payment card numbers in any string field\n")
        .contains("```json\n{\n  \"orderId\" : \"example\",");
  }

  /** Loads the page in headless Chromium and returns the DOM it built. */
  static String dumpDom(Path html, Path profile) throws IOException, InterruptedException {
    assertThat(CHROMIUM).as("headless Chromium is needed to render the catalog").exists();
    Process chromium =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--dump-dom",
                html.toUri().toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    chromium.getOutputStream().close();
    String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
      chromium.destroyForcibly();
      throw new IllegalStateException("Chromium did not finish within 60 s");
    }
    assertThat(chromium.exitValue()).as("Chromium's exit code").isZero();
    return dom;
  }
}
