package dev.tideline.validator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The HTML report: one page, inline CSS and inline SVG charts drawn here, no script and no network,
 * so it opens from a file, a CI artifact or an e-mail attachment.
 */
final class HtmlReport {
  private static final String[] COLORS = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac"
  };
  private static final int WIDTH = 760;
  private static final int HEIGHT = 300;
  private static final int LEFT = 60;
  private static final int BOTTOM = 90;
  private static final int TOP = 20;

  private HtmlReport() {}

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
    StringBuilder html = new StringBuilder(32_000);
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Tideline validation report</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}")
        .append("table{border-collapse:collapse;margin:8px 0 24px}")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
        .append("th{background:#f3f3f3}td.l,th.l{text-align:left}")
        .append(".chart{border:1px solid #ddd;margin:8px 0 24px;background:#fff}")
        .append("text{font-size:11px}.bad{color:#b00}</style></head><body>\n");
    ValidationReport.Totals t = report.totals;
    html.append("<h1>Tideline validation report</h1>\n<p>")
        .append(esc(report.source))
        .append(" &middot; generated ")
        .append(esc(report.generatedAt))
        .append(" &middot; arrivals ")
        .append(esc(String.valueOf(t.firstArrival)))
        .append(" to ")
        .append(esc(String.valueOf(t.lastArrival)))
        .append("</p>\n<table id=\"totals\"><tr>");
    for (String h :
        new String[] {
          "records",
          "malformed",
          "events",
          "valid",
          "invalid",
          "invalid %",
          "duplicates",
          "dedup window",
          "lost",
          "dropped"
        }) {
      html.append("<th>").append(h).append("</th>");
    }
    html.append("</tr><tr>");
    Object[] cells = {
      t.records,
      t.recordsMalformed,
      t.events,
      t.valid,
      t.invalid,
      Reports.percent(t.invalid, t.events),
      t.duplicates,
      report.settings.dedupWindowSize,
      report.delivery.lost,
      report.delivery.reportedDropped
    };
    for (Object cell : cells) {
      html.append("<td>").append(esc(String.valueOf(cell))).append("</td>");
    }
    html.append("</tr></table>\n");
    ValidationReport.Damage damage = report.sourceDamage;
    if (damage != null && !damage.regions.isEmpty()) {
      html.append("<h2>Source damage</h2>\n<table id=\"damage\"><tr>")
          .append("<th class=\"l\">kind</th><th class=\"l\">file</th><th>offset</th>")
          .append("<th>bytes skipped</th><th>after record</th><th class=\"l\">what</th></tr>\n");
      for (ValidationReport.SourceDamage region : damage.regions) {
        html.append("<tr><td class=\"l\">")
            .append(esc(region.kind))
            .append("</td><td class=\"l\">")
            .append(esc(region.file))
            .append("</td>")
            .append(td(region.offset))
            .append(td(region.bytes))
            .append(td(region.afterRecord))
            .append("<td class=\"l\">")
            .append(esc(region.message))
            .append("</td></tr>\n");
      }
      html.append("</table>\n");
    }

    html.append("<h2>Volume per event-time hour and type</h2>\n");
    html.append(volumeChart(report));
    html.append(
        "<h2>Lateness (arrival &minus; skew-corrected event time; raw for comparison)</h2>\n");
    html.append(latenessChart(report));
    html.append("<h2>Invalid by reason</h2>\n");
    html.append(invalidChart(report));
    html.append("<h2>Completeness of each event-time hour</h2>\n");
    html.append(completenessChart(report));

    html.append("<h2>Event types</h2>\n<table id=\"types\"><tr><th class=\"l\">event type</th>")
        .append("<th>events</th><th>valid</th><th>invalid</th><th>duplicates</th><th>hot</th>")
        .append("<th>&le;1h</th><th>&le;6h</th><th>cold</th><th>p50</th><th>p99</th></tr>\n");
    for (ValidationReport.TypeSummary type : report.byEventType) {
      html.append("<tr><td class=\"l\">")
          .append(esc(type.eventType))
          .append("</td>")
          .append(td(type.events))
          .append(td(type.valid))
          .append(td(type.invalid))
          .append(td(type.duplicates))
          .append(td(type.lateness.hot))
          .append(td(type.lateness.le1h))
          .append(td(type.lateness.le6h))
          .append(td(type.lateness.cold))
          .append("<td>")
          .append(esc(Reports.duration(type.latenessPercentilesMs.p50)))
          .append("</td><td>")
          .append(esc(Reports.duration(type.latenessPercentilesMs.p99)))
          .append("</td></tr>\n");
    }
    html.append("</table>\n<h2>Violations</h2>\n<table id=\"violations\"><tr>")
        .append(
            "<th class=\"l\">event type</th><th class=\"l\">reason</th><th class=\"l\">code</th>")
        .append("<th class=\"l\">path</th><th>count</th><th class=\"l\">expected</th>")
        .append("<th class=\"l\">actual</th><th class=\"l\">example event</th></tr>\n");
    for (ValidationReport.ViolationSummary v : report.violations) {
      html.append("<tr><td class=\"l\">")
          .append(esc(v.eventType))
          .append("</td><td class=\"l\">")
          .append(esc(v.reason))
          .append("</td><td class=\"l\">")
          .append(esc(v.code))
          .append("</td><td class=\"l\">")
          .append(esc(v.path))
          .append("</td>")
          .append(td(v.count))
          .append("<td class=\"l\">")
          .append(esc(v.expected))
          .append("</td><td class=\"l\">")
          .append(esc(v.actual))
          .append("</td><td class=\"l\">")
          .append(esc(v.exampleEventId))
          .append("</td></tr>\n");
    }
    html.append("</table>\n<h2>Delivery per producer</h2>\n<table id=\"producers\"><tr>")
        .append("<th class=\"l\">producer</th><th>events</th><th>first seq</th><th>last seq</th>")
        .append(
            "<th>missing</th><th>repeats</th><th>audited</th><th>dropped</th><th>lost</th></tr>\n");
    for (ValidationReport.Producer p : report.producers) {
      html.append("<tr><td class=\"l\">")
          .append(esc(p.producerId))
          .append("</td>")
          .append(td(p.events))
          .append(td(p.firstSequence))
          .append(td(p.lastSequence))
          .append(td(p.missing))
          .append(td(p.repeats))
          .append("<td>")
          .append(p.audited ? "yes" : "no")
          .append("</td>")
          .append(td(p.reportedDropped))
          .append(td(p.lost))
          .append("</tr>\n");
    }
    html.append("</table>\n</body></html>\n");
    return html.toString();
  }

  private static String volumeChart(ValidationReport report) {
    Map<String, Map<String, Long>> byHour = new TreeMap<>();
    TreeSet<String> types = new TreeSet<>();
    for (ValidationReport.Row row : report.byEventHour) {
      byHour
          .computeIfAbsent(row.hour, h -> new TreeMap<>())
          .merge(row.eventType, row.events, Long::sum);
      types.add(row.eventType);
    }
    List<String> hours = new ArrayList<>(byHour.keySet());
    List<Series> series = new ArrayList<>();
    int color = 0;
    for (String type : types) {
      double[] values = new double[hours.size()];
      for (int i = 0; i < hours.size(); i++) {
        values[i] = byHour.get(hours.get(i)).getOrDefault(type, 0L);
      }
      series.add(new Series(type, COLORS[color++ % COLORS.length], values));
    }
    List<String> labels = new ArrayList<>();
    for (String hour : hours) {
      labels.add(hour.length() >= 16 ? hour.substring(5, 16).replace('T', ' ') : hour);
    }
    return barChart("chart-volume", labels, series, true, false);
  }

  private static String latenessChart(ValidationReport report) {
    ValidationReport.Buckets corrected = report.lateness.buckets;
    ValidationReport.Buckets raw = report.lateness.rawBuckets;
    List<Series> series = new ArrayList<>();
    series.add(
        new Series(
            "corrected",
            COLORS[0],
            new double[] {corrected.hot, corrected.le1h, corrected.le6h, corrected.cold}));
    series.add(new Series("raw", COLORS[1], new double[] {raw.hot, raw.le1h, raw.le6h, raw.cold}));
    List<String> labels = List.of("hot (≤1 min)", "≤1 h", "≤6 h", "cold (>6 h)");
    return barChart("chart-lateness", labels, series, false, false);
  }

  private static String invalidChart(ValidationReport report) {
    Map<String, Long> reasons = new LinkedHashMap<>(report.totals.invalidByReason);
    for (Map.Entry<String, Long> malformed : report.malformedRecordsByReason.entrySet()) {
      reasons.merge(malformed.getKey() + " (records)", malformed.getValue(), Long::sum);
    }
    List<String> labels = new ArrayList<>(reasons.keySet());
    double[] values = new double[labels.size()];
    for (int i = 0; i < labels.size(); i++) {
      values[i] = reasons.get(labels.get(i));
    }
    return barChart(
        "chart-invalid", labels, List.of(new Series("invalid", COLORS[2], values)), false, false);
  }

  private static String completenessChart(ValidationReport report) {
    Map<String, long[]> byHour = new TreeMap<>();
    List<String> checkpoints = report.settings.completenessCheckpoints;
    for (ValidationReport.Completeness c : report.completeness) {
      long[] sums = byHour.computeIfAbsent(c.hour, h -> new long[1 + checkpoints.size()]);
      sums[0] += c.events;
      for (int i = 0; i < checkpoints.size(); i++) {
        sums[i + 1] += c.arrivedBy.getOrDefault(checkpoints.get(i), 0L);
      }
    }
    List<String> hours = new ArrayList<>(byHour.keySet());
    List<Series> series = new ArrayList<>();
    for (int i = 0; i < checkpoints.size(); i++) {
      double[] values = new double[hours.size()];
      for (int h = 0; h < hours.size(); h++) {
        long[] sums = byHour.get(hours.get(h));
        values[h] = sums[0] == 0 ? 100 : 100.0 * sums[i + 1] / sums[0];
      }
      series.add(new Series("by " + checkpoints.get(i), COLORS[(i + 3) % COLORS.length], values));
    }
    List<String> labels = new ArrayList<>();
    for (String hour : hours) {
      labels.add(hour.length() >= 16 ? hour.substring(5, 16).replace('T', ' ') : hour);
    }
    return barChart("chart-completeness", labels, series, false, true);
  }

  /** A bar chart, grouped or stacked, as inline SVG; each bar is a rect of class "bar". */
  private static String barChart(
      String id, List<String> labels, List<Series> series, boolean stacked, boolean percent) {
    StringBuilder svg = new StringBuilder();
    int legendHeight = 16 * ((series.size() + 1) / 2);
    int height = HEIGHT + legendHeight;
    svg.append("<svg class=\"chart\" id=\"")
        .append(id)
        .append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" role=\"img\">\n");
    if (labels.isEmpty()) {
      svg.append("<text class=\"empty\" x=\"")
          .append(WIDTH / 2)
          .append("\" y=\"")
          .append(HEIGHT / 2)
          .append("\" text-anchor=\"middle\">no data</text></svg>\n");
      return svg.toString();
    }
    double max = percent ? 100 : 0;
    for (int i = 0; i < labels.size(); i++) {
      double stack = 0;
      for (Series s : series) {
        stack = stacked ? stack + s.values[i] : Math.max(stack, s.values[i]);
      }
      max = Math.max(max, stack);
    }
    if (!percent) {
      max = 4 * niceStep(max / 4);
    }
    int plotWidth = WIDTH - LEFT - 10;
    int plotHeight = HEIGHT - TOP - BOTTOM;
    int baseline = TOP + plotHeight;
    // Axis and grid: 4 steps.
    for (int step = 0; step <= 4; step++) {
      double value = max * step / 4;
      double y = baseline - plotHeight * step / 4.0;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
              LEFT,
              y,
              WIDTH - 10,
              y,
              LEFT - 4,
              y + 4,
              percent ? Math.round(value) + "%" : compact(value)));
    }
    double slot = (double) plotWidth / labels.size();
    double groupWidth = slot * 0.8;
    double barWidth = stacked ? groupWidth : groupWidth / series.size();
    for (int i = 0; i < labels.size(); i++) {
      double x0 = LEFT + slot * i + slot * 0.1;
      double stackTop = baseline;
      for (int s = 0; s < series.size(); s++) {
        Series serie = series.get(s);
        double value = serie.values[i];
        double h = plotHeight * value / max;
        double x = stacked ? x0 : x0 + barWidth * s;
        double y = stacked ? stackTop - h : baseline - h;
        if (stacked) {
          stackTop -= h;
        }
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                    + " fill=\"%s\"><title>%s · %s: %s</title></rect>\n",
                x,
                y,
                Math.max(1, barWidth - 1),
                h,
                serie.color,
                esc(labels.get(i)),
                esc(serie.name),
                percent ? String.format(Locale.ROOT, "%.1f%%", value) : compact(value)));
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-30 %.1f %d)\">%s</text>\n",
              x0 + groupWidth / 2,
              baseline + 14,
              x0 + groupWidth / 2,
              baseline + 14,
              esc(labels.get(i))));
    }
    for (int s = 0; s < series.size(); s++) {
      int lx = LEFT + (s % 2) * 340;
      int ly = HEIGHT + 16 * (s / 2) - 4;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"legend\" x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"%d\">%s</text>\n",
              lx,
              ly - 9,
              series.get(s).color,
              lx + 14,
              ly,
              esc(series.get(s).name)));
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  /** The smallest of 1, 2, 5 × 10^k (at least 1) not below {@code raw}: round axis steps. */
  static double niceStep(double raw) {
    if (raw <= 1) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double factor : new double[] {1, 2, 5, 10}) {
      if (factor * magnitude >= raw) {
        return factor * magnitude;
      }
    }
    return 10 * magnitude;
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

  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<':
          out.append("&lt;");
          break;
        case '>':
          out.append("&gt;");
          break;
        case '&':
          out.append("&amp;");
          break;
        case '"':
          out.append("&quot;");
          break;
        case '\'':
          out.append("&#39;");
          break;
        default:
          out.append(c);
      }
    }
    return out.toString();
  }
}
