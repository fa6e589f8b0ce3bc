package dev.tideline.sdk;

/**
 * A shard's write allowance: records and bytes per second, refilled continuously, holding at most
 * one second's worth. A record larger than a second's bytes passes when the bucket is full (and
 * leaves it in debt), so nothing is stuck forever. Throttling halves the rate (down to a tenth);
 * each acknowledged call wins back 5%. See docs/decisions/0101-linger-and-rate-limits.md.
 * Worker-owned.
 */
final class TokenBucket {
  /**
   * Kinesis's per-shard write limit ("Quotas and limits", Kinesis Data Streams Developer Guide).
   */
  static final double SHARD_RECORDS_PER_SECOND = 1000;

  /** Kinesis's per-shard write limit in bytes per second (1 MiB). */
  static final double SHARD_BYTES_PER_SECOND = 1024 * 1024;

  private static final double MIN_SCALE = 0.1;
  private static final double NANOS_PER_SECOND = 1e9;

  private final double recordsPerSecond;
  private final double bytesPerSecond;
  private double scale = 1.0;
  private double records;
  private double bytes;
  private long lastRefillNanos;

  TokenBucket(double factor, long nowNanos) {
    this.recordsPerSecond = SHARD_RECORDS_PER_SECOND * factor;
    this.bytesPerSecond = SHARD_BYTES_PER_SECOND * factor;
    this.records = recordsPerSecond;
    this.bytes = bytesPerSecond;
    this.lastRefillNanos = nowNanos;
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - lastRefillNanos;
    if (elapsed > 0) {
      double seconds = elapsed / NANOS_PER_SECOND;
      records = Math.min(recordsPerSecond, records + seconds * recordsPerSecond * scale);
      bytes = Math.min(bytesPerSecond, bytes + seconds * bytesPerSecond * scale);
      lastRefillNanos = nowNanos;
    }
  }

  /** Takes one record of that size if allowed now. */
  boolean tryTake(int size, long nowNanos) {
    refill(nowNanos);
    boolean full = bytes >= bytesPerSecond;
    if (records >= 1 && (bytes >= size || full)) {
      records -= 1;
      bytes -= size;
      return true;
    }
    return false;
  }

  /** How long until a record of that size would be allowed. */
  long nanosUntilAvailable(int size, long nowNanos) {
    refill(nowNanos);
    double needRecords = Math.max(0, 1 - records) / (recordsPerSecond * scale);
    double needBytesTarget = Math.min(size, bytesPerSecond);
    double needBytes = Math.max(0, needBytesTarget - bytes) / (bytesPerSecond * scale);
    double need = Math.max(needRecords, needBytes);
    return need <= 0 ? 0 : (long) Math.ceil(need * NANOS_PER_SECOND) + 1;
  }

  /** Kinesis throttled the shard: halve the rate. */
  void slowDown() {
    scale = Math.max(MIN_SCALE, scale / 2);
  }

  /** A call succeeded: win back some rate. */
  void speedUp() {
    scale = Math.min(1.0, scale + 0.05);
  }

  double scale() {
    return scale;
  }
}
