package dev.tideline.validator.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.validator.HtmlReportInChromiumTest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the HTML report says, read from its markup (the layout is tested in Chromium). */
class HtmlReportTest {
  static String html;

  @BeforeAll
  static void renderThePlantedReport() {
    html = Reports.html(HtmlReportInChromiumTest.plantedReport());
  }

  private static String element(String tag, String id) {
    Matcher element =
        Pattern.compile(
                "<" + tag + "[^>]* id=\"" + id + "\"[^>]*>(.*?)</" + tag + ">", Pattern.DOTALL)
            .matcher(html);
    assertThat(element.find()).as("%s#%s", tag, id).isTrue();
    return element.group(1);
  }

  @Test
  void aValueAxisEndsAtOrJustAboveTheDataWithAtMostEightSteps() {
    for (long max = 1; max <= 200_000; max++) {
      double step = HtmlReport.axisStep(max);
      double ticks = Math.ceil(max / step);
      double axisMax = ticks * step;

      assertThat(ticks).as("steps for %d", max).isLessThanOrEqualTo(HtmlReport.MAX_TICKS);
      assertThat(axisMax)
          .as("axis for %d", max)
          .isGreaterThanOrEqualTo(max)
          .isLessThanOrEqualTo(1.25 * max);
    }
    assertThat(HtmlReport.axisStep(29)).isEqualTo(5);
    assertThat(HtmlReport.axisStep(0)).isEqualTo(1);
  }

  @Test
  void theDedupWindowIsASettingSayingWhatItIsNotAMeasurement() {
    assertThat(element("table", "totals")).doesNotContain("dedup").doesNotContain("1000000");
    assertThat(element("tr", "setting-dedup-window"))
        .contains("dedup window")
        .contains("1,000,000 event ids")
        .contains("the number of event ids remembered for duplicate detection")
        .contains("the duplicate count is exact");
  }

  @Test
  void theLatenessSectionSaysToTrustTheCorrectedLatenessAndWhy() {
    assertThat(element("p", "lateness-note"))
        .contains("Trust the <b>corrected</b> lateness")
        .contains("sent time")
        .contains("skew");
    assertThat(element("table", "lateness"))
        .contains("corrected (trust this)")
        .contains("<td>20</td>")
        .contains("raw");
  }
}
