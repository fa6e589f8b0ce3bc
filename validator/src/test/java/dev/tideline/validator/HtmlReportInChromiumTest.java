package dev.tideline.validator;

import static dev.tideline.validator.TestEvents.click;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.Platform;
import dev.tideline.validator.report.Reports;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report opens in headless Chromium without a server; its charts render, its tables hold
 * the JSON report's figures, and its layout holds up in a narrow window.
 */
@Timeout(180)
public class HtmlReportInChromiumTest {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");

  /** Arrivals carry nanoseconds, which the page must not show. */
  private static final Instant ARRIVAL = T.plusSeconds(2).plusNanos(123_456_789);

  private static final Pattern CHART =
      Pattern.compile("<svg class=\"chart\" id=\"(chart-[a-z]+)\"(.*?)</svg>", Pattern.DOTALL);
  private static final Pattern BAR =
      Pattern.compile("<rect class=\"bar\"[^>]*height=\"([0-9.]+)\"");
  private static final Pattern BAR_X =
      Pattern.compile("<rect class=\"bar\" x=\"([0-9.]+)\" y=\"[0-9.]+\" width=\"([0-9.]+)\"");

  /** A number on a chart that is not a bar's value label: an axis label. */
  private static final Pattern AXIS_NUMBER =
      Pattern.compile("<text(?! class=\"value\")[^>]*>([0-9]+(?:\\.[0-9]+)?)</text>");

  private static final Pattern AXIS_TITLE =
      Pattern.compile("<text class=\"axis-title\"[^>]*>([^<]*)<");
  private static final Pattern ROW =
      Pattern.compile("<tr class=\"(row|subtotal|total)\">(.*?)</tr>", Pattern.DOTALL);
  private static final Pattern CELL = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL);
  private static final Pattern DATETIME = Pattern.compile("<time datetime=\"([^\"]+)\">");

  /**
   * Run in the page after layout: writes into {@code <pre id="layout">} the viewport width, the
   * page's scroll width, the smallest font size of any element with text, the elements reaching
   * past the viewport outside a horizontally scrolling box, and chart texts outside their chart.
   */
  private static final String MEASURE =
      "<script>(function(){"
          + "var vw=document.documentElement.clientWidth,over=[],cut=[],minFont=1000;"
          + "function name(e){return e.tagName+(e.id?'#'+e.id:'')}"
          + "function inScrollBox(e){for(var p=e.parentElement;p&&p!==document.body;"
          + "p=p.parentElement){var s=getComputedStyle(p).overflowX;"
          + "if(s==='auto'||s==='scroll')return true}return false}"
          + "var all=document.body.getElementsByTagName('*');"
          + "for(var i=0;i<all.length;i++){var e=all[i],r=e.getBoundingClientRect();"
          + "if(r.width===0&&r.height===0)continue;"
          + "for(var c=e.firstChild;c;c=c.nextSibling){if(c.nodeType===3&&c.data.trim()){"
          + "minFont=Math.min(minFont,parseFloat(getComputedStyle(e).fontSize));break}}"
          + "if(!inScrollBox(e)&&(r.right>vw+0.5||r.left<-0.5))over.push(name(e))}"
          + "document.querySelectorAll('svg.chart').forEach(function(svg){"
          + "var b=svg.getBoundingClientRect();svg.querySelectorAll('text').forEach(function(t){"
          + "var r=t.getBoundingClientRect();if(r.left<b.left-1||r.right>b.right+1"
          + "||r.top<b.top-1||r.bottom>b.bottom+1)cut.push(svg.id)})});"
          + "var pre=document.createElement('pre');pre.id='layout';"
          + "pre.textContent='viewport='+vw+';scrollWidth='+document.documentElement.scrollWidth"
          + "+';minFontPx='+minFont+';overflowing='+over.join(' ')+';cut='+cut.join(' ')+';';"
          + "document.body.appendChild(pre)})()</script>";

  @TempDir static Path dir;
  static ValidationReport report;
  static JsonNode json;
  static String html;
  static Path page;
  private static String dom;
  private static final Map<Integer, Map<String, String>> layouts = new TreeMap<>();

  /**
   * The planted scenario (all arriving at T + 2 s), and 3 Clicks from an iOS app, logged at 13:xx
   * and arriving an hour after the rest: the tables must show their platform, their app version
   * (escaped) and both hours.
   */
  public static ValidationReport plantedReport() {
    Validator validator = Validator.builder(TestEvents.REGISTRY).build();
    Tally tally = Tally.create();
    for (PlantedScenario.Planted record : PlantedScenario.records(T)) {
      tally.add(validator.validate(record.data, record.partitionKey, ARRIVAL, shard(record)));
    }
    List<Envelope> ios = new ArrayList<>();
    for (int seq = 1; seq <= 3; seq++) {
      ios.add(
          TestEvents.event(click("buy"), 30, seq, T.minus(Duration.ofMinutes(100)))
              .setContext(Context.newBuilder().setAppVersion("3.1<b>").setPlatform(Platform.IOS))
              .build());
    }
    PlantedScenario.Planted record =
        new PlantedScenario.Planted(TestEvents.aggregate(ios), "pk", null);
    tally.add(
        validator.validate(
            record.data, record.partitionKey, ARRIVAL.plus(Duration.ofHours(1)), shard(record)));
    return tally.report("planted <records>", false);
  }

  private static HashKeyRange shard(PlantedScenario.Planted record) {
    return record.hashKey().compareTo(PlantedScenario.SECOND_SHARD) < 0
        ? HashKeyRange.of(BigInteger.ZERO, PlantedScenario.SECOND_SHARD.subtract(BigInteger.ONE))
        : HashKeyRange.of(PlantedScenario.SECOND_SHARD, HashKeyRange.all().end());
  }

  @BeforeAll
  static void writeThePlantedReport() throws IOException {
    report = plantedReport();
    json = new ObjectMapper().readTree(Reports.json(report));
    html = Reports.html(report);
    page = dir.resolve("report.html");
    Files.writeString(page, html);
  }

  private static String chromium(Path file, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(CHROMIUM);
    command.add("--headless");
    command.add("--no-sandbox");
    command.add("--disable-gpu");
    command.add("--disable-background-networking");
    command.add("--disable-component-update");
    command.add("--disable-sync");
    command.add("--no-first-run");
    command.add("--user-data-dir=" + Files.createTempDirectory(dir, "chromium"));
    command.addAll(List.of(args));
    command.add(file.toUri().toString());
    File out = dir.resolve("chromium-" + System.nanoTime() + ".out").toFile();
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("chromium did not finish in 90 s");
    }
    assertThat(process.exitValue()).as("chromium exit code").isZero();
    return Files.readString(out.toPath(), StandardCharsets.UTF_8);
  }

  /** The DOM Chromium builds from the page, dumped once for the tests that read it. */
  private static synchronized String dom() throws Exception {
    if (dom == null) {
      dom = chromium(page, "--dump-dom");
    }
    return dom;
  }

  /** What {@link #MEASURE} found with the page in a window {@code width} px wide. */
  private static synchronized Map<String, String> layoutAt(int width) throws Exception {
    Map<String, String> known = layouts.get(width);
    if (known != null) {
      return known;
    }
    Path measured = dir.resolve("measured-" + width + ".html");
    Files.writeString(measured, html.replace("</body>", MEASURE + "</body>"));
    String dumped = chromium(measured, "--window-size=" + width + ",1200", "--dump-dom");
    Matcher pre = Pattern.compile("<pre id=\"layout\">(.*?)</pre>", Pattern.DOTALL).matcher(dumped);
    assertThat(pre.find()).as("the measuring script ran").isTrue();
    Map<String, String> layout = new TreeMap<>();
    for (String entry : pre.group(1).split(";")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        layout.put(entry.substring(0, eq), entry.substring(eq + 1).trim());
      }
    }
    layouts.put(width, layout);
    return layout;
  }

  private static String chart(String dom, String id) {
    Matcher chart = CHART.matcher(dom);
    while (chart.find()) {
      if (chart.group(1).equals(id)) {
        return chart.group(2);
      }
    }
    throw new AssertionError("no chart " + id);
  }

  private static String table(String dom, String id) {
    Matcher table =
        Pattern.compile("<table id=\"" + id + "\">(.*?)</table>", Pattern.DOTALL).matcher(dom);
    assertThat(table.find()).as("table %s", id).isTrue();
    return table.group(1);
  }

  /** The rows of a volume table as lists of cell texts; the hour as its datetime attribute. */
  private static List<List<String>> rows(String table, String kind) {
    List<List<String>> rows = new ArrayList<>();
    Matcher row = ROW.matcher(table);
    while (row.find()) {
      if (!row.group(1).equals(kind)) {
        continue;
      }
      List<String> cells = new ArrayList<>();
      Matcher cell = CELL.matcher(row.group(2));
      while (cell.find()) {
        Matcher time = DATETIME.matcher(cell.group(1));
        cells.add(time.find() ? time.group(1) : text(cell.group(1)));
      }
      rows.add(cells);
    }
    return rows;
  }

  private static String text(String html) {
    return html.replaceAll("<[^>]*>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
  }

  private static List<String> expectedRow(JsonNode row) {
    List<String> cells = new ArrayList<>();
    for (String field : List.of("hour", "event_type", "platform", "app_version")) {
      cells.add(row.get(field).asText());
    }
    for (String field : List.of("events", "valid", "invalid", "duplicates")) {
      cells.add(Long.toString(row.get(field).asLong()));
    }
    for (String bucket : List.of("hot", "le_1h", "le_6h", "cold")) {
      cells.add(Long.toString(row.get("lateness").get(bucket).asLong()));
    }
    return cells;
  }

  @Test
  void everyChartHasBarsInTheDomChromiumBuilds() throws Exception {
    String dom = dom();

    assertThat(dom)
        .contains("<h1>Tideline validation report</h1>")
        .contains("planted &lt;records&gt;");
    List<String> charts = new ArrayList<>();
    Matcher chart = CHART.matcher(dom);
    while (chart.find()) {
      charts.add(chart.group(1));
      Matcher bar = BAR.matcher(chart.group(2));
      int drawn = 0;
      while (bar.find()) {
        if (Double.parseDouble(bar.group(1)) > 0) {
          drawn++;
        }
      }
      assertThat(drawn).as("bars drawn in %s", chart.group(1)).isPositive();
    }
    assertThat(charts)
        .containsExactly("chart-volume", "chart-lateness", "chart-invalid", "chart-completeness");
  }

  @Test
  void theTablesPerTypeAndHourShowTheJsonReportsRowsSortedByHourThenType() throws Exception {
    String dom = dom();

    for (String[] view :
        new String[][] {
          {"by-event-hour", "by_event_hour"}, {"by-arrival-hour", "by_arrival_hour"}
        }) {
      String table = table(dom, view[0]);
      List<List<String>> expected = new ArrayList<>();
      Map<String, Long> eventsPerHour = new TreeMap<>();
      long events = 0;
      for (JsonNode row : json.get(view[1])) {
        expected.add(expectedRow(row));
        eventsPerHour.merge(row.get("hour").asText(), row.get("events").asLong(), Long::sum);
        events += row.get("events").asLong();
      }
      expected.sort(
          Comparator.<List<String>, String>comparing(r -> r.get(0)).thenComparing(r -> r.get(1)));
      List<List<String>> shown = new ArrayList<>();
      for (List<String> row : rows(table, "row")) {
        shown.add(row.subList(0, 12));
      }
      assertThat(shown).as(view[0]).isEqualTo(expected);
      for (List<String> subtotal : rows(table, "subtotal")) {
        assertThat(Long.parseLong(subtotal.get(2)))
            .as("%s total of %s", view[0], subtotal.get(0))
            .isEqualTo(eventsPerHour.get(subtotal.get(0)));
      }
      assertThat(rows(table, "total")).hasSize(1);
      assertThat(rows(table, "total").get(0).get(1)).isEqualTo(Long.toString(events));
    }
    // The planted literals: 10 + 2 ScreenViews of hour 15 (2 of them duplicates), the iOS Clicks
    // of hour 13 arriving in hour 16, and every event by arrival.
    String byEvent = table(dom, "by-event-hour");
    assertThat(rows(byEvent, "row"))
        .extracting(r -> r.subList(0, 8))
        .contains(
            List.of(
                "2026-11-25T13:00:00Z",
                "tideline.events.v1.Click",
                "IOS",
                "3.1<b>",
                "3",
                "3",
                "0",
                "0"),
            List.of(
                "2026-11-25T15:00:00Z",
                "tideline.events.v1.ScreenView",
                "ANDROID",
                "1.2.0",
                "12",
                "12",
                "0",
                "2"));
    assertThat(byEvent).contains("3.1&lt;b&gt;").doesNotContain("3.1<b>");
    List<String> arrivalTotal = rows(table(dom, "by-arrival-hour"), "total").get(0);
    assertThat(arrivalTotal.subList(1, 5)).containsExactly("42", "35", "7", "2");
    assertThat(rows(table(dom, "by-arrival-hour"), "row"))
        .extracting(r -> r.get(0))
        .containsOnly("2026-11-25T15:00:00Z", "2026-11-25T16:00:00Z");
  }

  @Test
  void theVolumeAxisEndsAtARoundNumberJustAboveTheTallestBar() throws Exception {
    String volume = chart(dom(), "chart-volume");
    double axisMax = 0;
    Matcher tick = AXIS_NUMBER.matcher(volume);
    while (tick.find()) {
      axisMax = Math.max(axisMax, Double.parseDouble(tick.group(1)));
    }
    Map<String, Long> perHour = new TreeMap<>();
    for (JsonNode row : json.get("by_event_hour")) {
      perHour.merge(row.get("hour").asText(), row.get("events").asLong(), Long::sum);
    }
    long dataMax = perHour.values().stream().mapToLong(Long::longValue).max().orElseThrow();

    assertThat(dataMax).isEqualTo(29);
    assertThat(axisMax).isGreaterThanOrEqualTo(dataMax).isLessThanOrEqualTo(1.25 * dataMax);
  }

  @Test
  void theCompletenessBarsStandApart() throws Exception {
    List<double[]> bars = new ArrayList<>();
    Matcher bar = BAR_X.matcher(chart(dom(), "chart-completeness"));
    while (bar.find()) {
      bars.add(new double[] {Double.parseDouble(bar.group(1)), Double.parseDouble(bar.group(2))});
    }
    bars.sort(Comparator.comparingDouble(b -> b[0]));

    Set<String> hours = new TreeSet<>(json.get("completeness").findValuesAsText("hour"));
    assertThat(bars).hasSize(3 * hours.size());
    for (int i = 1; i < bars.size(); i++) {
      double gap = bars.get(i)[0] - (bars.get(i - 1)[0] + bars.get(i - 1)[1]);
      assertThat(gap).as("gap before bar %d", i).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void everyChartHasATitleOnEachAxis() throws Exception {
    String dom = dom();
    for (String id :
        List.of("chart-volume", "chart-lateness", "chart-invalid", "chart-completeness")) {
      List<String> titles = new ArrayList<>();
      Matcher title = AXIS_TITLE.matcher(chart(dom, id));
      while (title.find()) {
        titles.add(title.group(1).trim());
      }
      assertThat(titles).as(id).hasSize(2).doesNotContain("");
    }
    assertThat(chart(dom, "chart-volume")).contains(">event-time hour (UTC)<", ">events<");
  }

  @Test
  void noTextIsSmallerThan13PxInTheCssOrOnScreen() throws Exception {
    Matcher style = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL).matcher(html);
    assertThat(style.find()).isTrue();
    Matcher size =
        Pattern.compile("font(?:-size)?\\s*:[^;}]*?([0-9.]+)(px|pt|em|rem|%)")
            .matcher(style.group(1));
    int sizes = 0;
    while (size.find()) {
      sizes++;
      assertThat(size.group(2)).as(size.group()).isEqualTo("px");
      assertThat(Double.parseDouble(size.group(1))).as(size.group()).isGreaterThanOrEqualTo(13);
    }
    assertThat(sizes).isPositive();
    assertThat(html).doesNotContainPattern("font-size=\"");

    assertThat(Double.parseDouble(layoutAt(820).get("minFontPx"))).isGreaterThanOrEqualTo(13);
  }

  @Test
  void inAWindow820PxWideNothingReachesPastThePage() throws Exception {
    Map<String, String> layout = layoutAt(820);

    int viewport = Integer.parseInt(layout.get("viewport"));
    assertThat(viewport).isBetween(780, 820);
    assertThat(Integer.parseInt(layout.get("scrollWidth"))).isLessThanOrEqualTo(viewport);
    assertThat(layout.get("overflowing")).as("elements past the right edge").isEmpty();
    assertThat(layout.get("cut")).as("chart texts outside their chart").isEmpty();
  }

  @Test
  void timestampsShowAtMostMillisecondsInUtc() throws Exception {
    String text = text(dom());

    assertThat(text).doesNotContainPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{4,}");
    assertThat(text)
        .contains("arrivals 2026-11-25T15:30:02.123Z to 2026-11-25T16:30:02.123Z")
        .containsPattern("generated \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ ");
  }

  @Test
  void theScreenshotShowsTheChartsColours() throws Exception {
    Path png = dir.resolve("report.png");

    chromium(page, "--screenshot=" + png, "--window-size=1000,4000", "--hide-scrollbars");

    BufferedImage image = ImageIO.read(png.toFile());
    int blue = 0;
    int red = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xFFFFFF;
        if (rgb == 0x4e79a7) {
          blue++;
        } else if (rgb == 0xe15759) {
          red++;
        }
      }
    }
    // Volume and lateness bars are the first colour; invalid-by-reason bars the third.
    assertThat(blue).isGreaterThan(500);
    assertThat(red).isGreaterThan(200);
  }
}
