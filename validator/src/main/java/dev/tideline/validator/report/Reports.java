package dev.tideline.validator.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tideline.validator.DeliveryReport;
import dev.tideline.validator.ValidationReport;
import java.io.IOException;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

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

  /** The delivery report as JSON (docs/formats/validation-report.md). */
  public static String json(DeliveryReport report) {
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
    return ConsoleReport.render(report);
  }

  /**
   * The text with every character that a terminal could act on (C0 and C1 controls, DEL, and the
   * bidirectional overrides that reorder what is shown) replaced by a visible {@code \\uXXXX}, so
   * that values read from records (event types, file names) cannot move the cursor, clear the
   * screen or disguise other text. Null stays null.
   */
  public static @Nullable String printable(@Nullable String text) {
    return text == null ? null : Text.printable(text);
  }
}
