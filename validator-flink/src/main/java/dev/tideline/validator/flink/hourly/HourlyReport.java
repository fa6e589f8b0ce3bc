package dev.tideline.validator.flink.hourly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tideline.validator.ValidationReport;
import dev.tideline.validator.report.Reports;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;

/**
 * An hourly result made into the validator's report, once for every output: the {@link
 * HourlyResult} (hour, kind, revision, tally), the {@link ValidationReport} (totals, delivery,
 * violations, …, for rules such as "alert when {@code report().delivery().lost() > 0}") and its
 * JSON, byte for byte what the report files ({@link HourlyReportSink}) and the results stream
 * ({@link HourlyReportStreamSink}) hold: the validator's format (version 1) with a {@code window}
 * object after {@code version} ({@code hour}, {@code result}, {@code revision}; see
 * docs/formats/validation-report.md).
 *
 * <p>Immutable.
 */
public final class HourlyReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HourlyResult result;
  private final ValidationReport report;
  private final String json;

  private HourlyReport(HourlyResult result, ValidationReport report, String json) {
    this.result = result;
    this.report = report;
    this.json = json;
  }

  /**
   * The report of a result.
   *
   * @param source what was read, for the report's {@code source}: {@code stream clickstream}
   * @param showPii whether to show values of fields tagged as personal data; masked otherwise
   */
  public static HourlyReport of(HourlyResult result, String source, boolean showPii) {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(source, "source");
    ValidationReport report = result.report(source, showPii);
    return new HourlyReport(result, report, json(result, report));
  }

  /** The result reported: its hour, kind, revision and tally. */
  public HourlyResult result() {
    return result;
  }

  /** The report: what {@link #json()} holds but the {@code window}, as objects. */
  public ValidationReport report() {
    return report;
  }

  /** The report as JSON (pretty-printed), with its {@code window} object. */
  public String json() {
    return json;
  }

  private static String json(HourlyResult result, ValidationReport report) {
    try {
      JsonNode fields = JSON.readTree(Reports.json(report));
      ObjectNode json = JSON.createObjectNode();
      for (Map.Entry<String, JsonNode> field : fields.properties()) {
        json.set(field.getKey(), field.getValue());
        if (field.getKey().equals("version")) {
          ObjectNode window = json.putObject("window");
          window.put("hour", result.hourText());
          window.put("result", result.kind().id());
          window.put("revision", result.revision());
        }
      }
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "HourlyReport{"
        + result.hourText()
        + ", "
        + result.kind().id()
        + ", "
        + result.revision()
        + "}";
  }
}
