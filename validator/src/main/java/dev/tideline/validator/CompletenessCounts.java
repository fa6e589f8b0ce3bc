package dev.tideline.validator;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Completeness of each event-time hour and type: of its valid first copies, how many had arrived by
 * each checkpoint after the hour's end (1 minute, 1 hour, 6 hours).
 *
 * <p>Not thread-safe.
 */
final class CompletenessCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The checkpoints' names, as the report's settings list them. */
  static final List<String> CHECKPOINTS = Arrays.asList("end+1m", "end+1h", "end+6h");

  private static final long[] CHECKPOINT_MS = {
    LatenessCounts.HOT_MS, LatenessCounts.WARM_MS, LatenessCounts.COLD_MS
  };

  // Per hour and type: the events, then how many had arrived by each checkpoint.
  private final Map<RowKey, long[]> counts = new HashMap<>();
  private @Nullable RowKey lastKey;
  private long @Nullable [] last;

  /** Counts a valid first copy of an event-time hour (hours since the epoch). */
  void add(long eventHour, String type, long arrivalMs) {
    long[] hour = counts(eventHour, type);
    hour[0]++;
    long afterHourEnd = arrivalMs - (eventHour + 1) * VolumeRows.HOUR_MS;
    for (int i = 0; i < CHECKPOINT_MS.length; i++) {
      if (afterHourEnd <= CHECKPOINT_MS[i]) {
        hour[i + 1]++;
      }
    }
  }

  /** The counters of an hour and type; the last ones used without a lookup. */
  private long[] counts(long eventHour, String type) {
    RowKey key = lastKey;
    long[] row = last;
    if (key == null || row == null || !key.isSame(eventHour, type, "", "")) {
      key = new RowKey(eventHour, type, "", "");
      row = counts.get(key);
      if (row == null) {
        row = new long[1 + CHECKPOINT_MS.length];
        counts.put(key, row);
      }
      lastKey = key;
      last = row;
    }
    return row;
  }

  /** Adds the other's counts to this one's. */
  void merge(CompletenessCounts other) {
    for (Map.Entry<RowKey, long[]> entry : other.counts.entrySet()) {
      long[] mine = counts.computeIfAbsent(entry.getKey(), k -> new long[1 + CHECKPOINT_MS.length]);
      for (int i = 0; i < mine.length; i++) {
        mine[i] += entry.getValue()[i];
      }
    }
  }

  /** One entry per hour and type, sorted by hour, then type. */
  List<ValidationReport.Completeness> report() {
    List<ValidationReport.Completeness> report = new ArrayList<>();
    for (Map.Entry<RowKey, long[]> entry : new TreeMap<>(counts).entrySet()) {
      long[] hour = entry.getValue();
      Map<String, Long> arrived = new LinkedHashMap<>();
      Map<String, Double> share = new LinkedHashMap<>();
      for (int i = 0; i < CHECKPOINTS.size(); i++) {
        arrived.put(CHECKPOINTS.get(i), hour[i + 1]);
        share.put(CHECKPOINTS.get(i), hour[0] == 0 ? 1.0 : (double) hour[i + 1] / hour[0]);
      }
      report.add(
          new ValidationReport.Completeness(
              entry.getKey().hourText(), entry.getKey().eventType, hour[0], arrived, share));
    }
    return report;
  }
}
