package dev.tideline.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tideline.proto.kpl.AggregatedRecord;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Coverage-guided fuzzing of {@link KplRecords#decode}: any bytes either decode or fail with {@link
 * MalformedRecordException}, and what decodes encodes back to a record that decodes the same.
 *
 * <p>In the normal build this replays the seed corpus under {@code
 * src/test/resources/dev/tideline/wire/KplRecordsFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} it
 * fuzzes (see {@code docs/fuzzing.md}).
 */
class KplRecordsFuzzTest {
  /** Inputs are bounded so a finding is a decoder fault, not the fuzzer's own allocation. */
  static final int MAX_INPUT = 64 * 1024;

  @FuzzTest(maxDuration = "60s")
  void decodesOrRejectsAnyBytes(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    decodesOrRejects(data);
  }

  /**
   * The same property past the digest check: the input is the protobuf body, framed with the magic
   * and its correct MD5, so mutations reach the record checks instead of failing the digest.
   */
  @FuzzTest(maxDuration = "60s")
  void decodesOrRejectsAnyBodyWithItsDigest(byte[] body) throws NoSuchAlgorithmException {
    if (body.length > MAX_INPUT) {
      return;
    }
    byte[] digest = MessageDigest.getInstance("MD5").digest(body);
    byte[] data = new byte[KplRecords.OVERHEAD + body.length];
    System.arraycopy(KplRecords.magic(), 0, data, 0, KplRecords.MAGIC_LENGTH);
    System.arraycopy(body, 0, data, KplRecords.MAGIC_LENGTH, body.length);
    System.arraycopy(digest, 0, data, KplRecords.MAGIC_LENGTH + body.length, digest.length);
    decodesOrRejects(data);
  }

  private static void decodesOrRejects(byte[] data) {
    AggregatedRecord record;
    try {
      record = KplRecords.decode(data);
    } catch (MalformedRecordException expected) {
      return;
    }
    try {
      assertThat(KplRecords.decode(KplRecords.encode(record))).isEqualTo(record);
    } catch (MalformedRecordException e) {
      throw new AssertionError("a decoded record did not survive encoding: " + e.getMessage(), e);
    }
  }
}
