package dev.tideline.validator;

import dev.tideline.events.v1.ProducerAudit;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What arrived from one producer: its sequences (all, and per event type) and its {@code
 * ProducerAudit} records, reconciled into its part of the report.
 *
 * <p>Not thread-safe.
 */
final class ProducerState implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Gaps listed per producer in the report; the count of missing sequences is always whole. */
  static final int MAX_GAPS_LISTED = 100;

  private final SequenceSet sequences = new SequenceSet();
  private final Map<String, SequenceSet> byType = new HashMap<>();
  // What the producer's audit records say, summed as they come: a long run keeps one entry per
  // event type and a few sequence ranges, not every record.
  private final Map<String, long[]> auditSums = new TreeMap<>(); // accepted, sent, dropped
  private final Map<String, Map<String, Long>> droppedByReason = new TreeMap<>();
  // The audited sequence ranges [first, last]; exactly adjacent ones joined (the same counts).
  private final ArrayList<long[]> auditRanges = new ArrayList<>();
  private boolean audited;
  private long events;
  private long repeats;
  // The latest arrival of its events, in epoch millis: when the producer was last heard from.
  private long lastArrivalMs = Long.MIN_VALUE;

  /** Counts an event of the producer; true when its sequence is new. */
  boolean add(String type, long sequence, long arrivalMs) {
    events++;
    lastArrivalMs = Math.max(lastArrivalMs, arrivalMs);
    boolean isNew = sequences.add(sequence);
    if (!isNew) {
      repeats++;
    }
    SequenceSet ofType = byType.get(type);
    if (ofType == null) {
      ofType = new SequenceSet();
      byType.put(type, ofType);
    }
    ofType.add(sequence);
    return isNew;
  }

  /** The latest arrival time of the producer's events, in epoch millis. */
  long lastArrivalMs() {
    return lastArrivalMs;
  }

  /** Adds what the other state saw of the same producer: a sequence in both is a repeat. */
  void merge(ProducerState other) {
    events += other.events;
    lastArrivalMs = Math.max(lastArrivalMs, other.lastArrivalMs);
    repeats += other.repeats + sequences.addAll(other.sequences);
    for (Map.Entry<String, SequenceSet> entry : other.byType.entrySet()) {
      byType.computeIfAbsent(entry.getKey(), k -> new SequenceSet()).addAll(entry.getValue());
    }
    other.auditSums.forEach(
        (type, sum) -> {
          long[] mine = auditSums.computeIfAbsent(type, t -> new long[3]);
          for (int i = 0; i < 3; i++) {
            mine[i] += sum[i];
          }
        });
    other.droppedByReason.forEach(
        (type, reasons) -> {
          Map<String, Long> mine = droppedByReason.computeIfAbsent(type, t -> new TreeMap<>());
          reasons.forEach((reason, n) -> mine.merge(reason, n, Long::sum));
        });
    for (long[] range : other.auditRanges) {
      auditRanges.add(range.clone());
    }
    joinAdjacentRanges();
    audited |= other.audited;
  }

  /** Counts one of the producer's audit records (a valid first copy). */
  void addAudit(ProducerAudit audit) {
    audited = true;
    long first = audit.getFirstSequence();
    long last = audit.getLastSequence();
    if (last >= first && first > 0) {
      long[] previous = auditRanges.isEmpty() ? null : auditRanges.get(auditRanges.size() - 1);
      if (previous != null && previous[1] + 1 == first) {
        previous[1] = last; // the next period of the same run: one range, the same counts
      } else {
        auditRanges.add(new long[] {first, last});
      }
    }
    for (ProducerAudit.TypeCounts counts : audit.getCountsList()) {
      long[] sum = auditSums.computeIfAbsent(counts.getEventType(), t -> new long[3]);
      sum[0] += counts.getAccepted();
      sum[1] += counts.getSent();
      Map<String, Long> reasons =
          droppedByReason.computeIfAbsent(counts.getEventType(), t -> new TreeMap<>());
      for (Map.Entry<String, Long> drop : counts.getDroppedMap().entrySet()) {
        sum[2] += drop.getValue();
        reasons.merge(drop.getKey(), drop.getValue(), Long::sum);
      }
    }
  }

  /**
   * Sorts the audited ranges and joins the exactly adjacent ones: what arrived in a joined range is
   * what arrived in its two parts. Overlapping ranges stay apart, so their overlap still counts
   * once per audit record, as it did before they were joined.
   */
  private void joinAdjacentRanges() {
    auditRanges.sort(Comparator.comparingLong((long[] r) -> r[0]).thenComparingLong(r -> r[1]));
    ArrayList<long[]> joined = new ArrayList<>(auditRanges.size());
    for (long[] range : auditRanges) {
      long[] previous = joined.isEmpty() ? null : joined.get(joined.size() - 1);
      if (previous != null && previous[1] + 1 == range[0]) {
        previous[1] = range[1];
      } else {
        joined.add(range);
      }
    }
    auditRanges.clear();
    auditRanges.addAll(joined);
  }

  /**
   * The producer's delivery audit: sequence gaps, and per event type what its audit records say
   * against what arrived within their sequence ranges.
   */
  ValidationReport.Producer report(String producerId) {
    List<ValidationReport.TypeDelivery> types = new ArrayList<>();
    long dropped = 0;
    long lost = 0;
    for (Map.Entry<String, long[]> entry : auditSums.entrySet()) {
      SequenceSet arrivedSet = byType.get(entry.getKey());
      long arrived = 0;
      if (arrivedSet != null) {
        for (long[] range : auditRanges) {
          arrived += arrivedSet.countIn(range[0], range[1]);
        }
      }
      long[] sum = entry.getValue();
      long typeLost = Math.max(0, sum[1] - arrived);
      dropped += sum[2];
      lost += typeLost;
      types.add(
          new ValidationReport.TypeDelivery(
              entry.getKey(),
              sum[0],
              sum[1],
              arrived,
              sum[2],
              new TreeMap<>(droppedByReason.getOrDefault(entry.getKey(), Collections.emptyMap())),
              typeLost));
    }
    List<long[]> gaps = sequences.gaps();
    return new ValidationReport.Producer(
        producerId,
        events,
        sequences.first(),
        sequences.last(),
        sequences.size(),
        sequences.missing(),
        gaps.size(),
        gaps.size() <= MAX_GAPS_LISTED ? gaps : new ArrayList<>(gaps.subList(0, MAX_GAPS_LISTED)),
        repeats,
        audited,
        dropped,
        lost,
        types);
  }
}
