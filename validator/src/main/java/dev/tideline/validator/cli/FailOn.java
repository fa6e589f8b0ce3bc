package dev.tideline.validator.cli;

import dev.tideline.validator.ValidationReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Release-gate thresholds, parsed from {@code --fail-on}: comma-separated conditions {@code
 * <metric><op><threshold>}, for example {@code invalid>0.1%,lost>0,events<1}. Operators: {@code >},
 * {@code >=}, {@code <} and {@code <=} ({@code events<1}: fail when nothing arrived). A threshold
 * ending in {@code %} is a share of all events (of all records, for {@code malformed}; of all
 * events and unreadable records for {@code invalid}); otherwise a count. Metrics: {@code events},
 * {@code invalid} (invalid events plus unreadable records), {@code malformed}, {@code duplicates},
 * {@code lost}, {@code dropped}, {@code missing}, {@code gaps}, {@code late} (valid events later
 * than 1 h), {@code cold} (later than 6 h), and each invalid reason ({@code rule_violation}, {@code
 * unknown_schema}, {@code undecodable_payload}, {@code invalid_envelope}, {@code
 * outside_shard_range}, {@code bad_checksum}, {@code malformed_aggregate}, {@code pii_in_clear}),
 * and {@code torn_tail} (record files ending inside a record).
 *
 * <p>Immutable and thread-safe.
 */
final class FailOn {
  private static final Pattern CONDITION =
      Pattern.compile("\\s*([a-z_]+)\\s*(>=|>|<=|<)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(%?)\\s*");
  private static final List<String> METRICS =
      List.of(
          "events",
          "invalid",
          "malformed",
          "duplicates",
          "lost",
          "dropped",
          "missing",
          "gaps",
          "late",
          "cold",
          "rule_violation",
          "unknown_schema",
          "undecodable_payload",
          "invalid_envelope",
          "outside_shard_range",
          "bad_checksum",
          "malformed_aggregate",
          "pii_in_clear",
          "torn_tail");

  private static final class Condition {
    final String text;
    final String metric;
    final String operator;
    final double threshold;
    final boolean percent;

    Condition(String text, String metric, String operator, double threshold, boolean percent) {
      this.text = text;
      this.metric = metric;
      this.operator = operator;
      this.threshold = threshold;
      this.percent = percent;
    }
  }

  private final List<Condition> conditions;

  private FailOn(List<Condition> conditions) {
    this.conditions = conditions;
  }

  static FailOn none() {
    return new FailOn(Collections.<Condition>emptyList());
  }

  /**
   * Parses the conditions.
   *
   * @throws IllegalArgumentException naming the condition that does not parse
   */
  static FailOn parse(String text) {
    List<Condition> conditions = new ArrayList<>();
    for (String part : text.split(",")) {
      Matcher m = CONDITION.matcher(part.toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "--fail-on condition '"
                + part.trim()
                + "' does not parse; expected <metric>(>|>=|<|<=)<number>[%], for example"
                + " invalid>0.1% or events<1");
      }
      if (!METRICS.contains(m.group(1))) {
        throw new IllegalArgumentException(
            "--fail-on metric '" + m.group(1) + "' is unknown; known metrics: " + METRICS);
      }
      conditions.add(
          new Condition(
              part.trim(),
              m.group(1),
              m.group(2),
              Double.parseDouble(m.group(3)),
              !m.group(4).isEmpty()));
    }
    return new FailOn(conditions);
  }

  /** The conditions the report breaks, each with the measured value; empty when it passes. */
  List<String> broken(ValidationReport report) {
    List<String> broken = new ArrayList<>();
    for (Condition condition : conditions) {
      double count = value(report, condition.metric);
      double base;
      if (condition.metric.equals("malformed")
          || condition.metric.equals("bad_checksum")
          || condition.metric.equals("malformed_aggregate")) {
        base = report.totals().records();
      } else if (condition.metric.equals("invalid")) {
        base = report.totals().events() + report.totals().recordsMalformed();
      } else {
        base = report.totals().events();
      }
      double measured = condition.percent ? (base == 0 ? 0 : 100.0 * count / base) : count;
      boolean fails;
      switch (condition.operator) {
        case ">=":
          fails = measured >= condition.threshold;
          break;
        case "<":
          fails = measured < condition.threshold;
          break;
        case "<=":
          fails = measured <= condition.threshold;
          break;
        default:
          fails = measured > condition.threshold;
      }
      if (fails) {
        broken.add(
            condition.text
                + " (measured "
                + (condition.percent
                    ? String.format(Locale.ROOT, "%.3f%% = %d", measured, (long) count)
                    : Long.toString((long) count))
                + ")");
      }
    }
    return broken;
  }

  private static double value(ValidationReport report, String metric) {
    switch (metric) {
      case "events":
        return report.totals().events();
      case "invalid":
        // An unreadable record is one more thing that did not validate.
        return report.totals().invalid() + report.totals().recordsMalformed();
      case "malformed":
        return report.totals().recordsMalformed();
      case "duplicates":
        return report.totals().duplicates();
      case "lost":
        return report.delivery().lost();
      case "dropped":
        return report.delivery().reportedDropped();
      case "missing":
        return report.delivery().missing();
      case "gaps":
        return report.delivery().sequenceGaps();
      case "late":
        return report.lateness().buckets().le6h() + report.lateness().buckets().cold();
      case "cold":
        return report.lateness().buckets().cold();
      case "torn_tail":
        return report.sourceDamage().tornTails();
      case "bad_checksum":
      case "malformed_aggregate":
        return report.malformedRecordsByReason().getOrDefault(metric, 0L);
      default:
        return report.totals().invalidByReason().getOrDefault(metric, 0L);
    }
  }
}
