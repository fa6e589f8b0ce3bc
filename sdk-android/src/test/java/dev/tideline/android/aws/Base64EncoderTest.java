package dev.tideline.android.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64EncoderTest {
  @Test
  void encodesTheRfc4648TestVectors() {
    String[][] vectors = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}
    };
    for (String[] vector : vectors) {
      assertThat(Base64Encoder.encode(vector[0].getBytes(StandardCharsets.US_ASCII)))
          .isEqualTo(vector[1]);
    }
  }

  @Test
  void encodesEveryLengthAndByteValueAsTheJdkEncoderDoes() {
    Random random = new Random(4648);
    for (int length = 0; length < 1_000; length++) {
      byte[] data = new byte[length];
      random.nextBytes(data);
      assertThat(Base64Encoder.encode(data))
          .as("%d bytes", length)
          .isEqualTo(Base64.getEncoder().encodeToString(data));
    }
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    assertThat(Base64Encoder.encode(all)).isEqualTo(Base64.getEncoder().encodeToString(all));
  }
}
