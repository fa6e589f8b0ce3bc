package dev.tideline.validator;

import dev.tideline.events.v1.ProducerAudit;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
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
  // Transient: lite messages are not Serializable; written as their bytes by writeObject.
  private transient List<ProducerAudit> audits = new ArrayList<>();
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
    audits.addAll(other.audits);
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    out.writeInt(audits.size());
    for (ProducerAudit audit : audits) {
      out.writeObject(audit.toByteArray());
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    int size = in.readInt();
    audits = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      audits.add(ProducerAudit.parseFrom((byte[]) in.readObject()));
    }
  }

  /** Keeps one of the producer's audit records (a valid first copy). */
  void addAudit(ProducerAudit audit) {
    audits.add(audit);
  }

  /**
   * The producer's delivery audit: sequence gaps, and per event type what its audit records say
   * against what arrived within their sequence ranges.
   */
  ValidationReport.Producer report(String producerId) {
    Map<String, long[]> sums = new TreeMap<>();
    Map<String, Map<String, Long>> droppedByReason = new TreeMap<>();
    List<long[]> ranges = new ArrayList<>();
    for (ProducerAudit audit : audits) {
      if (audit.getLastSequence() >= audit.getFirstSequence() && audit.getFirstSequence() > 0) {
        ranges.add(new long[] {audit.getFirstSequence(), audit.getLastSequence()});
      }
      for (ProducerAudit.TypeCounts counts : audit.getCountsList()) {
        long[] sum = sums.computeIfAbsent(counts.getEventType(), t -> new long[3]);
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
    List<ValidationReport.TypeDelivery> types = new ArrayList<>();
    long dropped = 0;
    long lost = 0;
    for (Map.Entry<String, long[]> entry : sums.entrySet()) {
      SequenceSet arrivedSet = byType.get(entry.getKey());
      long arrived = 0;
      if (arrivedSet != null) {
        for (long[] range : ranges) {
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
              droppedByReason.getOrDefault(entry.getKey(), Collections.emptyMap()),
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
        !audits.isEmpty(),
        dropped,
        lost,
        types);
  }
}
