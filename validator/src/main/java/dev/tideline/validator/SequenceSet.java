package dev.tideline.validator;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A set of sequence numbers kept as disjoint closed intervals, so a producer's million contiguous
 * sequences take one entry. Not thread-safe.
 */
final class SequenceSet implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Interval start → {end}; the end is mutable so extending an interval needs no map write. */
  private final TreeMap<Long, long[]> intervals = new TreeMap<>();

  private long size;
  // The interval the last add touched, and the start of the interval after it (or MAX_VALUE):
  // a producer's sequences mostly arrive in order, so most adds extend it without a map lookup.
  private long @Nullable [] last;
  private long nextStart = Long.MAX_VALUE;

  /** Adds a sequence; false if it was already there. */
  boolean add(long sequence) {
    if (last != null && sequence == last[0] + 1 && sequence + 1 < nextStart) {
      last[0] = sequence;
      size++;
      return true;
    }
    boolean added = addSlowly(sequence);
    Map.Entry<Long, long[]> at = intervals.floorEntry(sequence);
    last = at.getValue();
    Long next = intervals.higherKey(at.getKey());
    nextStart = next == null ? Long.MAX_VALUE : next;
    return added;
  }

  private boolean addSlowly(long sequence) {
    Map.Entry<Long, long[]> below = intervals.floorEntry(sequence);
    if (below != null && below.getValue()[0] >= sequence) {
      return false;
    }
    long[] above = intervals.get(sequence + 1);
    if (below != null && below.getValue()[0] == sequence - 1) {
      below.getValue()[0] = above != null ? above[0] : sequence;
    } else {
      intervals.put(sequence, new long[] {above != null ? above[0] : sequence});
    }
    if (above != null) {
      intervals.remove(sequence + 1);
    }
    size++;
    return true;
  }

  /** Adds the other set's members; answers how many of them were already here. */
  long addAll(SequenceSet other) {
    long overlap = 0;
    for (Map.Entry<Long, long[]> interval : other.intervals.entrySet()) {
      long from = interval.getKey();
      long to = interval.getValue()[0];
      long already = countIn(from, to);
      overlap += already;
      addRange(from, to);
      size += to - from + 1 - already;
    }
    last = null;
    nextStart = Long.MAX_VALUE;
    return overlap;
  }

  /** Joins [from, to] with the intervals it overlaps or touches; the size is the caller's. */
  private void addRange(long from, long to) {
    long start = from;
    long end = to;
    Map.Entry<Long, long[]> below = intervals.floorEntry(from);
    if (below != null && below.getValue()[0] >= from - 1) {
      start = below.getKey();
      end = Math.max(end, below.getValue()[0]);
      intervals.remove(below.getKey());
    }
    Map.Entry<Long, long[]> next = intervals.ceilingEntry(from);
    while (next != null && next.getKey() <= end + 1) {
      end = Math.max(end, next.getValue()[0]);
      intervals.remove(next.getKey());
      next = intervals.ceilingEntry(from);
    }
    intervals.put(start, new long[] {end});
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
    return intervals.lastEntry().getValue()[0];
  }

  /** The missing ranges between the first and the last sequence, as [from, to] pairs. */
  List<long[]> gaps() {
    List<long[]> gaps = new ArrayList<>();
    Long previousEnd = null;
    for (Map.Entry<Long, long[]> interval : intervals.entrySet()) {
      if (previousEnd != null) {
        gaps.add(new long[] {previousEnd + 1, interval.getKey() - 1});
      }
      previousEnd = interval.getValue()[0];
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
    Map.Entry<Long, long[]> start = intervals.floorEntry(from);
    Long key = start != null ? start.getKey() : intervals.ceilingKey(from);
    if (key == null) {
      return 0;
    }
    for (Map.Entry<Long, long[]> interval : intervals.tailMap(key, true).entrySet()) {
      if (interval.getKey() > to) {
        break;
      }
      long lo = Math.max(from, interval.getKey());
      long hi = Math.min(to, interval.getValue()[0]);
      if (hi >= lo) {
        count += hi - lo + 1;
      }
    }
    return count;
  }
}
