package dev.tideline.validator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of sequence numbers kept as disjoint closed intervals, so a producer's million contiguous
 * sequences take one entry. Not thread-safe.
 */
final class SequenceSet {
  private final TreeMap<Long, Long> intervals = new TreeMap<>();
  private long size;

  /** Adds a sequence; false if it was already there. */
  boolean add(long sequence) {
    Map.Entry<Long, Long> below = intervals.floorEntry(sequence);
    if (below != null && below.getValue() >= sequence) {
      return false;
    }
    long start = sequence;
    long end = sequence;
    if (below != null && below.getValue() == sequence - 1) {
      start = below.getKey();
    }
    Long aboveEnd = intervals.get(sequence + 1);
    if (aboveEnd != null) {
      end = aboveEnd;
      intervals.remove(sequence + 1);
    }
    intervals.put(start, end);
    size++;
    return true;
  }

  long size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  long first() {
    return intervals.firstKey();
  }

  long last() {
    return intervals.lastEntry().getValue();
  }

  /** The missing ranges between the first and the last sequence, as [from, to] pairs. */
  List<long[]> gaps() {
    List<long[]> gaps = new ArrayList<>();
    Long previousEnd = null;
    for (Map.Entry<Long, Long> interval : intervals.entrySet()) {
      if (previousEnd != null) {
        gaps.add(new long[] {previousEnd + 1, interval.getKey() - 1});
      }
      previousEnd = interval.getValue();
    }
    return gaps;
  }

  /** How many sequences are missing between the first and the last. */
  long missing() {
    return isEmpty() ? 0 : last() - first() + 1 - size;
  }

  /** How many members fall in [from, to]. */
  long countIn(long from, long to) {
    long count = 0;
    Map.Entry<Long, Long> start = intervals.floorEntry(from);
    Long key = start != null ? start.getKey() : intervals.ceilingKey(from);
    if (key == null) {
      return 0;
    }
    for (Map.Entry<Long, Long> interval : intervals.tailMap(key, true).entrySet()) {
      if (interval.getKey() > to) {
        break;
      }
      long lo = Math.max(from, interval.getKey());
      long hi = Math.min(to, interval.getValue());
      if (hi >= lo) {
        count += hi - lo + 1;
      }
    }
    return count;
  }
}
