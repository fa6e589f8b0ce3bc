package dev.tideline.validator;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Counts per event type over the whole run, with the lateness percentiles of each type's valid
 * first copies.
 *
 * <p>Not thread-safe.
 */
final class TypeTotals implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, Totals> byType = new HashMap<>();

  private static final class Totals implements Serializable {
    private static final long serialVersionUID = 1L;

    final VolumeCounts counts = new VolumeCounts();
    final LatenessCounts lateness = new LatenessCounts();
  }

  /**
   * Counts an event of a type.
   *
   * @param reason the reason it is invalid, null when valid
   * @param latenessMs its lateness when it is a valid first copy with an event time, else -1
   */
  void add(String type, @Nullable String reason, boolean duplicate, long latenessMs) {
    Totals totals = byType.get(type);
    if (totals == null) {
      totals = new Totals();
      byType.put(type, totals);
    }
    totals.counts.add(reason, duplicate, latenessMs);
    if (latenessMs >= 0) {
      totals.lateness.record(latenessMs);
    }
  }

  /** Adds the other's counts to this one's. */
  void merge(TypeTotals other) {
    for (Map.Entry<String, Totals> entry : other.byType.entrySet()) {
      Totals totals = byType.computeIfAbsent(entry.getKey(), k -> new Totals());
      totals.counts.merge(entry.getValue().counts);
      totals.lateness.merge(entry.getValue().lateness);
    }
  }

  /** One summary per event type, sorted by type. */
  List<ValidationReport.TypeSummary> report() {
    List<ValidationReport.TypeSummary> types = new ArrayList<>();
    for (Map.Entry<String, Totals> entry : new TreeMap<>(byType).entrySet()) {
      VolumeCounts c = entry.getValue().counts;
      types.add(
          new ValidationReport.TypeSummary(
              entry.getKey(),
              c.events,
              c.valid,
              c.events - c.valid,
              c.duplicates,
              new TreeMap<>(c.invalidByReason),
              c.buckets(),
              entry.getValue().lateness.percentiles()));
    }
    return types;
  }
}
