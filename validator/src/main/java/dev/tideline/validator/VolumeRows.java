package dev.tideline.validator;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One volume table of the report: counts per hour × event type × platform × app version, the hour
 * being the event time's or the arrival's.
 *
 * <p>Not thread-safe.
 */
final class VolumeRows implements Serializable {
  private static final long serialVersionUID = 1L;

  static final long HOUR_MS = Duration.ofHours(1).toMillis();

  private final Map<RowKey, VolumeCounts> rows = new HashMap<>();
  // The row used last: events of one record mostly share it, so it is found without a lookup.
  private @Nullable RowKey lastKey;
  private @Nullable VolumeCounts last;

  /**
   * Counts an event in its row.
   *
   * @param hour hours since the epoch
   * @param reason the reason it is invalid, null when valid
   * @param latenessMs its lateness when it is a valid first copy with an event time, else -1
   */
  void add(
      long hour,
      String type,
      String platform,
      String appVersion,
      @Nullable String reason,
      boolean duplicate,
      long latenessMs) {
    RowKey key = lastKey;
    VolumeCounts row = last;
    if (key == null || row == null || !key.isSame(hour, type, platform, appVersion)) {
      key = new RowKey(hour, type, platform, appVersion);
      row = rows.get(key);
      if (row == null) {
        row = new VolumeCounts();
        rows.put(key, row);
      }
      lastKey = key;
      last = row;
    }
    row.add(reason, duplicate, latenessMs);
  }

  /** Adds the other table's counts to this one's. */
  void merge(VolumeRows other) {
    for (Map.Entry<RowKey, VolumeCounts> entry : other.rows.entrySet()) {
      rows.computeIfAbsent(entry.getKey(), k -> new VolumeCounts()).merge(entry.getValue());
    }
  }

  /** The rows, sorted by hour, then event type, platform and app version. */
  List<ValidationReport.Row> report() {
    List<ValidationReport.Row> report = new ArrayList<>();
    for (Map.Entry<RowKey, VolumeCounts> entry : new TreeMap<>(rows).entrySet()) {
      RowKey key = entry.getKey();
      VolumeCounts c = entry.getValue();
      report.add(
          new ValidationReport.Row(
              key.hourText(),
              key.eventType,
              key.platform,
              key.appVersion,
              c.events,
              c.valid,
              c.events - c.valid,
              c.duplicates,
              new TreeMap<>(c.invalidByReason),
              c.buckets()));
    }
    return report;
  }
}
