package dev.tideline.validator.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link RecordFileSource}: a file of arbitrary bytes is read to its end
 * and either gives records (damage reported by {@link RecordFileSource#damage()}) or fails with the
 * documented {@link IOException} (not a record file, an unknown version); nothing else escapes, and
 * no record claims more bytes than the file holds.
 *
 * <p>In the normal build this replays the seed corpus under {@code
 * src/test/resources/dev/tideline/validator/source/RecordFileSourceFuzzTestInputs/} (written by
 * {@code dev.tideline.validator.FuzzSeeds}); with {@code JAZZER_FUZZ=1} it fuzzes (see {@code
 * docs/fuzzing.md}).
 */
class RecordFileSourceFuzzTest {
  /** Inputs are bounded so a finding is a reader fault, not the fuzzer's own allocation. */
  static final int MAX_INPUT = 64 * 1024;

  @FuzzTest(maxDuration = "60s")
  void readsAnyFileToItsEnd(byte[] contents) throws IOException {
    if (contents.length > MAX_INPUT) {
      return;
    }
    Path file = Files.createTempFile("fuzz", ".tlrf");
    try {
      Files.write(file, contents);
      RecordFileSource source = RecordFileSource.of(List.of(file));
      long[] bytes = {0};
      try {
        source.read(record -> bytes[0] += record.data().length);
      } catch (IOException documented) {
        return;
      }
      assertThat(bytes[0])
          .as("record bytes read from a %d-byte file", contents.length)
          .isLessThanOrEqualTo(contents.length);
      assertThat(source.damage()).isNotNull();
    } finally {
      Files.delete(file);
    }
  }
}
