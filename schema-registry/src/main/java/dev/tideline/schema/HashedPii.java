package dev.tideline.schema;

import dev.tideline.wire.Hex;

/**
 * The form in which a hashed personal value travels: {@code hmac-sha256:} followed by the 64
 * lower-case hex digits of an HMAC-SHA256 digest. The SDK writes it (its {@code PiiPolicy} with
 * {@code HASH}); the validator recognizes it (a field that must not arrive in clear text may arrive
 * in this form). Defined once here, where both find it (docs/decisions/0106-pii-policy.md).
 *
 * <p>Stateless and thread-safe.
 */
public final class HashedPii {
  /** What every hashed value starts with: the algorithm, so that a reader knows what it holds. */
  public static final String PREFIX = "hmac-sha256:";

  /** An HMAC-SHA256 digest is 32 bytes: 64 hex digits. */
  public static final int DIGEST_HEX_DIGITS = 64;

  private HashedPii() {}

  /**
   * A 32-byte HMAC-SHA256 digest in the hashed form.
   *
   * @throws IllegalArgumentException if the digest is not 32 bytes
   */
  public static String format(byte[] digest) {
    if (digest.length * 2 != DIGEST_HEX_DIGITS) {
      throw new IllegalArgumentException(
          "an HMAC-SHA256 digest is 32 bytes, was " + digest.length + " bytes");
    }
    StringBuilder out = new StringBuilder(PREFIX.length() + DIGEST_HEX_DIGITS).append(PREFIX);
    return Hex.appendTo(out, digest).toString();
  }

  /** Whether a value is exactly in the hashed form: the prefix, then 64 lower-case hex digits. */
  public static boolean isHashed(CharSequence value) {
    if (value.length() != PREFIX.length() + DIGEST_HEX_DIGITS) {
      return false;
    }
    for (int i = 0; i < PREFIX.length(); i++) {
      if (value.charAt(i) != PREFIX.charAt(i)) {
        return false;
      }
    }
    for (int i = PREFIX.length(); i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
