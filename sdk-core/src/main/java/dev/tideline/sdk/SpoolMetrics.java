package dev.tideline.sdk;

/**
 * The spool's counters, part of {@link TrackerMetrics#spool()}: what is on disk, what was written,
 * what had to stay in memory because the disk failed, and what recovery found. Immutable.
 */
public final class SpoolMetrics {
  private final long bytes;
  private final int segments;
  private final long written;
  private final long keptInMemory;
  private final long writeFailures;
  private final long recovered;
  private final long corruptRegions;
  private final long corruptBytes;
  private final long tornTailBytes;

  SpoolMetrics(
      long bytes,
      int segments,
      long written,
      long keptInMemory,
      long writeFailures,
      long recovered,
      long corruptRegions,
      long corruptBytes,
      long tornTailBytes) {
    this.bytes = bytes;
    this.segments = segments;
    this.written = written;
    this.keptInMemory = keptInMemory;
    this.writeFailures = writeFailures;
    this.recovered = recovered;
    this.corruptRegions = corruptRegions;
    this.corruptBytes = corruptBytes;
    this.tornTailBytes = tornTailBytes;
  }

  /** Bytes the segment files take now. */
  public long bytes() {
    return bytes;
  }

  /** Segment files now. */
  public int segments() {
    return segments;
  }

  /** Events synced to disk since the tracker started. */
  public long written() {
    return written;
  }

  /** Events kept in memory (and sent from there) because writing them to disk failed. */
  public long keptInMemory() {
    return keptInMemory;
  }

  /**
   * Commits that failed (disk full, directory gone, I/O error); each is reported once per cause.
   */
  public long writeFailures() {
    return writeFailures;
  }

  /** Events found on disk at start, from an earlier run, to send. */
  public long recovered() {
    return recovered;
  }

  /** Corrupt stretches skipped (each between two sound frames), at start and while reading. */
  public long corruptRegions() {
    return corruptRegions;
  }

  /** Bytes in those stretches. */
  public long corruptBytes() {
    return corruptBytes;
  }

  /** Bytes of torn tails cut at start (a write a crash interrupted). */
  public long tornTailBytes() {
    return tornTailBytes;
  }

  @Override
  public String toString() {
    return "SpoolMetrics{bytes="
        + bytes
        + ", segments="
        + segments
        + ", written="
        + written
        + ", keptInMemory="
        + keptInMemory
        + ", writeFailures="
        + writeFailures
        + ", recovered="
        + recovered
        + ", corruptRegions="
        + corruptRegions
        + ", corruptBytes="
        + corruptBytes
        + ", tornTailBytes="
        + tornTailBytes
        + "}";
  }
}
