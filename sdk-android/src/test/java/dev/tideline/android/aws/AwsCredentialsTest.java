package dev.tideline.android.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AwsCredentialsTest {
  private static final AwsCredentials CREDENTIALS =
      AwsCredentials.create("ASIAKEYID", "secret/Key+1", "tokenValue==", 1_000L);

  @Test
  void describesItselfWithoutRevealingKeyIdSecretOrToken() {
    assertThat(CREDENTIALS.toString())
        .isEqualTo("AwsCredentials{temporary, expires at 1000 ms}")
        .doesNotContain("ASIAKEYID", "secret", "tokenValue");
  }

  @Test
  void redactsKeyIdSecretTokenAndSignaturesFromAServersMessageAndCutsItShort() {
    String echoed =
        "x-amz-security-token:tokenValue== Credential=ASIAKEYID/20150830 secret/Key+1"
            + " Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    assertThat(CREDENTIALS.redact(echoed, 1_000))
        .isEqualTo(
            "x-amz-security-token:[redacted] Credential=[redacted]/20150830 [redacted]"
                + " Signature=[redacted]");
    assertThat(CREDENTIALS.redact("a".repeat(50), 10)).isEqualTo("aaaaaaaaaa...");
    assertThat(CREDENTIALS.redact(null, 10)).isNull();
  }

  @Test
  void isValidOnlyUntilTheMarginBeforeItsExpiration() {
    assertThat(CREDENTIALS.isValidAt(899, 100)).isTrue();
    assertThat(CREDENTIALS.isValidAt(900, 100)).isFalse();
    assertThat(AwsCredentials.create("a", "b").isValidAt(Long.MAX_VALUE - 1, 1_000)).isTrue();
  }

  @Test
  void refusesEmptyKeysAndTokens() {
    assertThatThrownBy(() -> AwsCredentials.create("", "b"))
        .hasMessage("accessKeyId must not be empty");
    assertThatThrownBy(() -> AwsCredentials.create("a", "b", "", 0))
        .hasMessage("sessionToken must be null or not empty");
  }

  @Test
  void aFileIdentityStoreKeepsTheIdAcrossInstancesAndStartsEmpty(@TempDir Path folder)
      throws IOException {
    File file = folder.resolve("identity").toFile();

    assertThat(IdentityStore.file(file).get()).isNull();
    IdentityStore.file(file).put("us-east-1:first");
    IdentityStore.file(file).put("us-east-1:second");

    assertThat(IdentityStore.file(file).get()).isEqualTo("us-east-1:second");
    assertThat(folder.toFile().list()).containsExactly("identity");
  }
}
