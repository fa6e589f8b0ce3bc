package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report opens in headless Chromium without a server, and its charts render. */
@Timeout(120)
class HtmlReportInChromiumTest {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final Pattern CHART =
      Pattern.compile("<svg class=\"chart\" id=\"(chart-[a-z]+)\"(.*?)</svg>", Pattern.DOTALL);
  private static final Pattern BAR =
      Pattern.compile("<rect class=\"bar\"[^>]*height=\"([0-9.]+)\"");

  @TempDir static Path dir;
  static Path page;

  @BeforeAll
  static void writeThePlantedReport() throws IOException {
    Instant t = Instant.parse("2026-11-25T15:30:00Z");
    Validator validator = Validator.builder(TestEvents.REGISTRY).build();
    Tally tally = Tally.create();
    HashKeyRange first =
        HashKeyRange.of(BigInteger.ZERO, PlantedScenario.SECOND_SHARD.subtract(BigInteger.ONE));
    HashKeyRange second = HashKeyRange.of(PlantedScenario.SECOND_SHARD, HashKeyRange.all().end());
    for (PlantedScenario.Planted record : PlantedScenario.records(t)) {
      HashKeyRange shard =
          record.hashKey().compareTo(PlantedScenario.SECOND_SHARD) < 0 ? first : second;
      tally.add(validator.validate(record.data, record.partitionKey, t.plusSeconds(2), shard));
    }
    page = dir.resolve("report.html");
    Files.writeString(page, Reports.html(tally.report("planted <records>", false)));
  }

  private static String chromium(String... args) throws Exception {
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
    command.add(page.toUri().toString());
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

  @Test
  void everyChartHasBarsInTheDomChromiumBuilds() throws Exception {
    String dom = chromium("--dump-dom");

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
  void theScreenshotShowsTheChartsColours() throws Exception {
    Path png = dir.resolve("report.png");

    chromium("--screenshot=" + png, "--window-size=1000,1800", "--hide-scrollbars");

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
