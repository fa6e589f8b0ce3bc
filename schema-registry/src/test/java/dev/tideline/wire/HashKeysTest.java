package dev.tideline.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class HashKeysTest {
  @Test
  void aHashKeyIsTheMd5OfThePartitionKeyAsAnUnsignedNumber() {
    // MD5("abc") = 900150983cd24fb0d6963f7d28e17f72 (RFC 1321), above 2^127: read unsigned.
    assertThat(HashKeys.of("abc"))
        .isEqualTo(new BigInteger("900150983cd24fb0d6963f7d28e17f72", 16));
  }

  @Test
  void aHashKeyKeptAsTwoLongsIsTheSameNumber() {
    for (String key : new String[] {"abc", "device-1", "", "ü"}) {
      ByteBuffer digest = ByteBuffer.wrap(HashKeys.digest(key));
      assertThat(HashKeys.of(digest.getLong(), digest.getLong())).isEqualTo(HashKeys.of(key));
    }
    assertThat(HashKeys.of(-1L, -1L))
        .isEqualTo(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));
    assertThat(HashKeys.of(0L, 0L)).isEqualTo(BigInteger.ZERO);
  }
}
