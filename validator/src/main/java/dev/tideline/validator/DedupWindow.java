package dev.tideline.validator;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The event ids seen most recently, to find duplicates: at most {@link #size()} of them, forgotten
 * in the order they were first seen (FIFO). Eviction is exact: an id stays remembered until {@code
 * size} other distinct ids arrived after it, and {@link #evictions()} counts every one forgotten,
 * so while it is 0 the duplicates found are all there are. See docs/decisions/0302-dedup-window.md.
 *
 * <p>Not thread-safe: {@link Tally} feeds it from one thread.
 */
final class DedupWindow implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long size;
  // Insertion order; a duplicate does not move its id (putIfAbsent leaves the entry in place).
  // Keys are UUIDs, not the envelope's ByteStrings: those may share the whole record's bytes, which
  // the window would then keep alive.
  private final LinkedHashMap<UUID, Boolean> ids;
  private long evictions;

  DedupWindow(long size) {
    if (size <= 0) {
      throw new IllegalArgumentException("dedupWindow must be positive, was " + size);
    }
    this.size = size;
    this.ids =
        new LinkedHashMap<UUID, Boolean>((int) Math.min(size, 1 << 16), 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            if (size() > DedupWindow.this.size) {
              evictions++;
              return true;
            }
            return false;
          }
        };
  }

  /** A window of the same size and evictions that remembers none of this one's ids. */
  DedupWindow withoutIds() {
    DedupWindow copy = new DedupWindow(size);
    copy.evictions = evictions;
    return copy;
  }

  /** Remembers the id; true when it was already remembered (a duplicate). */
  boolean seen(UUID id) {
    return ids.putIfAbsent(id, Boolean.TRUE) != null;
  }

  /** Remembers the other window's ids after this one's, and adds its evictions. */
  void merge(DedupWindow other) {
    for (UUID id : other.ids.keySet()) {
      seen(id);
    }
    evictions += other.evictions;
  }

  /** How many ids the window holds at most. */
  long size() {
    return size;
  }

  /** How many ids were forgotten to keep the window at its size. */
  long evictions() {
    return evictions;
  }
}
