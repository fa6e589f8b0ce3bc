package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tideline.validator.report.Reports;
import java.math.BigInteger;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TallyTest {
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");
  private static final HashKeyRange FIRST =
      HashKeyRange.of(BigInteger.ZERO, PlantedScenario.SECOND_SHARD.subtract(BigInteger.ONE));
  private static final HashKeyRange SECOND =
      HashKeyRange.of(PlantedScenario.SECOND_SHARD, HashKeyRange.all().end());

  private static ValidationReport plantedReport() {
    Validator validator = Validator.builder(TestEvents.REGISTRY).build();
    Tally tally = Tally.create();
    for (PlantedScenario.Planted record : PlantedScenario.records(T)) {
      HashKeyRange shard =
          record.hashKey().compareTo(PlantedScenario.SECOND_SHARD) < 0 ? FIRST : SECOND;
      tally.add(validator.validate(record.data, record.partitionKey, T.plusSeconds(2), shard));
    }
    return tally.report("planted records", false);
  }

  @Test
  void countsEveryPlantedKindOfEventByTypeLatenessAndProducer() {
    PlantedScenario.assertReportShowsPlantedNumbers(plantedReport());
  }

  @Test
  void measuresTheCompletenessOfEachEventTimeHourAtEachCheckpoint() {
    ValidationReport report = plantedReport();

    assertThat(report.completeness())
        .extracting(
            c -> c.hour(),
            c -> c.eventType(),
            c -> c.events(),
            c -> c.arrivedBy().get("end+1m"),
            c -> c.arrivedBy().get("end+1h"),
            c -> c.arrivedBy().get("end+6h"))
        .containsExactly(
            tuple("2026-11-25T08:00:00Z", "tideline.events.v1.ScreenView", 2L, 0L, 0L, 0L),
            tuple("2026-11-25T10:00:00Z", "tideline.events.v1.ScreenView", 2L, 0L, 0L, 2L),
            tuple("2026-11-25T12:00:00Z", "tideline.events.v1.Click", 5L, 0L, 0L, 5L),
            tuple("2026-11-25T15:00:00Z", "tideline.events.v1.Click", 6L, 6L, 6L, 6L),
            tuple("2026-11-25T15:00:00Z", "tideline.events.v1.Impression", 3L, 3L, 3L, 3L),
            tuple("2026-11-25T15:00:00Z", "tideline.events.v1.ProducerAudit", 2L, 2L, 2L, 2L),
            tuple("2026-11-25T15:00:00Z", "tideline.events.v1.ScreenView", 10L, 10L, 10L, 10L));
    assertThat(report.completeness().get(1).shareBy().get("end+6h")).isEqualTo(1.0);
  }

  @Test
  void writesTheReportAsVersionedSnakeCaseJsonWithPersonalValuesMasked() throws Exception {
    JsonNode json = new ObjectMapper().readTree(Reports.json(plantedReport()));

    assertThat(json.get("format").asText()).isEqualTo("tideline-validation-report");
    assertThat(json.get("version").asInt()).isEqualTo(1);
    assertThat(json.at("/totals/invalid_by_reason/rule_violation").asLong()).isEqualTo(2);
    assertThat(json.at("/lateness/buckets/le_1h").asLong()).isEqualTo(6);
    assertThat(json.at("/settings/dedup_window_size").asLong())
        .isEqualTo(Tally.DEFAULT_DEDUP_WINDOW);
    assertThat(json.at("/delivery/lost").asLong()).isEqualTo(1);
    assertThat(json.toString()).doesNotContain("4111");
  }

  @Test
  void reportsHowManyIdsTheBoundedDedupWindowHadToEvict() {
    Validator validator = Validator.builder(TestEvents.REGISTRY).build();
    Tally tally = Tally.create(1, Validator.DEFAULT_CLOCK_SKEW_TOLERANCE);
    byte[] first = TestEvents.event(TestEvents.click("a"), 1, 1, T).build().toByteArray();
    byte[] second = TestEvents.event(TestEvents.click("a"), 1, 2, T).build().toByteArray();

    tally.add(validator.validate(first, "pk", T.plusSeconds(1)));
    tally.add(validator.validate(first, "pk", T.plusSeconds(1)));
    tally.add(validator.validate(second, "pk", T.plusSeconds(1)));

    ValidationReport report = tally.report("window", false);
    assertThat(report.totals().duplicates()).isEqualTo(1);
    assertThat(report.totals().dedupWindowEvictions()).isEqualTo(1);
    assertThat(report.settings().dedupWindowSize()).isEqualTo(1);
  }

  @Test
  void keepsTheWindowAtItsSizeAndFindsTheIdJustWrittenAtOnce() {
    Validator validator = Validator.builder(TestEvents.REGISTRY).build();
    Tally tally = Tally.create(1_000, Validator.DEFAULT_CLOCK_SKEW_TOLERANCE);
    for (int i = 1; i <= 10_000; i++) {
      byte[] event = TestEvents.event(TestEvents.click("a"), 1, i, T).build().toByteArray();
      tally.add(validator.validate(event, "pk", T.plusSeconds(1)));
      // The id just written is in the window at once; the oldest one goes as the next arrives.
      tally.add(validator.validate(event, "pk", T.plusSeconds(1)));
    }

    ValidationReport report = tally.report("window", false);
    assertThat(report.totals().duplicates()).isEqualTo(10_000);
    assertThat(report.totals().dedupWindowEvictions()).isEqualTo(9_000);
  }

  @Test
  void rendersAConsoleTableThatCountsDistinctEventsFirstWithOneLinePerEventType() {
    String table = Reports.console(plantedReport());

    assertThat(table)
        .contains("37 distinct events and 2 duplicates in 11 records (2 malformed)\n")
        .contains("39 events: 32 valid, 7 invalid (17.95%), duplicates included")
        .contains("tideline.events.v1.ScreenView")
        .contains(
            "7 producers (2 audited), 3 sequence gaps, 6 missing, 3 dropped (reported), 1 lost");
  }
}
