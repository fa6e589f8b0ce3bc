package dev.tideline.wire;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash key Kinesis derives from a partition key to pick a shard: the MD5 digest of its UTF-8
 * bytes as an unsigned 128-bit integer ("Kinesis Data Streams terminology", partition key). The
 * producer predicts shards with it and the validator checks sub-records against shard ranges with
 * it, so both use this one definition.
 *
 * <p>Thread-safe: one digest per thread.
 */
public final class HashKeys {
  private static final ThreadLocal<MessageDigest> MD5 =
      new ThreadLocal<MessageDigest>() {
        @Override
        protected MessageDigest initialValue() {
          try {
            return MessageDigest.getInstance("MD5");
          } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM and Android", e);
          }
        }
      };

  private HashKeys() {}

  /** The 16-byte MD5 digest of the partition key's UTF-8 bytes. */
  public static byte[] digest(String partitionKey) {
    return MD5.get().digest(partitionKey.getBytes(StandardCharsets.UTF_8));
  }

  /** The hash key of a partition key, from 0 to 2^128 - 1. */
  public static BigInteger of(String partitionKey) {
    return new BigInteger(1, digest(partitionKey));
  }
}
