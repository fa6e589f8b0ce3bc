package dev.tideline.android.aws;

import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/** What AWS would check on arrival: the AWS SDK v2 signer re-signs a received request. */
final class SdkSignatures {
  private SdkSignatures() {}

  /**
   * The Authorization header the AWS SDK v2 signer gives the request as received (same host, time,
   * target, body), for these credentials.
   */
  static String expectedAuthorization(
      FakeAwsServer.Request received, AwsCredentials credentials, String region) {
    ZonedDateTime time =
        ZonedDateTime.parse(
            received.headers().get("x-amz-date"),
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX"));
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.valueOf(received.method()))
            .uri(URI.create("http://" + received.headers().get("host") + received.uri()))
            .putHeader("Content-Type", received.headers().get("content-type"))
            .putHeader("X-Amz-Target", received.headers().get("x-amz-target"))
            .build();
    AwsCredentialsIdentity identity =
        credentials.sessionToken() == null
            ? AwsCredentialsIdentity.create(
                credentials.accessKeyId(), credentials.secretAccessKey())
            : AwsSessionCredentialsIdentity.create(
                credentials.accessKeyId(),
                credentials.secretAccessKey(),
                credentials.sessionToken());
    return AwsV4HttpSigner.create()
        .sign(
            r ->
                r.identity(identity)
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(received.body()))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kinesis")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(
                        HttpSigner.SIGNING_CLOCK, Clock.fixed(time.toInstant(), ZoneOffset.UTC)))
        .request()
        .firstMatchingHeader("Authorization")
        .orElseThrow();
  }
}
