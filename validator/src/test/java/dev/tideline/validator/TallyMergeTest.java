package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tideline.validator.report.Reports;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TallyMergeTest {
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");
  private static final HashKeyRange FIRST =
      HashKeyRange.of(BigInteger.ZERO, PlantedScenario.SECOND_SHARD.subtract(BigInteger.ONE));
  private static final HashKeyRange SECOND =
      HashKeyRange.of(PlantedScenario.SECOND_SHARD, HashKeyRange.all().end());
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<RecordResult> plantedResults() {
    Validator validator = Validator.builder(TestEvents.REGISTRY).build();
    List<RecordResult> results = new ArrayList<>();
    int i = 0;
    for (PlantedScenario.Planted record : PlantedScenario.records(T)) {
      HashKeyRange shard =
          record.hashKey().compareTo(PlantedScenario.SECOND_SHARD) < 0 ? FIRST : SECOND;
      // Arrivals spread over two hours, so that arrival hours differ too.
      Instant arrival = T.plus(Duration.ofMinutes(20L * i++));
      results.add(validator.validate(record.data, record.partitionKey, arrival, shard));
    }
    return results;
  }

  private static JsonNode json(Tally tally) throws Exception {
    ObjectNode json = (ObjectNode) JSON.readTree(Reports.json(tally.report("planted", false)));
    json.remove("generated_at");
    return json;
  }

  @Test
  void talliesOfEventHoursAndIdGroupsMergeIntoTheTallyOfTheWholeRun() throws Exception {
    Tally whole = Tally.create();
    // Per event-time hour (arrival hour without one) × a group of event ids, as a Flink job keys.
    Map<String, Tally> parts = new TreeMap<>();
    for (RecordResult result : plantedResults()) {
      whole.add(result);
      for (TallyEntry entry : TallyEntry.of(result)) {
        long ms =
            entry.eventTimeMicros() > 0
                ? entry.eventTimeMicros() / 1000
                : entry.arrivalTime().toEpochMilli();
        int group = entry.eventId() == null ? 0 : Math.floorMod(entry.eventId().hashCode(), 3);
        parts
            .computeIfAbsent(ms / 3_600_000 + "/" + group, k -> Tally.create())
            .add(roundTrip(entry));
      }
    }
    assertThat(parts).hasSizeGreaterThan(5);

    Tally merged = Tally.create();
    for (Tally part : parts.values()) {
      merged.merge(roundTrip(part));
    }

    // Violations of equal counts are listed in the order they were first seen, which merging
    // changes: the same entries, in another order.
    JsonNode mergedJson = json(merged);
    JsonNode wholeJson = json(whole);
    assertThat(mergedJson.get("violations"))
        .containsExactlyInAnyOrderElementsOf(wholeJson.get("violations"));
    ((ObjectNode) mergedJson).remove("violations");
    ((ObjectNode) wholeJson).remove("violations");
    assertThat(mergedJson).isEqualTo(wholeJson);

    // The parts' counts without their ids merge into the same report.
    Tally mergedCounts = Tally.create();
    for (Tally part : parts.values()) {
      mergedCounts.merge(roundTrip(part.countsOnly()));
    }
    assertThat(json(mergedCounts)).isEqualTo(json(merged));
  }

  @Test
  void aCountsOnlyCopyReportsAsTheTallyWithoutItsIdsAndCannotCountOn() throws Exception {
    Tally whole = Tally.create();
    for (RecordResult result : plantedResults()) {
      whole.add(result);
    }
    Tally counts = whole.countsOnly();

    assertThat(json(counts)).isEqualTo(json(whole));
    assertThat(serializedSize(counts)).isLessThan(serializedSize(whole));
    RecordResult any = plantedResults().get(0);
    assertThatThrownBy(() -> counts.add(any))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("counts-only");
    assertThatThrownBy(() -> roundTrip(counts).add(TallyEntry.of(any).get(0)))
        .isInstanceOf(IllegalStateException.class);
    // Merged into a tally, it adds no ids: a later copy of its events is not found a duplicate.
    Tally later = Tally.create();
    later.merge(counts);
    later.add(any);
    assertThat(later.report("later", false).totals().duplicates())
        .isEqualTo(whole.report("whole", false).totals().duplicates());
  }

  private static int serializedSize(Tally tally) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(tally);
    }
    return bytes.size();
  }

  @Test
  void aSequenceInBothMergedTalliesIsARepeatOfItsProducer() {
    Validator validator = Validator.builder(TestEvents.REGISTRY).build();
    Tally one = Tally.create();
    Tally other = Tally.create();
    for (int seq = 1; seq <= 6; seq++) {
      byte[] data = TestEvents.event(TestEvents.click("a"), 1, seq, T).build().toByteArray();
      RecordResult result = validator.validate(data, "p", T);
      (seq <= 4 ? one : other).add(result);
      if (seq == 3 || seq == 9) {
        other.add(result);
      }
    }
    one.merge(other);

    ValidationReport report = one.report("merged", false);
    assertThat(report.producers()).hasSize(1);
    assertThat(report.producers().get(0).repeats()).isEqualTo(1);
    assertThat(report.producers().get(0).missing()).isZero();
    assertThat(report.producers().get(0).lastSequence()).isEqualTo(6);
    assertThatThrownBy(() -> one.merge(one)).isInstanceOf(IllegalArgumentException.class);
  }

  private static TallyEntry roundTrip(TallyEntry entry) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    entry.writeTo(new DataOutputStream(bytes));
    return TallyEntry.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
  }

  private static Tally roundTrip(Tally tally) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(tally);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (Tally) in.readObject();
    }
  }
}
