package dev.tideline.validator.flink.source;

import org.jspecify.annotations.Nullable;

/**
 * A split as its reader moves through it: the sequence number of the last record emitted. Owned by
 * the reader's task thread.
 */
final class ShardSplitState {
  private final ShardSplit split;
  private @Nullable String lastSequenceNumber;

  ShardSplitState(ShardSplit split) {
    this.split = split;
    this.lastSequenceNumber = split.lastSequenceNumber();
  }

  void emitted(String sequenceNumber) {
    this.lastSequenceNumber = sequenceNumber;
  }

  /** The split to resume from: after the last record emitted. */
  ShardSplit toSplit() {
    return split.after(lastSequenceNumber);
  }
}
