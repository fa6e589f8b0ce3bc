package dev.tideline.sdk;

import java.io.File;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Where and how a {@link Tracker} keeps accepted events on disk until Kinesis acknowledged them:
 * the spool, turned on with {@link TrackerBuilder#spool(SpoolConfig)}. Immutable; built with {@link
 * #builder(File)}, whose setters check their arguments at once.
 *
 * <pre>{@code
 * Tracker tracker = Tracker.builder()
 *     .streamName("payments")
 *     .sink(sink)
 *     .spool(SpoolConfig.builder(new File("/var/lib/myservice/tideline")).build())
 *     .build();
 * }</pre>
 *
 * <p>The directory belongs to one tracker in one process at a time (a lock file guards it); it
 * holds the producer id, so the producer's sequence numbers continue across restarts. The format is
 * in {@code docs/formats/spool.md}.
 */
public final class SpoolConfig {
  /**
   * 256 MiB: about a million 250-byte events, hours of a busy app's logging while Kinesis is
   * unreachable, and small next to a server's disk. Set it to what an outage should survive.
   */
  public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

  /**
   * 10 ms: how long an event waits for the group commit that syncs it. Bounds what a crash can take
   * from plain {@code log()} calls to the last 10 ms, while one sync per 10 ms (at most 100 a
   * second, whatever the event rate) stays far below what SSDs and phone flash sustain; durable
   * events ({@link Tracker#logDurably}) are committed at once.
   */
  public static final long DEFAULT_COMMIT_INTERVAL_MILLIS = 10;

  /** 1 MiB: commit early once this many bytes wait, so bursts are written in bounded batches. */
  public static final long DEFAULT_COMMIT_BYTES = 1024 * 1024;

  /**
   * 4 MiB: the size at which a segment file is closed and the next begun. Space is given back a
   * whole segment at a time, and recovery reads one segment at a time into memory.
   */
  public static final long DEFAULT_SEGMENT_BYTES = 4L * 1024 * 1024;

  /** 64 KiB: the smallest segment size allowed. */
  public static final long MIN_SEGMENT_BYTES = 64 * 1024;

  final File directory;
  final long maxBytes;
  final long segmentBytes;
  final long commitIntervalNanos;
  final long commitBytes;
  final SpoolFiles files;

  private SpoolConfig(Builder builder) {
    this.directory = builder.directory;
    this.maxBytes = builder.maxBytes;
    this.segmentBytes = builder.segmentBytes;
    this.commitIntervalNanos = builder.commitIntervalNanos;
    this.commitBytes = builder.commitBytes;
    this.files = builder.files;
  }

  /** A builder for a spool in that directory (created if missing). */
  public static Builder builder(File directory) {
    return new Builder(directory);
  }

  /** The spool's directory. */
  public File directory() {
    return directory;
  }

  /** The most bytes the segment files may take together. */
  public long maxBytes() {
    return maxBytes;
  }

  @Override
  public String toString() {
    return "SpoolConfig{"
        + directory
        + ", maxBytes="
        + maxBytes
        + ", segmentBytes="
        + segmentBytes
        + ", commitInterval="
        + TimeUnit.NANOSECONDS.toMicros(commitIntervalNanos)
        + "us, commitBytes="
        + commitBytes
        + "}";
  }

  /** Builds a {@link SpoolConfig}. Not thread-safe. */
  public static final class Builder {
    private final File directory;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private long segmentBytes = DEFAULT_SEGMENT_BYTES;
    private long commitIntervalNanos =
        TimeUnit.MILLISECONDS.toNanos(DEFAULT_COMMIT_INTERVAL_MILLIS);
    private long commitBytes = DEFAULT_COMMIT_BYTES;
    private SpoolFiles files = SpoolFiles.REAL;

    private Builder(File directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * The most bytes the segment files may take, at least two segments. Default {@link
     * #DEFAULT_MAX_BYTES}. When it is reached, the tracker's {@link BufferPolicy} applies.
     */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes < 2 * MIN_SEGMENT_BYTES) {
        throw new IllegalArgumentException(
            "maxBytes must be at least " + 2 * MIN_SEGMENT_BYTES + ", was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /** The size of one segment file, at least {@link #MIN_SEGMENT_BYTES}. */
    public Builder segmentBytes(long segmentBytes) {
      if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > (1L << 31)) {
        throw new IllegalArgumentException(
            "segmentBytes must be " + MIN_SEGMENT_BYTES + " to 2 GiB, was " + segmentBytes);
      }
      this.segmentBytes = segmentBytes;
      return this;
    }

    /**
     * The longest an event waits for the sync that makes it durable; 0 syncs every event at once.
     * Default {@link #DEFAULT_COMMIT_INTERVAL_MILLIS}.
     */
    public Builder commitInterval(long interval, TimeUnit unit) {
      Objects.requireNonNull(unit, "commitInterval unit");
      if (interval < 0) {
        throw new IllegalArgumentException(
            "commitInterval must not be negative, was " + interval + " " + unit);
      }
      this.commitIntervalNanos = unit.toNanos(interval);
      return this;
    }

    /** Commit early once this many bytes wait; positive. Default {@link #DEFAULT_COMMIT_BYTES}. */
    public Builder commitBytes(long commitBytes) {
      if (commitBytes <= 0) {
        throw new IllegalArgumentException("commitBytes must be positive, was " + commitBytes);
      }
      this.commitBytes = commitBytes;
      return this;
    }

    /** For tests: the file system seam, to inject a full disk or a refused permission. */
    Builder files(SpoolFiles files) {
      this.files = Objects.requireNonNull(files, "files");
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalStateException if maxBytes holds fewer than two segments
     */
    public SpoolConfig build() {
      if (maxBytes < 2 * segmentBytes) {
        throw new IllegalStateException(
            "maxBytes ("
                + maxBytes
                + ") must hold at least two segments of segmentBytes ("
                + segmentBytes
                + ")");
      }
      return new SpoolConfig(this);
    }
  }
}
