package dev.tideline.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Digests against the published test vectors (RFC 1321 for MD5, FIPS 180-2 for SHA-256). */
class DigestsTest {
  private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);

  @Test
  void md5MatchesRfc1321() {
    assertThat(Hex.encode(Digests.md5(new byte[0]))).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    assertThat(Hex.encode(Digests.md5(ABC))).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
  }

  @Test
  void md5OfARangeIsTheMd5OfThoseBytesOnly() {
    byte[] framed = "xxabcyy".getBytes(StandardCharsets.US_ASCII);
    assertThat(Digests.md5(framed, 2, 3)).isEqualTo(Digests.md5(ABC));
  }

  @Test
  void md5IntoAnArrayWritesTheDigestThereAndNothingElse() {
    byte[] out = new byte[20];
    Arrays.fill(out, (byte) 0x55);

    Digests.md5(ABC, 0, 3, out, 2);

    assertThat(Arrays.copyOfRange(out, 2, 18)).isEqualTo(Digests.md5(ABC));
    assertThat(new byte[] {out[0], out[1], out[18], out[19]}).containsOnly((byte) 0x55);
  }

  @Test
  void md5IntoAnArrayTooShortForTheDigestIsRefused() {
    assertThatThrownBy(() -> Digests.md5(ABC, 0, 3, new byte[20], 5))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("16 bytes at 5 of 20");
  }

  @Test
  void md5GivesTheSameDigestOnEveryThread() throws Exception {
    byte[][] seen = new byte[1][];
    Thread other = new Thread(() -> seen[0] = Digests.md5(ABC));
    other.start();
    other.join();
    assertThat(seen[0]).isEqualTo(Digests.md5(ABC)).hasSize(Digests.MD5_LENGTH);
  }

  @Test
  void sha256MatchesFips180() {
    assertThat(Hex.encode(Digests.sha256(ABC)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Digests.sha256(ABC)).hasSize(Digests.SHA256_LENGTH);
  }
}
