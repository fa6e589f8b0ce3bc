package dev.tideline.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The accounting behind {@link Tracker#flush()}: events are counted per epoch, a barrier closes the
 * current epoch, and completes once no event of its epoch or an earlier one is outstanding. Epochs
 * are also known by sequence ranges, so that an event read back from disk finds its epoch from its
 * sequence number.
 *
 * <p>Not thread-safe: the owning buffer guards it with its lock and completes the returned barriers
 * after unlocking.
 */
final class FlushBarriers {
  private long epoch;
  private final TreeMap<Long, long[]> outstandingByEpoch = new TreeMap<>();
  private final TreeMap<Long, List<Completion<Void>>> barriers = new TreeMap<>();
  private final TreeMap<Long, Long> epochBySequence = new TreeMap<>(); // first sequence -> epoch

  FlushBarriers() {
    epochBySequence.put(Long.MIN_VALUE, 0L);
  }

  /** Counts a newly accepted (or recovered) event; returns its epoch. */
  long accepted() {
    add(epoch, 1);
    return epoch;
  }

  /** Counts events that are outstanding in an epoch (recovered events, in epoch 0). */
  void add(long inEpoch, long count) {
    if (count <= 0) {
      return; // a zero counter would never be released, and would hold every barrier forever
    }
    long[] counter = outstandingByEpoch.get(inEpoch);
    if (counter == null) {
      counter = new long[1];
      outstandingByEpoch.put(inEpoch, counter);
    }
    counter[0] += count;
  }

  /** The epoch of the event with this sequence number. */
  long epochOf(long sequence) {
    Map.Entry<Long, Long> range = epochBySequence.floorEntry(sequence);
    return range != null ? range.getValue() : epochBySequence.firstEntry().getValue();
  }

  /** An event of that epoch is no longer outstanding. */
  void released(long ofEpoch) {
    long[] counter = outstandingByEpoch.get(ofEpoch);
    if (counter != null && --counter[0] <= 0) {
      outstandingByEpoch.remove(ofEpoch);
    }
  }

  /**
   * Closes the current epoch with a barrier.
   *
   * @param nextSequence the sequence the next accepted event will get
   */
  void barrier(Completion<Void> completion, long nextSequence) {
    long closing = epoch++;
    List<Completion<Void>> waiting = barriers.get(closing);
    if (waiting == null) {
      waiting = new ArrayList<>(1);
      barriers.put(closing, waiting);
    }
    waiting.add(completion);
    epochBySequence.put(nextSequence, epoch);
  }

  /** Barriers with nothing outstanding up to their epoch, removed; null if none. */
  @Nullable List<Completion<Void>> ready() {
    if (barriers.isEmpty()) {
      return null;
    }
    long oldestOutstanding =
        outstandingByEpoch.isEmpty() ? Long.MAX_VALUE : outstandingByEpoch.firstKey();
    List<Completion<Void>> ready = null;
    while (!barriers.isEmpty() && barriers.firstKey() < oldestOutstanding) {
      if (ready == null) {
        ready = new ArrayList<>();
      }
      ready.addAll(barriers.pollFirstEntry().getValue());
    }
    // Sequence ranges of epochs that can no longer have outstanding events are not needed.
    while (epochBySequence.size() > 1) {
      Map.Entry<Long, Long> second = epochBySequence.higherEntry(epochBySequence.firstKey());
      if (second.getValue() > oldestOutstanding) {
        break;
      }
      epochBySequence.remove(epochBySequence.firstKey());
    }
    return ready;
  }

  /** Completes barriers returned by {@link #ready()}; call without holding a lock. */
  static void complete(@Nullable List<Completion<Void>> ready) {
    if (ready != null) {
      for (Completion<Void> completion : ready) {
        completion.succeed(null);
      }
    }
  }

  /** For tests: outstanding counts by epoch. */
  Map<Long, long[]> outstandingByEpoch() {
    return outstandingByEpoch;
  }
}
