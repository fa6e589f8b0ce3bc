package dev.tideline.validator;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Lateness of events, in milliseconds: counts per bucket (hot ≤ 1 min, ≤ 1 h, ≤ 6 h, cold) and a
 * histogram for percentiles (3 significant digits, up to 400 days).
 *
 * <p>Not thread-safe.
 */
final class LatenessCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  static final long HOT_MS = Duration.ofMinutes(1).toMillis();
  static final long WARM_MS = Duration.ofHours(1).toMillis();
  static final long COLD_MS = Duration.ofHours(6).toMillis();

  /** The buckets' names, as the report's settings list them. */
  static final List<String> BUCKETS = Arrays.asList("hot", "le_1h", "le_6h", "cold");

  private static final long HISTOGRAM_MAX_MS = Duration.ofDays(400).toMillis();

  private final Histogram histogram = new Histogram(HISTOGRAM_MAX_MS, 3);
  private final long[] buckets = new long[BUCKETS.size()];

  /** Counts one lateness; never negative. */
  void record(long latenessMs) {
    histogram.recordValue(Math.min(latenessMs, HISTOGRAM_MAX_MS));
    buckets[bucket(latenessMs)]++;
  }

  void merge(LatenessCounts other) {
    histogram.add(other.histogram);
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] += other.buckets[i];
    }
  }

  ValidationReport.Buckets buckets() {
    return buckets(buckets);
  }

  ValidationReport.Percentiles percentiles() {
    if (histogram.getTotalCount() == 0) {
      return new ValidationReport.Percentiles(0, 0, 0, 0, 0, 0);
    }
    return new ValidationReport.Percentiles(
        histogram.getTotalCount(),
        histogram.getValueAtPercentile(50),
        histogram.getValueAtPercentile(90),
        histogram.getValueAtPercentile(99),
        histogram.getValueAtPercentile(99.9),
        histogram.getMaxValue());
  }

  /** The index in {@link #BUCKETS} of a lateness. */
  static int bucket(long latenessMs) {
    if (latenessMs <= HOT_MS) {
      return 0;
    }
    if (latenessMs <= WARM_MS) {
      return 1;
    }
    return latenessMs <= COLD_MS ? 2 : 3;
  }

  /** Counts per bucket, indexed as {@link #BUCKETS}, for the report. */
  static ValidationReport.Buckets buckets(long[] counts) {
    return new ValidationReport.Buckets(counts[0], counts[1], counts[2], counts[3]);
  }
}
