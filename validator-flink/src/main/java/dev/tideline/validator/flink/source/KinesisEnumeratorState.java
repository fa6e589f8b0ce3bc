package dev.tideline.validator.flink.source;

import dev.tideline.validator.source.StartingPosition;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link KinesisSource}'s enumerator keeps in a checkpoint: the shards it knows and what
 * became of each. Opaque to users; Flink stores and restores it.
 *
 * <ul>
 *   <li>pending: splits found but not yet handed to a reader (their parents are still being read,
 *       or no reader was there), with their starting positions;
 *   <li>assigned: shards handed to a reader and not yet finished (their positions are in the
 *       readers' checkpointed splits);
 *   <li>finished: shards read to their end, kept while they are listed, so their children may be
 *       read and they are not read again;
 *   <li>stopped: shards a bounded read left caught up, whose children it does not read;
 *   <li>the starting position of the shards of the first listing, until that listing is done
 *       (LATEST already turned into the moment the job first started).
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class KinesisEnumeratorState {
  private final List<ShardSplit> pending;
  private final Set<String> assigned;
  private final Set<String> finished;
  private final Set<String> stopped;
  private final @Nullable StartingPosition firstListingPosition;

  KinesisEnumeratorState(
      List<ShardSplit> pending,
      Set<String> assigned,
      Set<String> finished,
      Set<String> stopped,
      @Nullable StartingPosition firstListingPosition) {
    this.pending = List.copyOf(pending);
    this.assigned = Collections.unmodifiableSet(new LinkedHashSet<>(assigned));
    this.finished = Collections.unmodifiableSet(new LinkedHashSet<>(finished));
    this.stopped = Collections.unmodifiableSet(new LinkedHashSet<>(stopped));
    this.firstListingPosition = firstListingPosition;
  }

  List<ShardSplit> pending() {
    return pending;
  }

  Set<String> assigned() {
    return assigned;
  }

  Set<String> finished() {
    return finished;
  }

  Set<String> stopped() {
    return stopped;
  }

  @Nullable StartingPosition firstListingPosition() {
    return firstListingPosition;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof KinesisEnumeratorState)) {
      return false;
    }
    KinesisEnumeratorState that = (KinesisEnumeratorState) other;
    return pending.equals(that.pending)
        && assigned.equals(that.assigned)
        && finished.equals(that.finished)
        && stopped.equals(that.stopped)
        && Objects.equals(firstListingPosition, that.firstListingPosition);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pending, assigned, finished, stopped, firstListingPosition);
  }

  @Override
  public String toString() {
    return "KinesisEnumeratorState{pending="
        + pending
        + ", assigned="
        + assigned
        + ", finished="
        + finished
        + ", stopped="
        + stopped
        + (firstListingPosition == null ? "" : ", first listing from " + firstListingPosition)
        + "}";
  }
}
