package dev.tideline.validator.flink.source;

import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/** The recipe {@link KinesisClientFactory.Builder} makes. Immutable. */
final class StandardKinesisClientFactory implements KinesisClientFactory {
  private static final long serialVersionUID = 1L;

  private final @Nullable String region;
  private final @Nullable URI endpoint;
  private final Duration readTimeout;
  private final @Nullable String profile;
  private final @Nullable String accessKeyId;
  private final @Nullable String secretAccessKey;

  StandardKinesisClientFactory(KinesisClientFactory.Builder builder) {
    this.region = builder.region;
    this.endpoint = builder.endpoint;
    this.readTimeout = builder.readTimeout;
    this.profile = builder.profile;
    this.accessKeyId = builder.accessKeyId;
    this.secretAccessKey = builder.secretAccessKey;
  }

  @Override
  public KinesisClient create() {
    KinesisClientBuilder builder =
        KinesisClient.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(readTimeout));
    if (region != null) {
      builder.region(Region.of(region));
    }
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (profile != null) {
      builder.credentialsProvider(ProfileCredentialsProvider.create(profile));
    } else if (accessKeyId != null && secretAccessKey != null) {
      builder.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(accessKeyId, secretAccessKey)));
    }
    return builder.build();
  }

  @Override
  public String toString() {
    // Never the secret key.
    return "KinesisClientFactory{region="
        + region
        + ", endpoint="
        + endpoint
        + ", credentials="
        + (profile != null
            ? "profile " + profile
            : accessKeyId != null ? "static key " + accessKeyId : "default chain")
        + "}";
  }
}
