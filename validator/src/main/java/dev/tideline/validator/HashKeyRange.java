package dev.tideline.validator;

import java.math.BigInteger;
import java.util.Objects;

/**
 * The inclusive range of 128-bit hash keys a shard owns (Kinesis {@code HashKeyRange}).
 *
 * <p>Immutable and thread-safe.
 */
public final class HashKeyRange {
  private static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  private final BigInteger start;
  private final BigInteger end;

  private HashKeyRange(BigInteger start, BigInteger end) {
    this.start = start;
    this.end = end;
  }

  /**
   * A range from its decimal bounds, as ListShards returns them.
   *
   * @throws IllegalArgumentException if a bound is not a decimal in [0, 2^128) or start > end
   */
  public static HashKeyRange of(String startingHashKey, String endingHashKey) {
    return of(parse(startingHashKey, "startingHashKey"), parse(endingHashKey, "endingHashKey"));
  }

  /**
   * A range from its bounds.
   *
   * @throws IllegalArgumentException if a bound is outside [0, 2^128) or start > end
   */
  public static HashKeyRange of(BigInteger start, BigInteger end) {
    check(Objects.requireNonNull(start, "start"), "start");
    check(Objects.requireNonNull(end, "end"), "end");
    if (start.compareTo(end) > 0) {
      throw new IllegalArgumentException(
          "hash key range start " + start + " must not exceed end " + end);
    }
    return new HashKeyRange(start, end);
  }

  /** The whole key space, as a single-shard stream owns it. */
  public static HashKeyRange all() {
    return new HashKeyRange(BigInteger.ZERO, MAX);
  }

  private static BigInteger parse(String value, String name) {
    try {
      return new BigInteger(Objects.requireNonNull(value, name));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a decimal integer, was " + value, e);
    }
  }

  private static void check(BigInteger value, String name) {
    if (value.signum() < 0 || value.compareTo(MAX) > 0) {
      throw new IllegalArgumentException(
          "hash key range " + name + " must be in [0, 2^128), was " + value);
    }
  }

  /** The first hash key. */
  public BigInteger start() {
    return start;
  }

  /** The last hash key. */
  public BigInteger end() {
    return end;
  }

  /** Whether the key is in the range. */
  public boolean contains(BigInteger hashKey) {
    return hashKey.compareTo(start) >= 0 && hashKey.compareTo(end) <= 0;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HashKeyRange
        && ((HashKeyRange) other).start.equals(start)
        && ((HashKeyRange) other).end.equals(end);
  }

  @Override
  public int hashCode() {
    return start.hashCode() * 31 + end.hashCode();
  }

  @Override
  public String toString() {
    return "[" + start + ", " + end + "]";
  }
}
