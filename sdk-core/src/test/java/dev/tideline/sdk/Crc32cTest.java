package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;
import org.junit.jupiter.api.Test;

/** The portable CRC-32C (Android before API 34, Java 8) gives the JDK's values. */
class Crc32cTest {
  private static long portable(byte[] bytes) {
    Checksum checksum = new Crc32c.Portable();
    checksum.update(bytes, 0, bytes.length);
    return checksum.getValue();
  }

  @Test
  void matchesTheTestVectorsOfRfc3720() {
    byte[] ascending = new byte[32];
    byte[] descending = new byte[32];
    for (int i = 0; i < 32; i++) {
      ascending[i] = (byte) i;
      descending[i] = (byte) (31 - i);
    }
    byte[] ones = new byte[32];
    Arrays.fill(ones, (byte) 0xFF);
    assertThat(portable(new byte[32])).isEqualTo(0x8A9136AAL);
    assertThat(portable(ones)).isEqualTo(0x62A8AB43L);
    assertThat(portable(ascending)).isEqualTo(0x46DD794EL);
    assertThat(portable(descending)).isEqualTo(0x113FDB5CL);
    assertThat(portable("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xE3069283L);
  }

  @Test
  void givesTheJdksValuesForRandomInputsInPieces() {
    Random random = new Random(42);
    for (int n = 0; n < 500; n++) {
      byte[] bytes = new byte[random.nextInt(2000)];
      random.nextBytes(bytes);
      CRC32C jdk = new CRC32C();
      jdk.update(bytes, 0, bytes.length);
      Checksum portable = new Crc32c.Portable();
      int split = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
      portable.update(bytes, 0, split);
      portable.update(bytes, split, bytes.length - split);
      assertThat(portable.getValue()).isEqualTo(jdk.getValue());
    }
  }

  @Test
  void usesTheJdksClassWhereTheRuntimeHasIt() {
    assertThat(Crc32c.create()).isInstanceOf(CRC32C.class);
  }
}
