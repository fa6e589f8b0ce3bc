package dev.tideline.android.aws;

import java.io.IOException;
import java.util.Objects;

/**
 * Where {@link AndroidKinesisSink} gets the credentials it signs requests with. Apps never embed
 * long-lived AWS keys: use {@link CognitoCredentialsProvider}, or implement this interface over
 * your own backend that hands out temporary credentials.
 *
 * <p>Implementations must be thread-safe: the sink calls from its own worker threads, several at
 * once, never from the main thread.
 */
public interface CredentialsProvider {
  /**
   * Credentials valid for at least the next few minutes. May block on the network (the sink calls
   * it off the main thread); should answer from a cache while the cached credentials are valid.
   *
   * @throws IOException if credentials cannot be obtained now (the sink fails the call as retryable
   *     and asks again on the next call)
   */
  AwsCredentials credentials() throws IOException;

  /**
   * Forgets cached credentials, so the next {@link #credentials()} fetches new ones. The sink calls
   * it when AWS answered that the session token expired. Must not block. Does nothing by default.
   */
  default void refresh() {}

  /**
   * A provider that always answers these credentials: for tests and local servers.
   *
   * @throws NullPointerException if credentials is null
   */
  static CredentialsProvider of(AwsCredentials credentials) {
    Objects.requireNonNull(credentials, "credentials");
    return () -> credentials;
  }
}
