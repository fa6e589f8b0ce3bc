package dev.tideline.validator.report;

import com.google.common.html.HtmlEscapers;
import dev.tideline.validator.ValidationReport;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The HTML report: one page, inline CSS and inline SVG charts drawn here, no script and no network,
 * so it opens from a file, a CI artifact or an e-mail attachment.
 *
 * <p>Every value from the report passes through {@link #esc}. Wide tables and charts sit in
 * horizontally scrolling boxes, so a narrow window cuts nothing off.
 */
final class HtmlReport {
  private static final String[] COLORS = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac"
  };

  /** No text on the page is smaller; chart text is laid out for this size. */
  static final int MIN_FONT_PX = 13;

  /** A generous estimate of the width of one character at {@link #MIN_FONT_PX}, for layout. */
  private static final double CHAR_PX = 8.3;

  private static final int MIN_WIDTH = 760;
  private static final int PLOT_HEIGHT = 220;
  private static final int TOP = 28;
  private static final int RIGHT = 16;

  /** Horizontal room per bar group that keeps rotated hour labels from running into each other. */
  private static final int MIN_SLOT = 36;

  /** At most this many steps on a value axis, which keeps its maximum within 1.25× the data's. */
  static final int MAX_TICKS = 8;

  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SHORT_HOUR =
      DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private static final String CSS =
      "body{font-family:system-ui,sans-serif;font-size:15px;line-height:1.4;margin:16px;"
          + "color:#222;max-width:1280px}"
          + "h1,h2,p,summary{overflow-wrap:anywhere}"
          + "h2{margin:32px 0 8px}"
          + ".scroll{overflow-x:auto;max-width:100%;margin:8px 0 24px}"
          + "table{border-collapse:collapse}"
          + "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right;font-size:14px;"
          + "white-space:nowrap}"
          + "td.wrap{white-space:normal;min-width:12em;max-width:32em}"
          + "th{background:#f3f3f3}td.l,th.l{text-align:left}"
          + "tr.subtotal td{font-weight:600;background:#f8f8f8}"
          + "tfoot td{font-weight:700;border-top:2px solid #888}"
          + "summary{cursor:pointer;font-weight:600;margin:8px 0}"
          + ".note{max-width:900px}"
          + ".chart{display:block;border:1px solid #ddd;background:#fff}"
          + "svg text{font-size:13px;fill:#222}svg text.axis-title{font-weight:600}"
          + ".bad{color:#b00}";

  private HtmlReport() {}

  /** How a chart draws its series. */
  private enum Layout {
    /** Series stacked in one bar per label. */
    STACKED,
    /** Series side by side, with a gap between bars. */
    GROUPED,
    /** Side by side, values are shares in percent (axis to 100%). */
    GROUPED_PERCENT
  }

  private static final class Series {
    final String name;
    final String color;
    final double[] values;

    Series(String name, String color, double[] values) {
      this.name = name;
      this.color = color;
      this.values = values;
    }
  }

  static String render(ValidationReport report) {
    StringBuilder html = new StringBuilder(64_000);
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Tideline validation report</title><style>")
        .append(CSS)
        .append("</style></head><body>\n");
    ValidationReport.Totals t = report.totals();
    html.append("<h1>Tideline validation report</h1>\n<p>")
        .append(esc(report.source()))
        .append(" &middot; generated ")
        .append(esc(instant(report.generatedAt(), ChronoUnit.SECONDS)));
    if (t.firstArrival() == null) {
      html.append(" &middot; no records read");
    } else {
      // Arrival times are the stream's (milliseconds): two arrivals within a second stay apart.
      html.append(" &middot; arrivals ")
          .append(esc(instant(t.firstArrival(), ChronoUnit.MILLIS)))
          .append(" to ")
          .append(esc(instant(t.lastArrival(), ChronoUnit.MILLIS)));
    }
    html.append("</p>\n");
    table(
        html,
        "totals",
        new String[] {
          "records",
          "malformed",
          "events",
          "valid",
          "invalid",
          "invalid %",
          "duplicates",
          "lost",
          "dropped"
        },
        new Object[] {
          t.records(),
          t.recordsMalformed(),
          t.events(),
          t.valid(),
          t.invalid(),
          Text.percent(t.invalid(), t.events()),
          t.duplicates(),
          report.delivery().lost(),
          report.delivery().reportedDropped()
        });
    ValidationReport.Damage damage = report.sourceDamage();
    if (damage != null && !damage.regions().isEmpty()) {
      html.append("<h2>Source damage</h2>\n<div class=\"scroll\"><table id=\"damage\"><tr>")
          .append("<th class=\"l\">kind</th><th class=\"l\">file</th><th>offset</th>")
          .append("<th>bytes skipped</th><th>after record</th><th class=\"l\">what</th></tr>\n");
      for (ValidationReport.SourceDamage region : damage.regions()) {
        html.append("<tr><td class=\"l\">")
            .append(esc(region.kind()))
            .append("</td><td class=\"l\">")
            .append(esc(region.file()))
            .append("</td>")
            .append(td(region.offset()))
            .append(td(region.bytes()))
            .append(td(region.afterRecord()))
            .append("<td class=\"l wrap\">")
            .append(esc(region.message()))
            .append("</td></tr>\n");
      }
      html.append("</table></div>\n");
    }

    html.append("<h2>Volume per event-time hour and type</h2>\n");
    html.append(volumeChart(report));
    html.append("<h2>Events per type and hour</h2>\n")
        .append("<p class=\"note\">One row per hour &times; event type &times; platform &times;")
        .append(" app version, sorted by hour, then type; each hour with more than one row ends")
        .append(" with its total. By event time, an event counts in the hour of its event time as")
        .append(" the device stamped it (the partition a data lake writes it to); events without")
        .append(" a readable envelope or event time are left out. By arrival, every event counts")
        .append(" in the hour Kinesis received it; unreadable ones as <i>(unreadable)</i>.")
        .append(" Lateness columns count valid first copies.</p>\n");
    volumeTable(html, "by-event-hour", "By event-time hour", report.byEventHour());
    volumeTable(html, "by-arrival-hour", "By arrival hour", report.byArrivalHour());

    html.append("<h2>Lateness</h2>\n<p class=\"note\" id=\"lateness-note\">Lateness is the")
        .append(" time from an event to its arrival. Trust the <b>corrected</b> lateness: it")
        .append(" takes the gap between the envelope's sent time and the arrival as the device")
        .append(" clock's skew and removes it, which leaves the time from the event to its")
        .append(" sending, both read on the same device clock, so a clock minutes or hours off")
        .append(" cancels out (the network transit, usually seconds, is left out with it). The")
        .append(" <b>raw</b> lateness, arrival minus the event time as stamped, includes the")
        .append(" skew: it shows how far device clocks are off, and is the same as the corrected")
        .append(" one for events without a sent time.</p>\n");
    latenessTable(html, report.lateness());
    html.append(latenessChart(report));
    html.append("<h2>Invalid by reason</h2>\n");
    html.append(invalidChart(report));
    html.append("<h2>Completeness of each event-time hour</h2>\n")
        .append("<p class=\"note\">Of each hour's valid first copies, the share that had arrived")
        .append(" 1 minute, 1 hour and 6 hours after the hour's end.</p>\n");
    html.append(completenessChart(report));

    html.append("<h2>Event types</h2>\n<div class=\"scroll\"><table id=\"types\"><tr>")
        .append("<th class=\"l\">event type</th>")
        .append("<th>events</th><th>valid</th><th>invalid</th><th>duplicates</th><th>hot</th>")
        .append("<th>&le;1h</th><th>&le;6h</th><th>cold</th><th>p50</th><th>p99</th></tr>\n");
    for (ValidationReport.TypeSummary type : report.byEventType()) {
      html.append("<tr><td class=\"l\">")
          .append(esc(type.eventType()))
          .append("</td>")
          .append(td(type.events()))
          .append(td(type.valid()))
          .append(td(type.invalid()))
          .append(td(type.duplicates()))
          .append(td(type.lateness().hot()))
          .append(td(type.lateness().le1h()))
          .append(td(type.lateness().le6h()))
          .append(td(type.lateness().cold()))
          .append("<td>")
          .append(esc(Text.duration(type.latenessPercentilesMs().p50())))
          .append("</td><td>")
          .append(esc(Text.duration(type.latenessPercentilesMs().p99())))
          .append("</td></tr>\n");
    }
    html.append("</table></div>\n<h2>Violations</h2>\n")
        .append("<div class=\"scroll\"><table id=\"violations\"><tr>")
        .append(
            "<th class=\"l\">event type</th><th class=\"l\">reason</th><th class=\"l\">code</th>")
        .append("<th class=\"l\">path</th><th>count</th><th class=\"l\">expected</th>")
        .append("<th class=\"l\">actual</th><th class=\"l\">example event</th></tr>\n");
    for (ValidationReport.ViolationSummary v : report.violations()) {
      html.append("<tr><td class=\"l\">")
          .append(esc(v.eventType()))
          .append("</td><td class=\"l\">")
          .append(esc(v.reason()))
          .append("</td><td class=\"l\">")
          .append(esc(v.code()))
          .append("</td><td class=\"l\">")
          .append(esc(v.path()))
          .append("</td>")
          .append(td(v.count()))
          .append("<td class=\"l\">")
          .append(esc(v.expected()))
          .append("</td><td class=\"l\">")
          .append(esc(v.actual()))
          .append("</td><td class=\"l\">")
          .append(esc(v.exampleEventId()))
          .append("</td></tr>\n");
    }
    html.append("</table></div>\n<h2>Delivery per producer</h2>\n")
        .append("<div class=\"scroll\"><table id=\"producers\"><tr>")
        .append("<th class=\"l\">producer</th><th>events</th><th>first seq</th><th>last seq</th>")
        .append(
            "<th>missing</th><th>repeats</th><th>audited</th><th>dropped</th><th>lost</th></tr>\n");
    for (ValidationReport.Producer p : report.producers()) {
      html.append("<tr><td class=\"l\">")
          .append(esc(p.producerId()))
          .append("</td>")
          .append(td(p.events()))
          .append(td(p.firstSequence()))
          .append(td(p.lastSequence()))
          .append(td(p.missing()))
          .append(td(p.repeats()))
          .append("<td>")
          .append(p.audited() ? "yes" : "no")
          .append("</td>")
          .append(td(p.reportedDropped()))
          .append(td(p.lost()))
          .append("</tr>\n");
    }
    html.append("</table></div>\n");
    settings(html, report);
    html.append("</body></html>\n");
    return html.toString();
  }

  /** A one-row table of figures under their headings. */
  private static void table(StringBuilder html, String id, String[] headings, Object[] cells) {
    html.append("<div class=\"scroll\"><table id=\"").append(id).append("\"><tr>");
    for (String heading : headings) {
      html.append("<th>").append(esc(heading)).append("</th>");
    }
    html.append("</tr><tr>");
    for (Object cell : cells) {
      html.append("<td>").append(esc(String.valueOf(cell))).append("</td>");
    }
    html.append("</tr></table></div>\n");
  }

  /** How the run was configured, each setting with what it means. */
  private static void settings(StringBuilder html, ValidationReport report) {
    ValidationReport.Settings s = report.settings();
    html.append("<h2>Settings</h2>\n<div class=\"scroll\"><table id=\"settings\"><tr>")
        .append("<th class=\"l\">setting</th><th>value</th><th class=\"l\">what it is</th></tr>\n");
    setting(
        html,
        "dedup-window",
        "dedup window",
        String.format(Locale.ROOT, "%,d event ids", s.dedupWindowSize()),
        "the number of event ids remembered for duplicate detection; "
            + (report.totals().dedupWindowEvictions() == 0
                ? "none had to be forgotten, so the duplicate count is exact"
                : String.format(
                    Locale.ROOT,
                    "%,d had to be forgotten, so the duplicate count is a lower bound",
                    report.totals().dedupWindowEvictions())));
    setting(
        html,
        "clock-skew-tolerance",
        "clock skew tolerance",
        s.clockSkewToleranceSeconds() + " s",
        "how far after its arrival an event time may lie before the envelope is invalid");
    setting(
        html,
        "pii",
        "personal data",
        s.piiMasked() ? "masked" : "shown",
        "whether values of fields tagged as personal are shown in this report or replaced by ***");
    setting(
        html,
        "completeness-checkpoints",
        "completeness checkpoints",
        String.join(", ", s.completenessCheckpoints()),
        "when, after an hour's end, the arrived share of its events is measured");
    html.append("</table></div>\n");
  }

  private static void setting(
      StringBuilder html, String id, String name, String value, String meaning) {
    html.append("<tr id=\"setting-")
        .append(id)
        .append("\"><td class=\"l\">")
        .append(esc(name))
        .append("</td><td>")
        .append(esc(value))
        .append("</td><td class=\"l wrap\">")
        .append(esc(meaning))
        .append("</td></tr>\n");
  }

  /** Sums of volume rows: an hour's total, or the whole table's. */
  private static final class Sum {
    long events;
    long valid;
    long invalid;
    long duplicates;
    long hot;
    long le1h;
    long le6h;
    long cold;
    final Map<String, Long> invalidByReason = new TreeMap<>();

    void add(ValidationReport.Row row) {
      events += row.events();
      valid += row.valid();
      invalid += row.invalid();
      duplicates += row.duplicates();
      hot += row.lateness().hot();
      le1h += row.lateness().le1h();
      le6h += row.lateness().le6h();
      cold += row.lateness().cold();
      for (Map.Entry<String, Long> reason : row.invalidByReason().entrySet()) {
        invalidByReason.merge(reason.getKey(), reason.getValue(), Long::sum);
      }
    }

    void cells(StringBuilder html) {
      html.append(td(events))
          .append(td(valid))
          .append(td(invalid))
          .append(td(duplicates))
          .append(td(hot))
          .append(td(le1h))
          .append(td(le6h))
          .append(td(cold))
          .append("<td class=\"l wrap\">")
          .append(reasons(invalidByReason))
          .append("</td>");
    }
  }

  private static final Comparator<ValidationReport.Row> BY_HOUR_THEN_TYPE =
      Comparator.<ValidationReport.Row, String>comparing(r -> r.hour())
          .thenComparing(r -> r.eventType())
          .thenComparing(r -> r.platform())
          .thenComparing(r -> r.appVersion());

  /** Volume rows per hour × type × platform × app version, with hour totals and a grand total. */
  private static void volumeTable(
      StringBuilder html, String id, String title, List<ValidationReport.Row> unsorted) {
    List<ValidationReport.Row> rows = new ArrayList<>(unsorted);
    rows.sort(BY_HOUR_THEN_TYPE);
    TreeSet<String> hours = new TreeSet<>();
    TreeSet<String> types = new TreeSet<>();
    Sum total = new Sum();
    for (ValidationReport.Row row : rows) {
      hours.add(row.hour());
      types.add(row.eventType());
      total.add(row);
    }
    // Short tables open; a long one stays one line until asked for.
    html.append(rows.size() <= 60 ? "<details open>" : "<details>")
        .append("<summary>")
        .append(esc(title))
        .append(": ")
        .append(
            esc(
                String.format(
                    Locale.ROOT,
                    "%d events in %d rows over %d hours and %d event types",
                    total.events,
                    rows.size(),
                    hours.size(),
                    types.size())))
        .append("</summary>\n");
    if (rows.isEmpty()) {
      html.append("<p id=\"").append(id).append("\">No events.</p></details>\n");
      return;
    }
    html.append("<div class=\"scroll\"><table id=\"")
        .append(id)
        .append("\"><thead><tr><th class=\"l\" rowspan=\"2\">hour (UTC)</th>")
        .append("<th class=\"l\" rowspan=\"2\">event type</th>")
        .append("<th class=\"l\" rowspan=\"2\">platform</th>")
        .append("<th class=\"l\" rowspan=\"2\">app version</th>")
        .append("<th rowspan=\"2\">events</th><th rowspan=\"2\">valid</th>")
        .append("<th rowspan=\"2\">invalid</th><th rowspan=\"2\">duplicates</th>")
        .append("<th colspan=\"4\">lateness</th>")
        .append("<th class=\"l\" rowspan=\"2\">invalid by reason</th></tr>\n")
        .append("<tr><th>hot</th><th>&le;1h</th><th>&le;6h</th><th>cold</th></tr></thead>\n")
        .append("<tbody>\n");
    int start = 0;
    while (start < rows.size()) {
      String hour = rows.get(start).hour();
      int end = start;
      Sum hourSum = new Sum();
      while (end < rows.size() && rows.get(end).hour().equals(hour)) {
        ValidationReport.Row row = rows.get(end++);
        hourSum.add(row);
        html.append("<tr class=\"row\"><td class=\"l\">")
            .append(hourCell(hour))
            .append("</td><td class=\"l\">")
            .append(esc(row.eventType()))
            .append("</td><td class=\"l\">")
            .append(esc(row.platform()))
            .append("</td><td class=\"l\">")
            .append(esc(row.appVersion()))
            .append("</td>")
            .append(td(row.events()))
            .append(td(row.valid()))
            .append(td(row.invalid()))
            .append(td(row.duplicates()))
            .append(td(row.lateness().hot()))
            .append(td(row.lateness().le1h()))
            .append(td(row.lateness().le6h()))
            .append(td(row.lateness().cold()))
            .append("<td class=\"l wrap\">")
            .append(reasons(row.invalidByReason()))
            .append("</td></tr>\n");
      }
      if (end - start > 1) {
        html.append("<tr class=\"subtotal\"><td class=\"l\">")
            .append(hourCell(hour))
            .append("</td><td class=\"l\" colspan=\"3\">all types</td>");
        hourSum.cells(html);
        html.append("</tr>\n");
      }
      start = end;
    }
    html.append("</tbody><tfoot><tr class=\"total\"><td class=\"l\" colspan=\"4\">total</td>");
    total.cells(html);
    html.append("</tr></tfoot></table></div></details>\n");
  }

  /** "rule_violation 2, unknown_schema 1", escaped. */
  private static String reasons(Map<String, Long> byReason) {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, Long> reason : byReason.entrySet()) {
      if (text.length() > 0) {
        text.append(", ");
      }
      text.append(reason.getKey()).append(' ').append(reason.getValue());
    }
    return esc(text.toString());
  }

  /** The hour as a {@code <time>} element: readable text, the exact instant in its attribute. */
  private static String hourCell(String hour) {
    try {
      return "<time datetime=\""
          + esc(hour)
          + "\">"
          + esc(HOUR.format(Instant.parse(hour)))
          + "</time>";
    } catch (DateTimeParseException e) {
      return esc(hour);
    }
  }

  /** An ISO-8601 instant cut to {@code unit} (seconds or milliseconds), in UTC with a Z. */
  static String instant(@Nullable String iso, ChronoUnit unit) {
    if (iso == null) {
      return "";
    }
    try {
      return Instant.parse(iso).truncatedTo(unit).toString();
    } catch (DateTimeParseException e) {
      return iso;
    }
  }

  private static String shortHour(String hour) {
    try {
      return SHORT_HOUR.format(Instant.parse(hour));
    } catch (DateTimeParseException e) {
      return hour;
    }
  }

  private static void latenessTable(StringBuilder html, ValidationReport.Lateness lateness) {
    html.append("<div class=\"scroll\"><table id=\"lateness\"><tr><th class=\"l\">lateness</th>")
        .append("<th>hot (&le;1 min)</th><th>&le;1 h</th><th>&le;6 h</th><th>cold (&gt;6 h)</th>")
        .append("<th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>\n");
    latenessRow(html, "corrected (trust this)", lateness.buckets(), lateness.percentilesMs());
    latenessRow(html, "raw", lateness.rawBuckets(), lateness.rawPercentilesMs());
    html.append("</table></div>\n");
  }

  private static void latenessRow(
      StringBuilder html, String name, ValidationReport.Buckets b, ValidationReport.Percentiles p) {
    html.append("<tr><td class=\"l\">")
        .append(esc(name))
        .append("</td>")
        .append(td(b.hot()))
        .append(td(b.le1h()))
        .append(td(b.le6h()))
        .append(td(b.cold()));
    for (long ms : new long[] {p.p50(), p.p90(), p.p99(), p.max()}) {
      html.append("<td>").append(esc(Text.duration(ms))).append("</td>");
    }
    html.append("</tr>\n");
  }

  private static String volumeChart(ValidationReport report) {
    Map<String, Map<String, Long>> byHour = new TreeMap<>();
    TreeSet<String> types = new TreeSet<>();
    for (ValidationReport.Row row : report.byEventHour()) {
      byHour
          .computeIfAbsent(row.hour(), h -> new TreeMap<>())
          .merge(row.eventType(), row.events(), Long::sum);
      types.add(row.eventType());
    }
    List<String> hours = new ArrayList<>(byHour.keySet());
    List<Map<String, Long>> eventsByType = new ArrayList<>(byHour.values()); // hour by hour
    List<Series> series = new ArrayList<>();
    int color = 0;
    for (String type : types) {
      double[] values = new double[hours.size()];
      for (int i = 0; i < hours.size(); i++) {
        values[i] = eventsByType.get(i).getOrDefault(type, 0L);
      }
      series.add(new Series(type, COLORS[color++ % COLORS.length], values));
    }
    List<String> labels = new ArrayList<>();
    for (String hour : hours) {
      labels.add(shortHour(hour));
    }
    return barChart(
        "chart-volume", "event-time hour (UTC)", "events", labels, series, Layout.STACKED);
  }

  private static String latenessChart(ValidationReport report) {
    ValidationReport.Buckets corrected = report.lateness().buckets();
    ValidationReport.Buckets raw = report.lateness().rawBuckets();
    List<Series> series = new ArrayList<>();
    series.add(
        new Series(
            "corrected (trust this)",
            COLORS[0],
            new double[] {corrected.hot(), corrected.le1h(), corrected.le6h(), corrected.cold()}));
    series.add(
        new Series("raw", COLORS[1], new double[] {raw.hot(), raw.le1h(), raw.le6h(), raw.cold()}));
    List<String> labels = List.of("hot (≤1 min)", "≤1 h", "≤6 h", "cold (>6 h)");
    return barChart(
        "chart-lateness",
        "lateness (arrival − event time)",
        "valid first copies",
        labels,
        series,
        Layout.GROUPED);
  }

  private static String invalidChart(ValidationReport report) {
    Map<String, Long> reasons = new LinkedHashMap<>(report.totals().invalidByReason());
    for (Map.Entry<String, Long> malformed : report.malformedRecordsByReason().entrySet()) {
      reasons.merge(malformed.getKey() + " (records)", malformed.getValue(), Long::sum);
    }
    List<String> labels = new ArrayList<>(reasons.keySet());
    List<Long> counts = new ArrayList<>(reasons.values()); // label by label
    double[] values = new double[labels.size()];
    for (int i = 0; i < labels.size(); i++) {
      values[i] = counts.get(i);
    }
    return barChart(
        "chart-invalid",
        "reason",
        "events (or records)",
        labels,
        List.of(new Series("invalid", COLORS[2], values)),
        Layout.GROUPED);
  }

  private static String completenessChart(ValidationReport report) {
    Map<String, long[]> byHour = new TreeMap<>();
    List<String> checkpoints = report.settings().completenessCheckpoints();
    for (ValidationReport.Completeness c : report.completeness()) {
      long[] sums = byHour.computeIfAbsent(c.hour(), h -> new long[1 + checkpoints.size()]);
      sums[0] += c.events();
      for (int i = 0; i < checkpoints.size(); i++) {
        sums[i + 1] += c.arrivedBy().getOrDefault(checkpoints.get(i), 0L);
      }
    }
    List<String> hours = new ArrayList<>(byHour.keySet());
    List<long[]> sumsByHour = new ArrayList<>(byHour.values()); // hour by hour
    List<Series> series = new ArrayList<>();
    for (int i = 0; i < checkpoints.size(); i++) {
      double[] values = new double[hours.size()];
      for (int h = 0; h < hours.size(); h++) {
        long[] sums = sumsByHour.get(h);
        values[h] = sums[0] == 0 ? 100 : 100.0 * sums[i + 1] / sums[0];
      }
      series.add(
          new Series("arrived by " + checkpoints.get(i), COLORS[(i + 3) % COLORS.length], values));
    }
    List<String> labels = new ArrayList<>();
    for (String hour : hours) {
      labels.add(shortHour(hour));
    }
    return barChart(
        "chart-completeness",
        "event-time hour (UTC)",
        "arrived share",
        labels,
        series,
        Layout.GROUPED_PERCENT);
  }

  /**
   * A bar chart as inline SVG in a horizontally scrolling box: each bar is a rect of class "bar",
   * value-axis labels are texts of class "tick-y", the two axis titles texts of class "axis-title".
   * The chart grows wider with its labels rather than crowding them.
   */
  private static String barChart(
      String id,
      String xTitle,
      String yTitle,
      List<String> labels,
      List<Series> series,
      Layout layout) {
    StringBuilder svg = new StringBuilder();
    svg.append("<div class=\"scroll\">");
    if (labels.isEmpty()) {
      svg.append("<svg class=\"chart\" id=\"")
          .append(id)
          .append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
          .append(MIN_WIDTH)
          .append("\" height=\"60\" role=\"img\"><text class=\"empty\" x=\"")
          .append(MIN_WIDTH / 2)
          .append("\" y=\"34\" text-anchor=\"middle\">no data</text></svg></div>\n");
      return svg.toString();
    }
    boolean stacked = layout == Layout.STACKED;
    boolean percent = layout == Layout.GROUPED_PERCENT;
    double dataMax = 0;
    for (int i = 0; i < labels.size(); i++) {
      double stack = 0;
      for (Series s : series) {
        stack = stacked ? stack + s.values[i] : Math.max(stack, s.values[i]);
      }
      dataMax = Math.max(dataMax, stack);
    }
    double step = percent ? 25 : axisStep(dataMax);
    int ticks = percent ? 4 : Math.max(1, (int) Math.ceil(dataMax / step));
    double max = step * ticks;

    int tickChars = 0;
    for (int i = 0; i <= ticks; i++) {
      tickChars = Math.max(tickChars, tickLabel(step * i, percent).length());
    }
    int labelChars = 0;
    for (String label : labels) {
      labelChars = Math.max(labelChars, label.length());
    }
    double labelWidth = labelChars * CHAR_PX;
    int barsPerSlot = stacked ? 1 : series.size();
    double leftForTicks = 36 + tickChars * CHAR_PX;
    double slot =
        Math.max(
            Math.max(MIN_SLOT, barsPerSlot * 16 + 12),
            (MIN_WIDTH - leftForTicks - RIGHT) / labels.size());
    boolean rotate = labelWidth > slot - 8;
    // Rotated labels hang to the left of their bar: the first must not leave the chart.
    double left =
        Math.ceil(
            Math.max(
                leftForTicks,
                rotate ? labelWidth * 0.87 - slot / 2 + 8 : labelWidth / 2 - slot / 2 + 8));
    int width = (int) Math.ceil(left + slot * labels.size() + RIGHT);
    int baseline = TOP + PLOT_HEIGHT;
    double labelsHeight = rotate ? labelWidth / 2 + MIN_FONT_PX + 14 : MIN_FONT_PX + 14;
    int xTitleY = (int) Math.ceil(baseline + labelsHeight + 18);
    int legendChars = 0;
    for (Series s : series) {
      legendChars = Math.max(legendChars, s.name.length());
    }
    double legendColumn = legendChars * CHAR_PX + 32;
    int columns = Math.max(1, (int) ((width - left - RIGHT) / legendColumn));
    int legendRows = series.size() > 1 ? (series.size() + columns - 1) / columns : 0;
    int legendTop = xTitleY + 16;
    int height = legendTop + 22 * legendRows + 8;

    svg.append("<svg class=\"chart\" id=\"")
        .append(id)
        .append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" role=\"img\">\n");
    for (int i = 0; i <= ticks; i++) {
      double y = baseline - (double) PLOT_HEIGHT * i / ticks;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>"
                  + "<text class=\"tick-y\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
              left,
              y,
              width - RIGHT,
              y,
              i == 0 ? "#888" : "#e4e4e4",
              left - 6,
              y + 4,
              esc(tickLabel(step * i, percent))));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text class=\"axis-title\" x=\"16\" y=\"%d\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 16 %d)\">%s</text>\n"
                + "<text class=\"axis-title\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
            TOP + PLOT_HEIGHT / 2,
            TOP + PLOT_HEIGHT / 2,
            esc(yTitle),
            left + (width - RIGHT - left) / 2,
            xTitleY,
            esc(xTitle)));
    double groupWidth = slot * (stacked ? 0.7 : 0.8);
    double gap = barsPerSlot == 1 ? 0 : Math.max(4, groupWidth * 0.06);
    double barWidth = (groupWidth - gap * (barsPerSlot - 1)) / barsPerSlot;
    for (int i = 0; i < labels.size(); i++) {
      double x0 = left + slot * i + (slot - groupWidth) / 2;
      double stackTop = baseline;
      for (int s = 0; s < series.size(); s++) {
        Series serie = series.get(s);
        double value = serie.values[i];
        double h = PLOT_HEIGHT * value / max;
        double x = stacked ? x0 : x0 + (barWidth + gap) * s;
        double y = stacked ? stackTop - h : baseline - h;
        if (stacked) {
          stackTop -= h;
        }
        String shown = percent ? String.format(Locale.ROOT, "%.1f%%", value) : compact(value);
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                    + " fill=\"%s\"><title>%s · %s: %s</title></rect>\n",
                x,
                y,
                barWidth,
                h,
                serie.color,
                esc(labels.get(i)),
                esc(serie.name),
                shown));
        if (!stacked) {
          valueLabel(
              svg,
              x + barWidth / 2,
              y,
              barWidth,
              barWidth + gap,
              serie.color,
              percent ? whole(value) : shown);
        }
      }
      if (stacked) {
        valueLabel(
            svg,
            x0 + groupWidth / 2,
            stackTop,
            groupWidth,
            slot,
            "#ffffff",
            compact(sum(series, i)));
      }
      double lx = x0 + groupWidth / 2;
      int ly = baseline + 18;
      if (rotate) {
        svg.append(
            String.format(
                Locale.ROOT,
                "<text class=\"tick-x\" x=\"%.1f\" y=\"%d\" text-anchor=\"end\""
                    + " transform=\"rotate(-30 %.1f %d)\">%s</text>\n",
                lx,
                ly,
                lx,
                ly,
                esc(labels.get(i))));
      } else {
        svg.append(
            String.format(
                Locale.ROOT,
                "<text class=\"tick-x\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                lx,
                ly,
                esc(labels.get(i))));
      }
    }
    for (int s = 0; s < series.size() && legendRows > 0; s++) {
      double lx = left + (s % columns) * legendColumn;
      int ly = legendTop + 22 * (s / columns) + 12;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"legend\" x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                  + "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
              lx,
              ly - 11,
              series.get(s).color,
              lx + 18,
              ly,
              esc(series.get(s).name)));
    }
    svg.append("</svg></div>\n");
    return svg.toString();
  }

  private static double sum(List<Series> series, int i) {
    double sum = 0;
    for (Series s : series) {
      sum += s.values[i];
    }
    return sum;
  }

  /**
   * The value of a bar: above it when it fits across the bar and its gap; otherwise turned upright,
   * inside the top of the bar when the bar is tall enough (white on a dark bar) or above it.
   */
  private static void valueLabel(
      StringBuilder svg,
      double x,
      double top,
      double barWidth,
      double room,
      String color,
      String text) {
    double width = textWidth(text);
    if (width <= room - 6) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
              x,
              top - 5,
              esc(text)));
    } else if (barWidth >= MIN_FONT_PX + 3) {
      boolean inside = top + width + 8 <= TOP + PLOT_HEIGHT;
      // Rotated by -90°, the glyphs stand left of the baseline: shift it right to centre them.
      double bx = x + MIN_FONT_PX * 0.35;
      double by = inside ? top + 6 : top - 5;
      svg.append(
          String.format(
              Locale.ROOT,
              "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s"
                  + " transform=\"rotate(-90 %.1f %.1f)\">%s</text>\n",
              bx,
              by,
              inside ? "end" : "start",
              inside && dark(color) ? " style=\"fill:#fff\"" : "",
              bx,
              by,
              esc(text)));
    }
  }

  /** Whether white text reads better than black on {@code color} ("#rrggbb"). */
  private static boolean dark(String color) {
    int rgb = Integer.parseInt(color.substring(1), 16);
    double luminance = 0.299 * (rgb >> 16) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
    return luminance < 140;
  }

  /** A generous estimate of the width of {@code text} at {@link #MIN_FONT_PX}, for layout. */
  private static double textWidth(String text) {
    double width = 0;
    for (int i = 0; i < text.length(); i++) {
      width += text.charAt(i) == '%' ? 12.5 : CHAR_PX;
    }
    return width;
  }

  private static String tickLabel(double value, boolean percent) {
    return percent ? Math.round(value) + "%" : compact(value);
  }

  /** A share in whole percent, rounded down below 100 so that "100%" means all of them. */
  private static String whole(double percent) {
    if (percent >= 100) {
      return "100%";
    }
    return percent > 0 && percent < 1 ? "<1%" : (long) Math.floor(percent) + "%";
  }

  /**
   * The step of a value axis for data up to {@code max}: the smallest of 1, 2, 5, 10, 20, 25, 50,
   * 100, 200, 250, 500, … with at most {@link #MAX_TICKS} steps to cover {@code max}. Consecutive
   * steps differ by at most 2.5×, so the axis (whole steps) ends below 1.25 × {@code max} for any
   * count above 1, and at {@code max} for counts up to {@link #MAX_TICKS}.
   */
  static double axisStep(double max) {
    if (!(max > 0) || Double.isInfinite(max)) {
      return 1;
    }
    for (double magnitude = 1; ; magnitude *= 10) {
      for (double factor : magnitude == 1 ? new double[] {1, 2, 5} : new double[] {1, 2, 2.5, 5}) {
        double step = factor * magnitude;
        if (Math.ceil(max / step) <= MAX_TICKS) {
          return step;
        }
      }
    }
  }

  private static String compact(double value) {
    if (value == Math.rint(value)) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static String td(long value) {
    return "<td>" + value + "</td>";
  }

  /** The text escaped for HTML content and attribute values (quotes included); "" for null. */
  static String esc(@Nullable String text) {
    return text == null ? "" : HtmlEscapers.htmlEscaper().escape(text);
  }
}
