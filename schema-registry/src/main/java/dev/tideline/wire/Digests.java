package dev.tideline.wire;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The digests Tideline's formats use: MD5 (the KPL record checksum, the Kinesis hash key of a
 * partition key) and SHA-256 (schema ids). Every JVM and Android provides both ("MessageDigest
 * Algorithms" in the Java Security Standard Algorithm Names).
 *
 * <p>Thread-safe: MD5, which runs per record, keeps one digest per thread instead of looking the
 * algorithm up on every call.
 */
public final class Digests {
  /** Length of an MD5 digest in bytes. */
  public static final int MD5_LENGTH = 16;

  /** Length of a SHA-256 digest in bytes. */
  public static final int SHA256_LENGTH = 32;

  private static final ThreadLocal<MessageDigest> MD5 =
      new ThreadLocal<MessageDigest>() {
        @Override
        protected MessageDigest initialValue() {
          return newDigest("MD5");
        }
      };

  private Digests() {}

  /** The MD5 digest of the bytes. */
  public static byte[] md5(byte[] data) {
    return md5(data, 0, data.length);
  }

  /** The MD5 digest of {@code length} bytes of {@code data} from {@code offset}. */
  public static byte[] md5(byte[] data, int offset, int length) {
    MessageDigest md5 = MD5.get();
    md5.update(data, offset, length);
    return md5.digest();
  }

  /**
   * Writes the MD5 digest of {@code length} bytes of {@code data} from {@code offset} into {@code
   * out} at {@code at}, without a copy.
   *
   * @throws IndexOutOfBoundsException if {@code out} has fewer than {@link #MD5_LENGTH} bytes from
   *     {@code at}
   */
  public static void md5(byte[] data, int offset, int length, byte[] out, int at) {
    if (at < 0 || out.length - at < MD5_LENGTH) {
      throw new IndexOutOfBoundsException(
          "an MD5 digest needs " + MD5_LENGTH + " bytes at " + at + " of " + out.length);
    }
    MessageDigest md5 = MD5.get();
    md5.update(data, offset, length);
    try {
      md5.digest(out, at, MD5_LENGTH);
    } catch (DigestException e) {
      throw new IllegalStateException("the output was checked to hold the digest", e);
    }
  }

  /** The SHA-256 digest of the bytes. */
  public static byte[] sha256(byte[] data) {
    return newDigest("SHA-256").digest(data);
  }

  private static MessageDigest newDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required of every JVM and Android", e);
    }
  }
}
