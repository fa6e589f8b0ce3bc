package dev.tideline.validator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the committed seed corpora of this module's fuzz tests ({@link ValidatorFuzzTest}, {@code
 * RecordFileSourceFuzzTest}) from the {@link PlantedScenario} records (valid events, invalid ones,
 * KPL aggregates, duplicates) and damaged copies of them (truncated, a flipped bit, a huge length).
 * Off in the normal build; regenerate with {@code ./mvnw -B -pl validator test -Dtest=FuzzSeeds
 * -Dtideline.fuzz.writeSeeds=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "tideline.fuzz.writeSeeds", matches = "true")
class FuzzSeeds {
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");

  @Test
  void writeSeeds() throws IOException {
    List<PlantedScenario.Planted> planted = PlantedScenario.records(T);
    Path records = inputs("ValidatorFuzzTestInputs/validatesAndCountsAnyRecord");
    for (int i = 0; i < planted.size() && i < 8; i++) {
      PlantedScenario.Planted record = planted.get(i);
      write(
          records,
          "planted-" + i,
          ValidatorFuzzTest.record(T.toEpochMilli(), record.partitionKey, record.data));
    }
    byte[] first = planted.get(0).data;
    write(
        records,
        "truncated",
        ValidatorFuzzTest.record(T.toEpochMilli(), "k", Arrays.copyOf(first, first.length / 2)));
    write(
        records,
        "flipped-bit",
        ValidatorFuzzTest.record(T.toEpochMilli(), "k", flip(first, first.length / 2)));
    write(records, "earliest-arrival", ValidatorFuzzTest.record(Long.MIN_VALUE, "k", first));
    write(records, "latest-arrival", ValidatorFuzzTest.record(Long.MAX_VALUE, "k", first));

    byte[] file = RecordFilesTest.recordFile(planted.subList(0, Math.min(6, planted.size())), T);
    Path files = inputs("source/RecordFileSourceFuzzTestInputs/readsAnyFileToItsEnd");
    write(files, "valid", file);
    write(files, "header-only", Arrays.copyOf(file, 6));
    write(files, "torn-tail", Arrays.copyOf(file, file.length - 7));
    write(files, "flipped-bit", flip(file, file.length / 3));
    byte[] huge = file.clone();
    ByteBuffer.wrap(huge).putInt(6, 0x7FFFFFFF);
    write(files, "huge-length", Arrays.copyOf(huge, 14));
    byte[] twice = Arrays.copyOf(file, file.length * 2);
    System.arraycopy(file, 0, twice, file.length, file.length);
    write(files, "concatenated", twice);
    write(files, "short", Arrays.copyOf(file, 5));
  }

  private static byte[] flip(byte[] bytes, int at) {
    byte[] copy = bytes.clone();
    copy[at] ^= 0x10;
    return copy;
  }

  private static Path inputs(String under) throws IOException {
    Path dir = Paths.get("src/test/resources/dev/tideline/validator", under);
    Files.createDirectories(dir);
    return dir;
  }

  private static void write(Path dir, String name, byte[] bytes) throws IOException {
    Files.write(dir.resolve(name), bytes);
  }
}
