package dev.tideline.validator;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Violations counted per event type × reason × code × path (array indexes folded to {@code []}),
 * each with its first example.
 *
 * <p>Not thread-safe.
 */
final class ViolationTally implements Serializable {
  private static final long serialVersionUID = 1L;

  // In order of first appearance, so that equal counts keep it in the report.
  private final Map<Key, Counts> violations = new LinkedHashMap<>();

  /**
   * Counts a violation.
   *
   * @param eventType null for a record that could not be split into events
   * @param eventId the event's id, null when unknown
   */
  void add(@Nullable String eventType, @Nullable String eventId, Violation violation) {
    String path = violation.path() == null ? null : violation.path().replaceAll("\\[\\d+]", "[]");
    Key key = new Key(eventType, violation.kind().id(), violation.code(), path);
    Counts counts = violations.get(key);
    if (counts == null) {
      counts = new Counts(eventId, violation);
      violations.put(key, counts);
    }
    counts.count++;
  }

  /** Adds the other's counts to this one's; new kinds follow in the other's order. */
  void merge(ViolationTally other) {
    for (Map.Entry<Key, Counts> entry : other.violations.entrySet()) {
      Counts counts = violations.get(entry.getKey());
      if (counts == null) {
        counts = new Counts(entry.getValue().exampleEventId, entry.getValue().example);
        violations.put(entry.getKey(), counts);
      }
      counts.count += entry.getValue().count;
    }
  }

  /**
   * One summary per kind of violation, most frequent first.
   *
   * @param showPii whether to show an example's value of a personal field; masked otherwise
   */
  List<ValidationReport.ViolationSummary> report(boolean showPii) {
    List<ValidationReport.ViolationSummary> summaries = new ArrayList<>();
    for (Map.Entry<Key, Counts> entry : violations.entrySet()) {
      Key key = entry.getKey();
      Counts counts = entry.getValue();
      Violation example = counts.example;
      String actual =
          example.actual() != null && example.sensitive() && !showPii
              ? Masking.MASK
              : example.actual();
      summaries.add(
          new ValidationReport.ViolationSummary(
              key.eventType,
              key.reason,
              key.code,
              key.path,
              counts.count,
              counts.exampleEventId,
              example.expected(),
              actual,
              example.message()));
    }
    summaries.sort(Comparator.comparingLong((ValidationReport.ViolationSummary s) -> -s.count()));
    return summaries;
  }

  private static final class Key implements Serializable {
    private static final long serialVersionUID = 1L;

    final @Nullable String eventType;
    final String reason;
    final String code;
    final @Nullable String path;

    Key(@Nullable String eventType, String reason, String code, @Nullable String path) {
      this.eventType = eventType;
      this.reason = reason;
      this.code = code;
      this.path = path;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) {
        return false;
      }
      Key other = (Key) o;
      return Objects.equals(eventType, other.eventType)
          && reason.equals(other.reason)
          && code.equals(other.code)
          && Objects.equals(path, other.path);
    }

    @Override
    public int hashCode() {
      return Objects.hash(eventType, reason, code, path);
    }
  }

  private static final class Counts implements Serializable {
    private static final long serialVersionUID = 1L;

    final @Nullable String exampleEventId;
    final Violation example;
    long count;

    Counts(@Nullable String exampleEventId, Violation example) {
      this.exampleEventId = exampleEventId;
      this.example = example;
    }
  }
}
