package dev.tideline.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;

/**
 * Coverage-guided fuzzing of {@link Envelopes#decode}: any bytes, as an array or as a {@link
 * ByteString}, either decode or fail with {@link MalformedRecordException}, and both forms agree.
 *
 * <p>In the normal build this replays the seed corpus under {@code
 * src/test/resources/dev/tideline/wire/EnvelopesFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} it
 * fuzzes (see {@code docs/fuzzing.md}).
 */
class EnvelopesFuzzTest {
  /** Inputs are bounded so a finding is a decoder fault, not the fuzzer's own allocation. */
  static final int MAX_INPUT = 64 * 1024;

  @FuzzTest(maxDuration = "60s")
  void decodesOrRejectsAnyBytes(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    Object fromArray = outcome(() -> Envelopes.decode(data));
    Object fromByteString = outcome(() -> Envelopes.decode(ByteString.copyFrom(data)));
    if (fromArray instanceof MalformedRecordException
        != fromByteString instanceof MalformedRecordException) {
      throw new AssertionError(
          "decode(byte[]) gave " + fromArray + " but decode(ByteString) gave " + fromByteString);
    }
    if (!(fromArray instanceof MalformedRecordException) && !fromArray.equals(fromByteString)) {
      throw new AssertionError("decode(byte[]) and decode(ByteString) decoded different envelopes");
    }
  }

  private interface Decode {
    Object run() throws MalformedRecordException;
  }

  /** The decoded envelope, or the documented exception; anything else propagates as a finding. */
  private static Object outcome(Decode decode) {
    try {
      return decode.run();
    } catch (MalformedRecordException e) {
      return e;
    }
  }
}
