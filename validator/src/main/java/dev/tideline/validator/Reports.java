package dev.tideline.validator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link ValidationReport}: JSON (docs/formats/validation-report.md), a console table,
 * and a self-contained HTML page with inline SVG charts ({@link HtmlReport}).
 *
 * <p>Stateless and thread-safe.
 */
public final class Reports {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private Reports() {}

  /** Writes the report as JSON; does not close the stream. */
  public static void writeJson(ValidationReport report, OutputStream out) throws IOException {
    JSON.writeValue(out, report);
  }

  /** The report as a JSON string. */
  public static String json(ValidationReport report) {
    try {
      return JSON.writeValueAsString(report);
    } catch (IOException e) {
      throw new IllegalStateException("a report always serializes", e);
    }
  }

  /** The report as an HTML page that needs no server and no network. */
  public static String html(ValidationReport report) {
    return HtmlReport.render(report);
  }

  /** A table for terminals: totals, then one line per event type, then delivery. */
  public static String console(ValidationReport report) {
    StringBuilder out = new StringBuilder();
    ValidationReport.Totals t = report.totals();
    // Distinct events first: valid and invalid count every copy, so a duplicate counts twice.
    out.append(
        String.format(
            Locale.ROOT,
            "Tideline validation of %s%n%d distinct events%s in %d records (%d malformed)%n"
                + "%d events: %d valid, %d invalid (%s), duplicates included%n%n",
            printable(report.source()),
            t.events() - t.duplicates(),
            t.duplicates() == 0
                ? ""
                : " and "
                    + t.duplicates()
                    + (t.duplicates() == 1 ? " duplicate" : " duplicates")
                    + (t.dedupWindowEvictions() > 0
                        ? " (at least: the dedup window forgot "
                            + t.dedupWindowEvictions()
                            + " ids)"
                        : ""),
            t.records(),
            t.recordsMalformed(),
            t.events(),
            t.valid(),
            t.invalid(),
            percent(t.invalid(), t.events())));
    String format = "%-40s %8s %8s %8s %6s %8s %8s %8s %8s %10s%n";
    out.append(
        String.format(
            Locale.ROOT,
            format,
            "event type",
            "events",
            "valid",
            "invalid",
            "dups",
            "hot",
            "<=1h",
            "<=6h",
            "cold",
            "p99 late"));
    for (ValidationReport.TypeSummary type : report.byEventType()) {
      out.append(
          String.format(
              Locale.ROOT,
              format,
              truncate(printable(type.eventType()), 40),
              type.events(),
              type.valid(),
              type.invalid(),
              type.duplicates(),
              type.lateness().hot(),
              type.lateness().le1h(),
              type.lateness().le6h(),
              type.lateness().cold(),
              duration(type.latenessPercentilesMs().p99())));
    }
    if (!t.invalidByReason().isEmpty() || !report.malformedRecordsByReason().isEmpty()) {
      out.append(String.format("%nInvalid by reason:%n"));
      for (Map.Entry<String, Long> reason : t.invalidByReason().entrySet()) {
        out.append(
            String.format(Locale.ROOT, "  %-28s %8d events%n", reason.getKey(), reason.getValue()));
      }
      for (Map.Entry<String, Long> reason : report.malformedRecordsByReason().entrySet()) {
        out.append(
            String.format(
                Locale.ROOT, "  %-28s %8d records%n", reason.getKey(), reason.getValue()));
      }
    }
    ValidationReport.Damage damage = report.sourceDamage();
    if (damage != null && !damage.regions().isEmpty()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%nSource damage: %d torn tails, %d corrupt regions, %d bytes skipped%n",
              damage.tornTails(),
              damage.corrupt(),
              damage.bytesSkipped()));
      for (ValidationReport.SourceDamage region : damage.regions()) {
        out.append("  ").append(printable(region.message())).append(System.lineSeparator());
      }
    }
    ValidationReport.Delivery d = report.delivery();
    out.append(
        String.format(
            Locale.ROOT,
            "%nDelivery: %d producers (%d audited), %d sequence gaps, %d missing, %d dropped"
                + " (reported), %d lost%n",
            d.producers(),
            d.auditedProducers(),
            d.sequenceGaps(),
            d.missing(),
            d.reportedDropped(),
            d.lost()));
    return out.toString();
  }

  /**
   * The text with every character that a terminal could act on (C0 and C1 controls, DEL, and the
   * bidirectional overrides that reorder what is shown) replaced by a visible {@code \\uXXXX}, so
   * that values read from records (event types, file names) cannot move the cursor, clear the
   * screen or disguise other text. Null stays null.
   */
  public static String printable(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean unsafe =
          c < 0x20
              || (c >= 0x7f && c <= 0x9f)
              || (c >= 0x202a && c <= 0x202e)
              || (c >= 0x2066 && c <= 0x2069);
      if (unsafe && out == null) {
        out = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      if (unsafe) {
        out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  static String percent(long part, long whole) {
    return whole == 0 ? "0%" : String.format(Locale.ROOT, "%.2f%%", 100.0 * part / whole);
  }

  static String duration(long ms) {
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 120_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    if (ms < 7_200_000) {
      return String.format(Locale.ROOT, "%.1f min", ms / 60_000.0);
    }
    return String.format(Locale.ROOT, "%.1f h", ms / 3_600_000.0);
  }

  private static String truncate(String text, int width) {
    return text.length() <= width ? text : "…" + text.substring(text.length() - width + 1);
  }
}
