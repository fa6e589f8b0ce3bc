package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Coverage-guided fuzzing of spool recovery: a directory holding one segment file of arbitrary
 * bytes is opened with {@link Spool#open} and read to its end with {@link Spool#next}. Whatever the
 * bytes, opening and reading throw nothing but {@link IOException}, reading ends, and every entry
 * read is a frame of the file whose CRC-32C holds (checked here with the JDK's {@link CRC32C}, not
 * the spool's own code) and whose fields are the entry's.
 *
 * <p>In the normal build this replays the seed corpus under {@code
 * src/test/resources/dev/tideline/sdk/SpoolRecoveryFuzzTestInputs/} (written by {@link FuzzSeeds});
 * with {@code JAZZER_FUZZ=1} it fuzzes (see {@code docs/fuzzing.md}).
 */
class SpoolRecoveryFuzzTest {
  /** Inputs are bounded so a finding is a recovery fault, not the fuzzer's own allocation. */
  static final int MAX_INPUT = 64 * 1024;

  static final String SEGMENT = "00000000000000000001.seg";
  private static final long MAX_BYTES = 1 << 20;
  private static final long SEGMENT_BYTES = 64 * 1024;

  @FuzzTest(maxDuration = "60s")
  void recoversAnySegmentReadingOnlySoundFrames(byte[] segment) throws IOException {
    if (segment.length > MAX_INPUT) {
      return;
    }
    Path dir = Files.createTempDirectory("spool-fuzz");
    try {
      Files.write(dir.resolve(SEGMENT), segment);
      recoverAndRead(dir.toFile(), segment);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  private static void recoverAndRead(File dir, byte[] segment) {
    Spool spool;
    try {
      spool = Spool.open(dir, SpoolFiles.REAL, MAX_BYTES, SEGMENT_BYTES, null);
    } catch (IOException documented) {
      return;
    }
    try {
      // Each entry takes at least a frame header and a minimal event body of the segment.
      int mostEntries =
          segment.length / (SpoolFormat.FRAME_HEADER_BYTES + SpoolFormat.MIN_EVENT_BODY);
      int read = 0;
      for (Spool.Entry entry; (entry = spool.next()) != null; ) {
        assertThat(++read)
            .as("entries read from a %d-byte segment", segment.length)
            .isLessThanOrEqualTo(mostEntries);
        assertSoundFrame(segment, entry);
      }
    } catch (IOException documented) {
      // reading may fail, but only this way
    } finally {
      spool.close();
    }
  }

  /**
   * The entry is the event frame at its position in the original segment bytes, checksum and all.
   */
  private static void assertSoundFrame(byte[] segment, Spool.Entry entry) {
    assertThat(SpoolFormat.segmentOf(entry.position)).as("segment of an entry").isEqualTo(1);
    long offset = SpoolFormat.offsetOf(entry.position);
    assertThat(offset + entry.frameBytes)
        .as("end of the frame at %d", offset)
        .isLessThanOrEqualTo(segment.length);
    ByteBuffer frame = ByteBuffer.wrap(segment, (int) offset, entry.frameBytes).slice();
    int length = frame.getInt(0);
    assertThat(length).as("length field at %d", offset).isEqualTo(entry.frameBytes - 8);
    CRC32C crc = new CRC32C();
    crc.update(segment, (int) offset + 8, length);
    assertThat((int) crc.getValue())
        .as("CRC-32C of the frame at %d", offset)
        .isEqualTo(frame.getInt(4));
    assertThat(frame.get(8)).as("type of the frame at %d", offset).isEqualTo(SpoolFormat.EVENT);
    assertThat(frame.getLong(9)).as("sequence at %d", offset).isEqualTo(entry.sequence);
    int keyLength = frame.getShort(17) & 0xFFFF;
    assertThat(keyLength).isEqualTo(entry.partitionKeyBytes);
    byte[] key = Arrays.copyOfRange(segment, (int) offset + 19, (int) offset + 19 + keyLength);
    assertThat(entry.partitionKey).isEqualTo(new String(key, StandardCharsets.UTF_8));
    byte[] envelope =
        Arrays.copyOfRange(segment, (int) offset + 19 + keyLength, (int) offset + entry.frameBytes);
    assertThat(entry.body).as("envelope at %d", offset).isEqualTo(envelope);
  }
}
