package dev.tideline.sdk.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link FileSink#readAll(java.io.InputStream)}: any bytes either read
 * as records or fail with the documented {@link IOException}, and no record claims more bytes than
 * the input holds.
 *
 * <p>In the normal build this replays the seed corpus under {@code
 * src/test/resources/dev/tideline/sdk/sink/FileSinkFuzzTestInputs/} (written by {@code
 * dev.tideline.sdk.FuzzSeeds}); with {@code JAZZER_FUZZ=1} it fuzzes (see {@code docs/fuzzing.md}).
 */
class FileSinkFuzzTest {
  /** Inputs are bounded so a finding is a reader fault, not the fuzzer's own allocation. */
  static final int MAX_INPUT = 64 * 1024;

  @FuzzTest(maxDuration = "60s")
  void readsOrRejectsAnyFile(byte[] file) {
    if (file.length > MAX_INPUT) {
      return;
    }
    List<FileSink.FileRecord> records;
    try {
      records = FileSink.readAll(new ByteArrayInputStream(file));
    } catch (IOException documented) {
      return;
    }
    long bytes = 0;
    for (FileSink.FileRecord record : records) {
      assertThat(record.record().partitionKey()).isNotNull();
      bytes += record.record().data().length;
    }
    assertThat(bytes)
        .as("record bytes read from a %d-byte file", file.length)
        .isLessThanOrEqualTo(file.length);
  }
}
