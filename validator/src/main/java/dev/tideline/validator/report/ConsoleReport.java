package dev.tideline.validator.report;

import dev.tideline.validator.ValidationReport;
import java.util.Locale;
import java.util.Map;

/**
 * The report as a table for terminals: totals (distinct events first), one line per event type,
 * invalid by reason, source damage, delivery. Values read from records are made {@link
 * Text#printable printable}.
 */
final class ConsoleReport {
  private ConsoleReport() {}

  static String render(ValidationReport report) {
    StringBuilder out = new StringBuilder();
    ValidationReport.Totals t = report.totals();
    // Distinct events first: valid and invalid count every copy, so a duplicate counts twice.
    out.append(
        String.format(
            Locale.ROOT,
            "Tideline validation of %s%n%d distinct events%s in %d records (%d malformed)%n"
                + "%d events: %d valid, %d invalid (%s), duplicates included%n%n",
            Text.printable(report.source()),
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
            Text.percent(t.invalid(), t.events())));
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
              truncate(Text.printable(type.eventType()), 40),
              type.events(),
              type.valid(),
              type.invalid(),
              type.duplicates(),
              type.lateness().hot(),
              type.lateness().le1h(),
              type.lateness().le6h(),
              type.lateness().cold(),
              Text.duration(type.latenessPercentilesMs().p99())));
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
        out.append("  ").append(Text.printable(region.message())).append(System.lineSeparator());
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

  private static String truncate(String text, int width) {
    return text.length() <= width ? text : "…" + text.substring(text.length() - width + 1);
  }
}
