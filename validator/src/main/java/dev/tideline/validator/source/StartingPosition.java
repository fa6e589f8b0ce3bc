package dev.tideline.validator.source;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a stream read starts in each shard. Immutable; serializable, so jobs that ship their
 * configuration to other machines (the Flink source) can carry it.
 */
public final class StartingPosition implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The kinds of starting position, named as Kinesis's shard iterator types. */
  public enum Kind {
    /** The oldest record each shard still holds. */
    TRIM_HORIZON,
    /** Only records put after the read starts. */
    LATEST,
    /** The first record that arrived at or after a timestamp. */
    AT_TIMESTAMP
  }

  final Kind kind;
  final @Nullable Instant timestamp; // for AT_TIMESTAMP

  private StartingPosition(Kind kind, @Nullable Instant timestamp) {
    this.kind = kind;
    this.timestamp = timestamp;
  }

  /** The oldest record each shard still holds. */
  public static StartingPosition trimHorizon() {
    return new StartingPosition(Kind.TRIM_HORIZON, null);
  }

  /** Only records put after the read starts. */
  public static StartingPosition latest() {
    return new StartingPosition(Kind.LATEST, null);
  }

  /** The first record that arrived at or after {@code timestamp}. */
  public static StartingPosition atTimestamp(Instant timestamp) {
    return new StartingPosition(Kind.AT_TIMESTAMP, Objects.requireNonNull(timestamp, "timestamp"));
  }

  /** The kind of position. */
  public Kind kind() {
    return kind;
  }

  /** The timestamp of an {@link Kind#AT_TIMESTAMP} position, else null. */
  public @Nullable Instant timestamp() {
    return timestamp;
  }

  /**
   * Where a shard that appeared after the read started begins (a child of a shard read to its end):
   * at its first record, since everything in it is new to the read; an AT_TIMESTAMP read keeps its
   * timestamp, which may lie after the shard's first records.
   */
  public StartingPosition forNewShards() {
    return kind == Kind.AT_TIMESTAMP ? this : trimHorizon();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StartingPosition
        && ((StartingPosition) other).kind == kind
        && Objects.equals(((StartingPosition) other).timestamp, timestamp);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + Objects.hashCode(timestamp);
  }

  @Override
  public String toString() {
    return kind == Kind.AT_TIMESTAMP ? "AT_TIMESTAMP " + timestamp : kind.name();
  }
}
