package dev.tideline.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HexTest {
  private static final byte[] BYTES = {0x00, 0x0f, (byte) 0xf3, (byte) 0x89, 0x7f, (byte) 0x80};

  @Test
  void encodesBytesAsLowerCaseDigitsTwoPerByte() {
    assertThat(Hex.encode(BYTES)).isEqualTo("000ff3897f80");
    assertThat(Hex.encode(new byte[0])).isEmpty();
  }

  @Test
  void appendsToWhatIsAlreadyThere() {
    StringBuilder out = new StringBuilder("hmac-sha256:");
    assertThat(Hex.appendTo(out, BYTES)).isSameAs(out);
    assertThat(out).hasToString("hmac-sha256:000ff3897f80");
  }

  @Test
  void quotesBytesForMessagesAsUpperCasePairsWithSpaces() {
    assertThat(Hex.spaced(BYTES, 2, 2)).isEqualTo("F3 89");
    assertThat(Hex.spaced(BYTES, 0, BYTES.length)).isEqualTo("00 0F F3 89 7F 80");
    assertThat(Hex.spaced(BYTES, 3, 0)).isEmpty();
  }

  @Test
  void printsA64BitValueAsSixteenDigitsLikeFormat() {
    Random random = new Random(7);
    long[] values = {0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x0d4065f410f56a35L};
    for (long value : values) {
      assertThat(Hex.of(value)).isEqualTo(String.format(Locale.ROOT, "%016x", value));
    }
    for (int i = 0; i < 1000; i++) {
      long value = random.nextLong();
      assertThat(Hex.of(value)).isEqualTo(String.format(Locale.ROOT, "%016x", value));
    }
  }
}
