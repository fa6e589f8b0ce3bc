package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tideline.validator.report.Reports;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the validator's record path: {@link Validator#validate} on arbitrary
 * record data, partition key and arrival time, the result counted by a {@link Tally} (twice, so
 * duplicates are counted too) and reported. The validator never throws on bad input, and neither
 * does counting or reporting what it found.
 *
 * <p>An input is {@link #record laid out} as an arrival time, a partition key and the record's
 * data. In the normal build this replays the seed corpus under {@code
 * src/test/resources/dev/tideline/validator/ValidatorFuzzTestInputs/} (written by {@link
 * FuzzSeeds}); with {@code JAZZER_FUZZ=1} it fuzzes (see {@code docs/fuzzing.md}).
 */
class ValidatorFuzzTest {
  /** Inputs are bounded so a finding is a validator fault, not the fuzzer's own allocation. */
  static final int MAX_INPUT = 64 * 1024;

  private static final Validator VALIDATOR = Validator.builder(TestEvents.REGISTRY).build();

  @FuzzTest(maxDuration = "60s")
  void validatesAndCountsAnyRecord(byte[] input) {
    if (input.length > MAX_INPUT || input.length < 9) {
      return;
    }
    ByteBuffer in = ByteBuffer.wrap(input);
    // Any long as epoch milliseconds is a valid Instant, including both ends of the long range.
    Instant arrival = Instant.ofEpochMilli(in.getLong());
    int keyLength = Math.min(in.get() & 0xFF, in.remaining());
    byte[] key = new byte[keyLength];
    in.get(key);
    byte[] data = Arrays.copyOfRange(input, in.position(), input.length);

    RecordResult result =
        VALIDATOR.validate(data, new String(key, StandardCharsets.UTF_8), arrival);
    Tally tally = Tally.create();
    tally.add(result);
    tally.add(result);
    ValidationReport report = tally.report("fuzz", false);
    assertThat(tally.records()).isEqualTo(2);
    assertThat(Reports.console(report)).isNotNull();
    assertThat(Reports.json(report)).isNotNull();
  }

  /** The input that {@link #validatesAndCountsAnyRecord} reads as this record. */
  static byte[] record(long arrivalMillis, String partitionKey, byte[] data) {
    byte[] key = partitionKey.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(9 + key.length + data.length)
        .putLong(arrivalMillis)
        .put((byte) key.length)
        .put(key)
        .put(data)
        .array();
  }
}
