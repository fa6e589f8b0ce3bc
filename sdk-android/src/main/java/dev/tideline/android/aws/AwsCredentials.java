package dev.tideline.android.aws;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * AWS credentials to sign requests with: an access key id, a secret access key, and for temporary
 * credentials a session token and an expiration time.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the key id, the secret or the
 * token.
 */
public final class AwsCredentials {
  /** The expiration of credentials that do not expire. */
  public static final long NEVER_EXPIRES = Long.MAX_VALUE;

  private static final String REDACTED = "[redacted]";
  private static final Pattern SIGNATURE = Pattern.compile("Signature=[0-9a-fA-F]+");

  private final String accessKeyId;
  private final String secretAccessKey;
  private final @Nullable String sessionToken;
  private final long expirationMillis;

  private AwsCredentials(
      String accessKeyId,
      String secretAccessKey,
      @Nullable String sessionToken,
      long expirationMillis) {
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.sessionToken = sessionToken;
    this.expirationMillis = expirationMillis;
  }

  /**
   * Long-term credentials, without session token or expiration. Apps should not embed these (see
   * {@link CognitoCredentialsProvider}); they suit tests and local servers.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is empty
   */
  public static AwsCredentials create(String accessKeyId, String secretAccessKey) {
    return create(accessKeyId, secretAccessKey, null, NEVER_EXPIRES);
  }

  /**
   * Temporary credentials.
   *
   * @param sessionToken the session token, or null for long-term credentials
   * @param expirationMillis when they expire, milliseconds since the epoch (UTC), or {@link
   *     #NEVER_EXPIRES}
   * @throws NullPointerException if the key id or the secret is null
   * @throws IllegalArgumentException if the key id, the secret or the token is empty
   */
  public static AwsCredentials create(
      String accessKeyId,
      String secretAccessKey,
      @Nullable String sessionToken,
      long expirationMillis) {
    notEmpty("accessKeyId", accessKeyId);
    notEmpty("secretAccessKey", secretAccessKey);
    if (sessionToken != null && sessionToken.isEmpty()) {
      throw new IllegalArgumentException("sessionToken must be null or not empty");
    }
    return new AwsCredentials(accessKeyId, secretAccessKey, sessionToken, expirationMillis);
  }

  private static void notEmpty(String name, String value) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }

  /** The access key id. */
  public String accessKeyId() {
    return accessKeyId;
  }

  /** The secret access key. */
  public String secretAccessKey() {
    return secretAccessKey;
  }

  /** The session token of temporary credentials, or null. */
  public @Nullable String sessionToken() {
    return sessionToken;
  }

  /** When the credentials expire, milliseconds since the epoch, or {@link #NEVER_EXPIRES}. */
  public long expirationMillis() {
    return expirationMillis;
  }

  /**
   * Whether the credentials are still usable at this time with this margin to spare: {@code
   * nowMillis + marginMillis < expirationMillis()}.
   */
  public boolean isValidAt(long nowMillis, long marginMillis) {
    return expirationMillis == NEVER_EXPIRES || nowMillis + marginMillis < expirationMillis;
  }

  /**
   * The text with every occurrence of the key id, the secret, the token and any signature replaced,
   * and cut to {@code maxLength} characters: for error messages a server echoed (an
   * invalid-signature answer quotes the canonical request, security token included).
   */
  @Nullable String redact(@Nullable String text, int maxLength) {
    if (text == null) {
      return null;
    }
    String clean = text.replace(secretAccessKey, REDACTED).replace(accessKeyId, REDACTED);
    if (sessionToken != null) {
      clean = clean.replace(sessionToken, REDACTED);
    }
    // A signature quoted back ("Signature=<64 hex digits>", also X-Amz-Signature=).
    clean = SIGNATURE.matcher(clean).replaceAll("Signature=" + REDACTED);
    return clean.length() <= maxLength ? clean : clean.substring(0, maxLength) + "...";
  }

  /** Describes the credentials without revealing them. */
  @Override
  public String toString() {
    return "AwsCredentials{"
        + (sessionToken == null ? "long-term" : "temporary")
        + (expirationMillis == NEVER_EXPIRES ? "" : ", expires at " + expirationMillis + " ms")
        + "}";
  }
}
