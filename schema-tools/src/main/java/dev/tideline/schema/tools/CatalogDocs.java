package dev.tideline.schema.tools;

import com.google.common.html.HtmlEscapers;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.EventMeta;
import dev.tideline.proto.v1.FieldSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The event catalog as documentation: Markdown, and a self-contained HTML page (inline CSS, no
 * scripts, no external resources). For every event: its format, owner, description, deprecation,
 * current schema id and every released id, its fields (number, type, rules, PII class, description)
 * and an example. Stateless.
 */
public final class CatalogDocs {
  private CatalogDocs() {}

  /** The catalog as Markdown. */
  public static String markdown(EventCatalog catalog, String title) {
    StringBuilder out = new StringBuilder();
    List<CatalogEntry> events = catalog.latest();
    out.append("# ").append(title).append("\n\n");
    out.append(events.size()).append(" events.\n\n");
    out.append("| event | format | owner | schema id | description |\n");
    out.append("|---|---|---|---|---|\n");
    for (CatalogEntry entry : events) {
      out.append("| [`")
          .append(entry.getEventType())
          .append("`](#")
          .append(anchor(entry))
          .append(") | ")
          .append(format(entry))
          .append(" | ")
          .append(cell(entry.getMeta().getOwner()))
          .append(" | `")
          .append(EventCatalog.hex(entry.getSchemaId()))
          .append("` | ")
          .append(cell(entry.getMeta().getDescription()))
          .append(" |\n");
    }
    for (CatalogEntry entry : events) {
      EventMeta meta = entry.getMeta();
      out.append("\n<a id=\"").append(anchor(entry)).append("\"></a>\n");
      out.append("## ").append(entry.getEventType()).append("\n\n");
      if (meta.getDeprecated()) {
        out.append("**Deprecated.** ").append(meta.getDeprecationNote()).append("\n\n");
      }
      if (!meta.getDescription().isEmpty()) {
        out.append(meta.getDescription()).append("\n\n");
      }
      out.append("- Format: ").append(format(entry)).append('\n');
      out.append("- Owner: ")
          .append(meta.getOwner().isEmpty() ? "—" : meta.getOwner())
          .append('\n');
      out.append("- Schema id: `")
          .append(EventCatalog.hex(entry.getSchemaId()))
          .append("` (version ")
          .append(entry.getVersion())
          .append(entry.getReleased() ? "" : ", unreleased")
          .append(")\n");
      List<String> older = olderIds(catalog, entry);
      if (!older.isEmpty()) {
        out.append("- Earlier ids: ").append(String.join(", ", older)).append('\n');
      }
      if (!entry.getJavaClass().isEmpty()) {
        out.append("- Java class: `").append(entry.getJavaClass()).append("`\n");
      }
      if (meta.getNoCardNumbers()) {
        out.append("- Refuses payment card numbers in any string field\n");
      }
      out.append("\n| field | # | type | rules | PII | description |\n");
      out.append("|---|---|---|---|---|---|\n");
      for (FieldSpec field : entry.getFieldsList()) {
        out.append("| `")
            .append(field.getPath())
            .append("` | ")
            .append(field.getNumber())
            .append(" | ")
            .append(cell(type(field)))
            .append(" | ")
            .append(cell(RulesText.of(field.getRules())))
            .append(" | ")
            .append(cell(RulesText.pii(field.getMeta())))
            .append(" | ")
            .append(cell(description(field)))
            .append(" |\n");
      }
      out.append("\nExample:\n\n```json\n").append(Examples.of(entry)).append("\n```\n");
    }
    return out.toString();
  }

  /** The catalog as one self-contained HTML page. */
  public static String html(EventCatalog catalog, String title) {
    List<CatalogEntry> events = catalog.latest();
    StringBuilder out = new StringBuilder();
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>")
        .append(escape(title))
        .append("</title>\n<style>\n")
        .append(
            "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;"
                + "padding:0 1rem;color:#1b1f24}\n"
                + "table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}\n"
                + "th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;"
                + "vertical-align:top}\n"
                + "th{background:#f6f8fa}\ncode,pre{font-family:ui-monospace,monospace}\n"
                + "pre{background:#f6f8fa;padding:.75rem;overflow:auto}\n"
                + "section.event{border-top:2px solid #d0d7de;margin-top:2rem}\n"
                + ".pii{background:#fff1e5;color:#953800;padding:0 .3rem;border-radius:3px}\n"
                + ".deprecated{color:#cf222e;font-weight:bold}\n"
                + "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}\n"
                + "dt{font-weight:600}\ndd{margin:0}\n")
        .append("</style>\n</head>\n<body>\n<h1>")
        .append(escape(title))
        .append("</h1>\n<p id=\"summary\">")
        .append(events.size())
        .append(" events.</p>\n<table id=\"index\">\n<thead><tr><th>event</th><th>format</th>")
        .append("<th>owner</th><th>schema id</th><th>description</th></tr></thead>\n<tbody>\n");
    for (CatalogEntry entry : events) {
      out.append("<tr><td><a href=\"#")
          .append(anchor(entry))
          .append("\"><code>")
          .append(escape(entry.getEventType()))
          .append("</code></a></td><td>")
          .append(format(entry))
          .append("</td><td>")
          .append(escape(entry.getMeta().getOwner()))
          .append("</td><td><code>")
          .append(EventCatalog.hex(entry.getSchemaId()))
          .append("</code></td><td>")
          .append(escape(entry.getMeta().getDescription()))
          .append("</td></tr>\n");
    }
    out.append("</tbody>\n</table>\n");
    for (CatalogEntry entry : events) {
      EventMeta meta = entry.getMeta();
      out.append("<section class=\"event\" id=\"")
          .append(anchor(entry))
          .append("\" data-event-type=\"")
          .append(escape(entry.getEventType()))
          .append("\" data-schema-id=\"")
          .append(EventCatalog.hex(entry.getSchemaId()))
          .append("\">\n<h2>")
          .append(escape(entry.getEventType()))
          .append("</h2>\n");
      if (meta.getDeprecated()) {
        out.append("<p class=\"deprecated\">Deprecated. ")
            .append(escape(meta.getDeprecationNote()))
            .append("</p>\n");
      }
      if (!meta.getDescription().isEmpty()) {
        out.append("<p class=\"description\">")
            .append(escape(meta.getDescription()))
            .append("</p>\n");
      }
      out.append("<dl>\n<dt>Format</dt><dd>")
          .append(format(entry))
          .append("</dd>\n<dt>Owner</dt><dd class=\"owner\">")
          .append(escape(meta.getOwner().isEmpty() ? "—" : meta.getOwner()))
          .append("</dd>\n<dt>Schema id</dt><dd><code class=\"schema-id\">")
          .append(EventCatalog.hex(entry.getSchemaId()))
          .append("</code> (version ")
          .append(entry.getVersion())
          .append(entry.getReleased() ? "" : ", unreleased")
          .append(")</dd>\n");
      List<String> older = olderIds(catalog, entry);
      if (!older.isEmpty()) {
        out.append("<dt>Earlier ids</dt><dd>")
            .append(escape(String.join(", ", older)))
            .append("</dd>\n");
      }
      if (!entry.getJavaClass().isEmpty()) {
        out.append("<dt>Java class</dt><dd><code>")
            .append(escape(entry.getJavaClass()))
            .append("</code></dd>\n");
      }
      if (meta.getNoCardNumbers()) {
        out.append("<dt>Card numbers</dt><dd>refused in every string field</dd>\n");
      }
      out.append("</dl>\n<table class=\"fields\">\n<thead><tr><th>field</th><th>#</th>")
          .append("<th>type</th><th>rules</th><th>PII</th><th>description</th></tr></thead>\n")
          .append("<tbody>\n");
      for (FieldSpec field : entry.getFieldsList()) {
        String pii = RulesText.pii(field.getMeta());
        out.append("<tr data-field=\"")
            .append(escape(field.getPath()))
            .append("\"><td><code>")
            .append(escape(field.getPath()))
            .append("</code></td><td>")
            .append(field.getNumber())
            .append("</td><td><code>")
            .append(escape(type(field)))
            .append("</code></td><td class=\"rules\">")
            .append(escape(RulesText.of(field.getRules())))
            .append("</td><td>")
            .append(pii.isEmpty() ? "" : "<span class=\"pii\">" + escape(pii) + "</span>")
            .append("</td><td>")
            .append(escape(description(field)))
            .append("</td></tr>\n");
      }
      out.append("</tbody>\n</table>\n<h3>Example</h3>\n<pre class=\"example\"><code>")
          .append(escape(Examples.of(entry)))
          .append("</code></pre>\n</section>\n");
    }
    out.append("</body>\n</html>\n");
    return out.toString();
  }

  private static List<String> olderIds(EventCatalog catalog, CatalogEntry entry) {
    List<String> ids = new ArrayList<>();
    for (CatalogEntry version : catalog.versions(entry.getEventType())) {
      if (version.getVersion() < entry.getVersion()) {
        ids.add("v" + version.getVersion() + " " + EventCatalog.hex(version.getSchemaId()));
      }
    }
    return ids;
  }

  private static String type(FieldSpec field) {
    return field.getRepeated() ? "repeated " + field.getType() : field.getType();
  }

  private static String description(FieldSpec field) {
    String text = field.getMeta().getDescription();
    return field.getMeta().getDeprecated() ? ("deprecated. " + text).trim() : text;
  }

  private static String format(CatalogEntry entry) {
    return entry.getFormat().name().charAt(0)
        + entry.getFormat().name().substring(1).toLowerCase(Locale.ROOT);
  }

  /** An HTML id / Markdown anchor for an event: its type, lower case, dots as dashes. */
  static String anchor(CatalogEntry entry) {
    return entry.getEventType().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  /** The text escaped for HTML content and attribute values (quotes included). */
  static String escape(String text) {
    return HtmlEscapers.htmlEscaper().escape(text);
  }
}
