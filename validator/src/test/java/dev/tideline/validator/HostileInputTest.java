package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.validator.report.Reports;
import dev.tideline.wire.KplRecords;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whatever bytes arrive, validate() answers with violations and never throws. */
class HostileInputTest {
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");

  private final Validator validator = Validator.builder(TestEvents.REGISTRY).build();
  private final HashKeyRange half =
      HashKeyRange.of(BigInteger.ZERO, PlantedScenario.SECOND_SHARD.subtract(BigInteger.ONE));

  @Test
  void mutatedEnvelopesAndAggregatesNeverThrow() {
    Random random = new Random(7);
    List<PlantedScenario.Planted> seeds = PlantedScenario.records(T);
    int judged = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] seed = seeds.get(random.nextInt(seeds.size())).data;
      byte[] mutated = mutate(seed, random);
      RecordResult result = validator.validate(mutated, "pk", T, half);
      Tally.create().add(result);
      assertThat(result.events().isEmpty()).isEqualTo(!result.violations().isEmpty());
      judged += result.events().size();
      for (ValidatedEvent event : result.events()) {
        assertThat(event.violations())
            .as("no bug hides behind the catch-all")
            .noneMatch(v -> v.code().equals("internal_error"));
      }
    }
    assertThat(judged).isGreaterThan(1000);
  }

  @Test
  void aggregatesWithValidChecksumsButGarbageSubRecordsAreJudgedOneByOne() {
    Random random = new Random(11);
    AggregatedRecord.Builder aggregate =
        AggregatedRecord.newBuilder().addPartitionKeyTable("pk").addExplicitHashKeyTable("x");
    for (int i = 0; i < 200; i++) {
      byte[] garbage = new byte[random.nextInt(40)];
      random.nextBytes(garbage);
      Record.Builder sub =
          Record.newBuilder()
              .setPartitionKeyIndex(0)
              .setData(com.google.protobuf.ByteString.copyFrom(garbage));
      if (i % 10 == 0) {
        sub.setExplicitHashKeyIndex(0);
      }
      aggregate.addRecords(sub);
    }

    RecordResult result = validator.validate(KplRecords.encode(aggregate.build()), "pk", T, half);

    assertThat(result.events()).hasSize(200).allSatisfy(e -> assertThat(e.isValid()).isFalse());
    assertThat(result.events().get(0).violations().get(0).code()).isEqualTo("explicit_hash_key");
  }

  @Test
  void anArrivalTimeAtTheFarEndsOfALongOfMicrosecondsIsJudgedWithoutThrowing() {
    byte[] data = PlantedScenario.records(T).get(0).data;
    for (Instant arrival :
        List.of(
            Instant.ofEpochSecond(Math.floorDiv(Long.MIN_VALUE, 1_000_000L)),
            Instant.MIN,
            Instant.MAX)) {
      RecordResult result = validator.validate(data, "pk", arrival, half);

      Tally tally = Tally.create();
      tally.add(result);
      assertThat(tally.report("hostile", false).totals().events()).isEqualTo(10);
    }
  }

  @Test
  void controlCharactersInAnEventTypeReachNoTextReportRaw() {
    byte[] data =
        TestEvents.event(TestEvents.screenView("home"), 1, 1, T.minusSeconds(1))
            .setEventType("\u001b[2J\u001b]0;pwned\u0007\u202eevil\u009b")
            .build()
            .toByteArray();
    Tally tally = Tally.create();
    tally.add(validator.validate(data, "pk", T, null));
    ValidationReport report = tally.report("files \u001b[31mred.tlrf", false);
    assertThat(report.byEventType())
        .as("the raw type is kept in the model; only text outputs neutralise it")
        .anySatisfy(type -> assertThat(type.eventType()).startsWith("\u001b[2J"));

    String console = Reports.console(report);

    assertThat(console)
        .doesNotContain("\u001b", "\u0007", "\u202e", "\u009b")
        .contains("\\u001B]0;pwned\\u0007\\u202Eevil\\u009B")
        .contains("files \\u001B[31mred.tlrf");
  }

  private static byte[] mutate(byte[] seed, Random random) {
    switch (random.nextInt(3)) {
      case 0:
        return Arrays.copyOf(seed, random.nextInt(seed.length + 1));
      case 1:
        byte[] flipped = seed.clone();
        for (int j = 0; j < 1 + random.nextInt(4); j++) {
          flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return flipped;
      default:
        // Re-sign a mutated body, so the aggregate passes its MD5 and the sub-records are hit.
        if (!KplRecords.isAggregated(seed) || seed.length <= KplRecords.OVERHEAD) {
          return seed;
        }
        try {
          AggregatedRecord parsed = KplRecords.decode(seed);
          AggregatedRecord.Builder builder = parsed.toBuilder();
          int index = random.nextInt(parsed.getRecordsCount());
          byte[] data = parsed.getRecords(index).getData().toByteArray();
          if (data.length > 0) {
            data[random.nextInt(data.length)] ^= (byte) (1 << random.nextInt(8));
          }
          builder.setRecords(
              index,
              parsed.getRecords(index).toBuilder()
                  .setData(com.google.protobuf.ByteString.copyFrom(data)));
          return KplRecords.encode(builder.build());
        } catch (Exception e) {
          return seed;
        }
    }
  }
}
