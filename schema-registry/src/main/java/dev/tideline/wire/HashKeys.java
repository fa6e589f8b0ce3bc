package dev.tideline.wire;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The hash key Kinesis derives from a partition key to pick a shard: the MD5 digest of its UTF-8
 * bytes as an unsigned 128-bit integer ("Kinesis Data Streams terminology", partition key). The
 * producer predicts shards with it and the validator checks sub-records against shard ranges with
 * it, so both use this one definition.
 *
 * <p>Thread-safe ({@link Digests} keeps one MD5 digest per thread).
 */
public final class HashKeys {
  private HashKeys() {}

  /** The 16-byte MD5 digest of the partition key's UTF-8 bytes. */
  public static byte[] digest(String partitionKey) {
    return Digests.md5(partitionKey.getBytes(StandardCharsets.UTF_8));
  }

  /** The hash key of a partition key, from 0 to 2^128 - 1. */
  public static BigInteger of(String partitionKey) {
    return new BigInteger(1, digest(partitionKey));
  }

  /**
   * The hash key whose digest's first 8 bytes read as {@code high} and last 8 as {@code low}
   * (big-endian, unsigned), for code that keeps hash keys as two longs.
   */
  public static BigInteger of(long high, long low) {
    byte[] digest = new byte[Digests.MD5_LENGTH];
    for (int i = 7; i >= 0; i--) {
      digest[i] = (byte) high;
      digest[i + 8] = (byte) low;
      high >>>= 8;
      low >>>= 8;
    }
    return new BigInteger(1, digest);
  }
}
