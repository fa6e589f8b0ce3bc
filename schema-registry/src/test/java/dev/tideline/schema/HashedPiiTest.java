package dev.tideline.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashedPiiTest {
  @Test
  void formatsADigestAsThePrefixAndLowerCaseHex() {
    byte[] digest = new byte[32];
    digest[0] = (byte) 0xAB;
    digest[31] = 0x01;

    String hashed = HashedPii.format(digest);

    assertThat(hashed)
        .isEqualTo("hmac-sha256:ab" + repeat("0", 60) + "01")
        .hasSize(HashedPii.PREFIX.length() + HashedPii.DIGEST_HEX_DIGITS);
    assertThat(HashedPii.isHashed(hashed)).isTrue();
  }

  @Test
  void refusesADigestThatIsNotThirtyTwoBytes() {
    assertThatThrownBy(() -> HashedPii.format(new byte[20]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes, was 20 bytes");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "alice@example.com",
        "hmac-sha256:",
        "hmac-sha256:abc",
        "HMAC-SHA256:0000000000000000000000000000000000000000000000000000000000000000",
        "hmac-sha256:000000000000000000000000000000000000000000000000000000000000000A",
        "hmac-sha256:000000000000000000000000000000000000000000000000000000000000000g",
        "hmac-sha256:00000000000000000000000000000000000000000000000000000000000000000",
        "sha256:00000000000000000000000000000000000000000000000000000000000000000000"
      })
  void doesNotTakeAnythingElseForAHashedValue(String value) {
    assertThat(HashedPii.isHashed(value)).isFalse();
  }

  private static String repeat(String s, int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append(s);
    }
    return out.toString();
  }
}
