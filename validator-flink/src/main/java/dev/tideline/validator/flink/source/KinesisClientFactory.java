package dev.tideline.validator.flink.source;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Creates the {@link KinesisClient} of the source's enumerator and of each of its readers. A Flink
 * job is serialized and shipped to the machines that run it, so the source carries this recipe, not
 * a client; each enumerator and reader creates its own client and closes it when it closes.
 *
 * <p>{@link #builder()} makes one from the same settings as the validator CLI's options (region,
 * endpoint, read timeout), with credentials from the AWS SDK's default chain unless told otherwise.
 * Any other serializable recipe will do, for example a lambda:
 *
 * <pre>{@code
 * KinesisClientFactory clients = () -> KinesisClient.builder().region(Region.EU_WEST_1).build();
 * }</pre>
 *
 * <p>Implementations must be serializable and thread-safe.
 */
@FunctionalInterface
public interface KinesisClientFactory extends Serializable {
  /** A new client; the caller closes it. */
  KinesisClient create();

  /** A builder of the standard recipe. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Configures the standard recipe: the AWS SDK's URL-connection HTTP client (as the CLI), a region
   * and an endpoint if given, and credentials from the SDK's default chain (environment, profile,
   * container or instance role) unless a profile or a static key pair is given. Each setter checks
   * its argument at once.
   */
  final class Builder {
    /** How long a Kinesis call may wait for its response before it is retried: the AWS SDK's. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    @Nullable String region;
    @Nullable URI endpoint;
    Duration readTimeout = DEFAULT_READ_TIMEOUT;
    @Nullable String profile;
    @Nullable String accessKeyId;
    @Nullable String secretAccessKey;

    private Builder() {}

    /** The AWS region, for example {@code eu-west-1}; default the AWS SDK's chain. */
    public Builder region(String region) {
      Objects.requireNonNull(region, "region");
      if (region.isEmpty()) {
        throw new IllegalArgumentException("region must not be empty");
      }
      this.region = region;
      return this;
    }

    /**
     * The Kinesis endpoint, for example a local Kinesis ({@code http://localhost:4567}); default
     * the region's. A local Kinesis still needs a region and credentials; it accepts any.
     */
    public Builder endpoint(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (endpoint.getScheme() == null || endpoint.getHost() == null) {
        throw new IllegalArgumentException(
            "endpoint must be an absolute URL such as http://localhost:4567, was " + endpoint);
      }
      this.endpoint = endpoint;
      return this;
    }

    /** How long each call may wait for its response before the AWS SDK retries it; default 30 s. */
    public Builder readTimeout(Duration readTimeout) {
      Objects.requireNonNull(readTimeout, "readTimeout");
      if (readTimeout.isNegative() || readTimeout.isZero()) {
        throw new IllegalArgumentException("readTimeout must be positive, was " + readTimeout);
      }
      this.readTimeout = readTimeout;
      return this;
    }

    /** Credentials from a named profile of the machine that runs each task (~/.aws/credentials). */
    public Builder profile(String profile) {
      Objects.requireNonNull(profile, "profile");
      if (profile.isEmpty()) {
        throw new IllegalArgumentException("profile must not be empty");
      }
      this.profile = profile;
      this.accessKeyId = null;
      this.secretAccessKey = null;
      return this;
    }

    /**
     * A fixed key pair. It travels inside the job's serialized configuration, so use it only for a
     * local Kinesis; on AWS prefer the default chain (a role) or a profile.
     */
    public Builder staticCredentials(String accessKeyId, String secretAccessKey) {
      this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
      this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
      this.profile = null;
      return this;
    }

    /** The recipe. */
    public KinesisClientFactory build() {
      return new StandardKinesisClientFactory(this);
    }
  }
}
