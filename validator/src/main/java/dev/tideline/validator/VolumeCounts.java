package dev.tideline.validator;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The counts of one row or event type: events, valid, duplicates, invalid by reason, and valid
 * first copies per lateness bucket.
 *
 * <p>Not thread-safe.
 */
final class VolumeCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  long events;
  long valid;
  long duplicates;
  final Map<String, Long> invalidByReason = new TreeMap<>();
  private final long[] buckets = new long[LatenessCounts.BUCKETS.size()];

  /**
   * Counts an event.
   *
   * @param reason the reason it is invalid, null when valid
   * @param latenessMs its lateness when it is a valid first copy with an event time, else -1
   */
  void add(@Nullable String reason, boolean duplicate, long latenessMs) {
    events++;
    if (reason == null) {
      valid++;
    } else {
      invalidByReason.merge(reason, 1L, Long::sum);
    }
    if (duplicate) {
      duplicates++;
    }
    if (latenessMs >= 0) {
      buckets[LatenessCounts.bucket(latenessMs)]++;
    }
  }

  void merge(VolumeCounts other) {
    events += other.events;
    valid += other.valid;
    duplicates += other.duplicates;
    other.invalidByReason.forEach((k, v) -> invalidByReason.merge(k, v, Long::sum));
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] += other.buckets[i];
    }
  }

  ValidationReport.Buckets buckets() {
    return LatenessCounts.buckets(buckets);
  }
}
