package dev.tideline.android.aws;

import dev.tideline.sdk.Clock;
import java.io.IOException;
import java.net.URL;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.json.JSONException;
import org.json.JSONObject;
import org.jspecify.annotations.Nullable;

/**
 * Temporary credentials for an unauthenticated identity of an Amazon Cognito identity pool, so the
 * app ships no AWS keys: the pool's unauthenticated role grants {@code kinesis:PutRecords} (and
 * {@code kinesis:ListShards}, {@code kinesis:DescribeStreamSummary}) on the stream, nothing else.
 *
 * <p>How: {@code GetId} once per install (the identity id is kept in an {@link IdentityStore}),
 * then {@code GetCredentialsForIdentity} whenever the cached credentials are within {@link
 * #DEFAULT_REFRESH_MARGIN_MILLIS} of expiring or the sink reported an expired token ({@link
 * #refresh()}). Both are unsigned calls in the AWS JSON 1.1 protocol to {@code
 * https://cognito-identity.{region}.amazonaws.com/} ("GetId", "GetCredentialsForIdentity", Amazon
 * Cognito Identity API Reference). If Cognito no longer knows the stored identity, a new one is
 * made once.
 *
 * <pre>{@code
 * CredentialsProvider credentials =
 *     CognitoCredentialsProvider.builder(
 *             "eu-west-1:11111111-2222-3333-4444-555555555555",
 *             IdentityStore.file(new File(context.getNoBackupFilesDir(), "tideline-identity")))
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe. One fetch runs at a time; a caller that needs fresh credentials waits for it
 * (bounded by the connect and read timeouts), and callers with valid cached credentials never wait.
 * Never call {@link #credentials()} on the main thread.
 */
public final class CognitoCredentialsProvider implements CredentialsProvider {
  /**
   * How long before their expiration cached credentials are replaced: 5 minutes, so a request
   * signed just before the switch still arrives while they are valid, with room for clock skew.
   */
  public static final long DEFAULT_REFRESH_MARGIN_MILLIS = TimeUnit.MINUTES.toMillis(5);

  /** The connect timeout by default: 10 s. */
  public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;

  /** The read timeout by default: 30 s. */
  public static final long DEFAULT_READ_TIMEOUT_MILLIS = 30_000;

  static final String GET_ID = "AWSCognitoIdentityService.GetId";
  static final String GET_CREDENTIALS = "AWSCognitoIdentityService.GetCredentialsForIdentity";

  private static final Logger LOG = Logger.getLogger(CognitoCredentialsProvider.class.getName());

  private final String identityPoolId;
  private final IdentityStore identityStore;
  private final AwsJsonClient client;
  private final long refreshMarginMillis;
  private final Clock clock;

  /** Held while fetching, so concurrent callers share one fetch. */
  private final Object fetchLock = new Object();

  private volatile @Nullable AwsCredentials cached;

  private CognitoCredentialsProvider(Builder builder) {
    this.identityPoolId = builder.identityPoolId;
    this.identityStore = builder.identityStore;
    URL endpoint =
        builder.endpoint != null
            ? builder.endpoint
            : AwsJsonClient.endpoint(
                "endpoint", "https://cognito-identity." + builder.region + ".amazonaws.com/");
    this.client =
        new AwsJsonClient(
            endpoint, (int) builder.connectTimeoutMillis, (int) builder.readTimeoutMillis);
    this.refreshMarginMillis = builder.refreshMarginMillis;
    this.clock = builder.clock;
  }

  /**
   * A builder for a provider of this identity pool's unauthenticated identities.
   *
   * @param identityPoolId the pool id, {@code region:uuid}, for example {@code
   *     "us-east-1:11111111-2222-3333-4444-555555555555"}
   * @param identityStore where the install's identity id is kept
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the pool id is not {@code region:id}
   */
  public static Builder builder(String identityPoolId, IdentityStore identityStore) {
    return new Builder(identityPoolId, identityStore);
  }

  /**
   * Cached credentials while they are more than the refresh margin from expiring; otherwise new
   * ones from Cognito (and a new identity first, if this install has none yet). Blocks on the
   * network then: never call it on the main thread.
   *
   * @throws IOException if Cognito cannot be reached or refuses (the message names the operation
   *     and Cognito's error code, never a credential)
   */
  @Override
  public AwsCredentials credentials() throws IOException {
    AwsCredentials current = cached;
    if (current != null && current.isValidAt(now(), refreshMarginMillis)) {
      return current;
    }
    synchronized (fetchLock) {
      current = cached;
      if (current != null && current.isValidAt(now(), refreshMarginMillis)) {
        return current; // another caller fetched them meanwhile
      }
      AwsCredentials fresh = fetch();
      cached = fresh;
      return fresh;
    }
  }

  /** Drops the cached credentials; the next {@link #credentials()} fetches new ones. */
  @Override
  public void refresh() {
    cached = null;
  }

  private AwsCredentials fetch() throws IOException {
    String identityId = identityStore.get();
    boolean created = false;
    if (identityId == null) {
      identityId = newIdentity();
      created = true;
    }
    AwsJsonClient.Response response = getCredentials(identityId);
    if (!created && "ResourceNotFoundException".equals(response.errorCode())) {
      // The stored identity is gone (the pool was recreated, or the identity deleted): make one.
      LOG.info("the Cognito identity of this install no longer exists; creating a new one");
      identityId = newIdentity();
      response = getCredentials(identityId);
    }
    JSONObject body = response.body();
    if (!response.isSuccess() || body == null) { // a success always has a body
      throw failure(GET_CREDENTIALS, response);
    }
    try {
      JSONObject credentials = body.getJSONObject("Credentials");
      String accessKeyId = AwsJsonClient.string(credentials, "AccessKeyId");
      String secretKey = AwsJsonClient.string(credentials, "SecretKey");
      String sessionToken = AwsJsonClient.string(credentials, "SessionToken");
      // A timestamp in AWS JSON 1.1 is seconds since the epoch, possibly with a fraction.
      double expirationSeconds = credentials.getDouble("Expiration");
      if (accessKeyId == null || secretKey == null || sessionToken == null) {
        throw new IOException(GET_CREDENTIALS + " answered incomplete credentials");
      }
      return AwsCredentials.create(
          accessKeyId, secretKey, sessionToken, (long) (expirationSeconds * 1000));
    } catch (JSONException e) {
      throw new IOException(GET_CREDENTIALS + " answered without credentials", e);
    }
  }

  private String newIdentity() throws IOException {
    JSONObject request = new JSONObject();
    try {
      request.put("IdentityPoolId", identityPoolId);
    } catch (JSONException e) {
      throw new IllegalStateException(e);
    }
    AwsJsonClient.Response response = client.call(GET_ID, request, null, null, now());
    JSONObject body = response.body();
    if (!response.isSuccess() || body == null) { // a success always has a body
      throw failure(GET_ID, response);
    }
    String identityId = AwsJsonClient.string(body, "IdentityId");
    if (identityId == null || identityId.isEmpty()) {
      throw new IOException(GET_ID + " answered no IdentityId");
    }
    identityStore.put(identityId);
    return identityId;
  }

  private AwsJsonClient.Response getCredentials(String identityId) throws IOException {
    JSONObject request = new JSONObject();
    try {
      request.put("IdentityId", identityId);
    } catch (JSONException e) {
      throw new IllegalStateException(e);
    }
    return client.call(GET_CREDENTIALS, request, null, null, now());
  }

  private static IOException failure(String operation, AwsJsonClient.Response response) {
    String message = response.errorMessage();
    if (message != null && message.length() > 200) {
      message = message.substring(0, 200) + "...";
    }
    return new IOException(
        operation
            + " failed: HTTP "
            + response.status()
            + (response.errorCode() == null ? "" : " " + response.errorCode())
            + (message == null || message.isEmpty() ? "" : ": " + message));
  }

  private long now() {
    return TimeUnit.MICROSECONDS.toMillis(clock.currentTimeMicros());
  }

  @Override
  public String toString() {
    return "CognitoCredentialsProvider{" + identityPoolId + ", " + client.endpoint() + "}";
  }

  /**
   * Settings of a {@link CognitoCredentialsProvider}. Each setter validates its argument at once.
   *
   * <p>Not thread-safe; the provider it builds is.
   */
  public static final class Builder {
    private final String identityPoolId;
    private final IdentityStore identityStore;
    private String region;
    private @Nullable URL endpoint;
    private long connectTimeoutMillis = DEFAULT_CONNECT_TIMEOUT_MILLIS;
    private long readTimeoutMillis = DEFAULT_READ_TIMEOUT_MILLIS;
    private long refreshMarginMillis = DEFAULT_REFRESH_MARGIN_MILLIS;
    private Clock clock = Clock.system();

    private Builder(String identityPoolId, IdentityStore identityStore) {
      Objects.requireNonNull(identityPoolId, "identityPoolId");
      this.identityStore = Objects.requireNonNull(identityStore, "identityStore");
      int colon = identityPoolId.indexOf(':');
      if (colon <= 0 || colon == identityPoolId.length() - 1) {
        throw new IllegalArgumentException(
            "identityPoolId must be region:id, for example"
                + " us-east-1:11111111-2222-3333-4444-555555555555, was "
                + identityPoolId);
      }
      this.identityPoolId = identityPoolId;
      this.region = identityPoolId.substring(0, colon);
    }

    /**
     * The region of the Cognito endpoint. Default: the region the pool id starts with.
     *
     * @throws IllegalArgumentException if empty
     */
    public Builder region(String region) {
      Objects.requireNonNull(region, "region");
      if (region.isEmpty()) {
        throw new IllegalArgumentException("region must not be empty");
      }
      this.region = region;
      return this;
    }

    /**
     * Another endpoint than {@code https://cognito-identity.{region}.amazonaws.com/}: https, or
     * http on a loopback address for a local test server.
     *
     * @throws IllegalArgumentException if not such a URL
     */
    public Builder endpoint(String endpoint) {
      this.endpoint = AwsJsonClient.endpoint("endpoint", Objects.requireNonNull(endpoint));
      return this;
    }

    /**
     * How long to wait for a connection. Default {@link #DEFAULT_CONNECT_TIMEOUT_MILLIS}.
     *
     * @throws IllegalArgumentException unless 1 ms to {@code Integer.MAX_VALUE} ms
     */
    public Builder connectTimeout(long timeout, TimeUnit unit) {
      this.connectTimeoutMillis = AndroidKinesisSink.timeoutMillis("connectTimeout", timeout, unit);
      return this;
    }

    /**
     * How long to wait for an answer. Default {@link #DEFAULT_READ_TIMEOUT_MILLIS}.
     *
     * @throws IllegalArgumentException unless 1 ms to {@code Integer.MAX_VALUE} ms
     */
    public Builder readTimeout(long timeout, TimeUnit unit) {
      this.readTimeoutMillis = AndroidKinesisSink.timeoutMillis("readTimeout", timeout, unit);
      return this;
    }

    /**
     * How long before expiring cached credentials are replaced. Default {@link
     * #DEFAULT_REFRESH_MARGIN_MILLIS}.
     *
     * @throws IllegalArgumentException if negative, or 1 hour or more (Cognito's credentials last
     *     an hour)
     */
    public Builder refreshMargin(long margin, TimeUnit unit) {
      Objects.requireNonNull(unit, "unit");
      long millis = unit.toMillis(margin);
      if (margin < 0 || millis >= TimeUnit.HOURS.toMillis(1)) {
        throw new IllegalArgumentException(
            "refreshMargin must be 0 to less than 1 hour, was " + margin + " " + unit);
      }
      this.refreshMarginMillis = millis;
      return this;
    }

    /** The clock that decides expiry; for tests. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The provider. Fetches nothing until the first {@link #credentials()}. */
    public CognitoCredentialsProvider build() {
      return new CognitoCredentialsProvider(this);
    }
  }
}
