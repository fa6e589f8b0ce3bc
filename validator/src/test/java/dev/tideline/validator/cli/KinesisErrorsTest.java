package dev.tideline.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

/** AWS SDK failures become what to do; the chains, ARNs and request ids stay out. */
class KinesisErrorsTest {
  @Test
  void missingCredentialsNameTheSettingsThatProvideThem() {
    SdkClientException e =
        SdkClientException.create(
            "Unable to load credentials from any of the providers in the chain"
                + " AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentials...])");

    assertThat(KinesisErrors.explain(e, null))
        .isEqualTo(
            "no AWS credentials found: set AWS_PROFILE (a profile in ~/.aws/credentials), or"
                + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with a role");
  }

  @Test
  void refusedCredentialsSayWhichCallsTheyNeed() {
    KinesisException e =
        (KinesisException)
            KinesisException.builder()
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("UnrecognizedClientException")
                        .errorMessage("The security token included in the request is invalid.")
                        .build())
                .requestId("9f1c-request-id")
                .build();

    assertThat(KinesisErrors.explain(e, null))
        .startsWith(
            "Kinesis refused the credentials (UnrecognizedClientException: The security token"
                + " included in the request is invalid.): check AWS_PROFILE")
        .contains("ListShards, GetShardIterator and GetRecords")
        .doesNotContain("9f1c-request-id");
  }
}
