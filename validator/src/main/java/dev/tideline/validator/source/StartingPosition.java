package dev.tideline.validator.source;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Where a stream read starts in each shard. Immutable. */
public final class StartingPosition {
  enum Kind {
    TRIM_HORIZON,
    LATEST,
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

  @Override
  public String toString() {
    return kind == Kind.AT_TIMESTAMP ? "AT_TIMESTAMP " + timestamp : kind.name();
  }
}
