package dev.tideline.validator.source;

import dev.tideline.kinesis.ShardListing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Reads every shard of a Kinesis stream with GetRecords (AWS SDK for Java v2), from the trim
 * horizon, a timestamp or the latest record, following resharding: a child shard is read once all
 * its parents are read to their end, so each partition key's records come in order.
 *
 * <p>Each shard gets a read budget, by default {@link #DEFAULT_GET_RECORDS_PER_SECOND} calls per
 * second: Kinesis allows 5 GetRecords per second per shard, shared by all consumers of the stream
 * ("Kinesis Data Streams quotas and limits"), so the validator can run beside production consumers.
 *
 * <p>The read ends when every shard is read up to the end time, or, by default, when every shard is
 * caught up (an empty GetRecords with MillisBehindLatest 0); or never, for a continuous read, until
 * the reading thread is interrupted. One thread reads all shards; not thread-safe.
 *
 * <p>A GetRecords call that still fails after the AWS SDK's retries ends the read with a {@link
 * StreamReadException} naming the shard and the last sequence number read from it; the records
 * handed to the consumer before it stay counted by the caller. Each shard is read through a {@link
 * ShardCursor}, as in the Flink source.
 */
public final class KinesisStreamReader implements RecordSource {
  /** GetRecords calls per second per shard: a fifth of the 5/s limit. */
  public static final double DEFAULT_GET_RECORDS_PER_SECOND = 1.0;

  /** Records per GetRecords call (the API's maximum is 10,000). */
  public static final int DEFAULT_LIMIT = 10_000;

  /** The most GetRecords calls per second per shard that Kinesis allows. */
  public static final double MAX_GET_RECORDS_PER_SECOND = 5.0;

  /** The most records one GetRecords call may ask for (the API's {@code Limit}). */
  public static final int MAX_LIMIT = 10_000;

  /** How a reader waits for its budget; injectable so tests do not sleep. */
  public interface Sleeper {
    /** Waits for the duration. */
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Told what a reader did, to show progress. */
  public interface Progress {
    /** After each GetRecords call. */
    void onGetRecords(String shardId, int records, long millisBehindLatest);
  }

  private final KinesisClient client;
  private final String streamName;
  private final StartingPosition start;
  private final @Nullable Instant end; // null: no end time
  private final boolean stopWhenCaughtUp;
  private final ShardCursor.Opener cursors;
  private final Clock clock;
  private final Sleeper sleeper;
  private final @Nullable Progress progress;
  private long getRecordsCalls;

  private KinesisStreamReader(Builder builder) {
    this.client = builder.client;
    this.streamName = builder.streamName;
    this.start = builder.start;
    this.end = builder.end;
    this.stopWhenCaughtUp = builder.stopWhenCaughtUp;
    this.cursors =
        ShardCursor.opener(
            client, streamName, builder.getRecordsPerSecond, builder.limit, builder.clock);
    this.clock = builder.clock;
    this.sleeper = builder.sleeper;
    this.progress = builder.progress;
  }

  /** A builder for a reader of {@code streamName} through {@code client}. */
  public static Builder builder(KinesisClient client, String streamName) {
    return new Builder(client, streamName);
  }

  @Override
  public String describe() {
    return "stream " + streamName + " from " + start + (end == null ? "" : " to " + end);
  }

  /** GetRecords calls made so far. */
  public long getRecordsCalls() {
    return getRecordsCalls;
  }

  @Override
  public void read(Consumer<SourceRecord> consumer) throws InterruptedException {
    Map<String, Shard> shards = listShards();
    Set<String> finished = new HashSet<>();
    Map<String, ShardCursor> active = new LinkedHashMap<>();
    for (Shard shard : shards.values()) {
      if (start.kind == StartingPosition.Kind.LATEST) {
        if (shard.sequenceNumberRange().endingSequenceNumber() == null) {
          active.put(shard.shardId(), open(shard, true));
        }
      } else if (!hasParentIn(shard, shards)) {
        active.put(shard.shardId(), open(shard, true));
      }
    }
    while (!active.isEmpty()) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("stream read interrupted");
      }
      Iterator<ShardCursor> candidates = active.values().iterator();
      ShardCursor next = candidates.next(); // the shard to call soonest
      while (candidates.hasNext()) {
        ShardCursor cursor = candidates.next();
        if (cursor.readyAt().isBefore(next.readyAt())) {
          next = cursor;
        }
      }
      Duration wait = Duration.between(clock.instant(), next.readyAt());
      if (!wait.isNegative() && !wait.isZero()) {
        sleeper.sleep(wait);
      }
      getRecordsCalls++;
      ShardCursor.Batch batch = next.next();
      if (!batch.answered()) {
        continue;
      }
      boolean pastEnd = false;
      for (SourceRecord record : batch.records()) {
        if (end != null && !record.arrivalTime().isBefore(end)) {
          pastEnd = true;
          break;
        }
        consumer.accept(record);
      }
      if (progress != null) {
        progress.onGetRecords(next.shardId(), batch.records().size(), batch.millisBehindLatest());
      }
      boolean caughtUp = batch.caughtUp();
      if (batch.shardEnded()) {
        // The shard is closed and read to its end: its children may start.
        active.remove(next.shardId());
        finished.add(next.shardId());
        shards = listShards();
        for (Shard child : shards.values()) {
          if (!active.containsKey(child.shardId())
              && !finished.contains(child.shardId())
              && isChildOf(child, next.shardId())
              && parentsFinished(child, shards, finished)) {
            active.put(child.shardId(), open(child, false));
          }
        }
      } else if (pastEnd
          || (caughtUp && stopWhenCaughtUp)
          || (caughtUp && end != null && !clock.instant().isBefore(end))) {
        active.remove(next.shardId());
      }
    }
  }

  private static boolean hasParentIn(Shard shard, Map<String, Shard> shards) {
    return (shard.parentShardId() != null && shards.containsKey(shard.parentShardId()))
        || (shard.adjacentParentShardId() != null
            && shards.containsKey(shard.adjacentParentShardId()));
  }

  private static boolean isChildOf(Shard child, String parent) {
    return parent.equals(child.parentShardId()) || parent.equals(child.adjacentParentShardId());
  }

  private static boolean parentsFinished(
      Shard child, Map<String, Shard> shards, Set<String> finished) {
    for (String parent : new String[] {child.parentShardId(), child.adjacentParentShardId()}) {
      if (parent != null && shards.containsKey(parent) && !finished.contains(parent)) {
        return false;
      }
    }
    return true;
  }

  private ShardCursor open(Shard shard, boolean fromStart) {
    // A child of a shard read to its end: everything in it is new to this read.
    return cursors.at(
        shard.shardId(), ShardCursor.rangeOf(shard), fromStart ? start : start.forNewShards());
  }

  /** Every shard of the stream, by id (paging, ARNs and the page bound: {@link ShardListing}). */
  private Map<String, Shard> listShards() {
    Map<String, Shard> shards = new LinkedHashMap<>();
    for (Shard shard : ShardListing.list(streamName, null, client::listShards)) {
      shards.put(shard.shardId(), shard);
    }
    return shards;
  }

  /** Configures a {@link KinesisStreamReader}; each setter checks its argument at once. */
  public static final class Builder {
    private final KinesisClient client;
    private final String streamName;
    private StartingPosition start = StartingPosition.trimHorizon();
    private @Nullable Instant end;
    private boolean stopWhenCaughtUp = true;
    private double getRecordsPerSecond = DEFAULT_GET_RECORDS_PER_SECOND;
    private int limit = DEFAULT_LIMIT;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = duration -> Thread.sleep(Math.max(1, duration.toMillis()));
    private @Nullable Progress progress;

    private Builder(KinesisClient client, String streamName) {
      this.client = Objects.requireNonNull(client, "client");
      Objects.requireNonNull(streamName, "streamName");
      if (streamName.isEmpty()) {
        throw new IllegalArgumentException("streamName must not be empty");
      }
      this.streamName = streamName;
    }

    /** Where to start in each shard; default the trim horizon. */
    public Builder startingAt(StartingPosition start) {
      this.start = Objects.requireNonNull(start, "start");
      return this;
    }

    /**
     * Stop at records that arrived at or after {@code end}; a continuous read also stops once the
     * clock passes {@code end} and the shards are caught up.
     */
    public Builder until(Instant end) {
      this.end = Objects.requireNonNull(end, "end");
      return this;
    }

    /**
     * Whether to stop when every shard is caught up (default), or keep reading new records as they
     * arrive (until the end time, if set, or until interrupted).
     */
    public Builder stopWhenCaughtUp(boolean stop) {
      this.stopWhenCaughtUp = stop;
      return this;
    }

    /** GetRecords calls per second per shard, in (0, 5]; default 1. */
    public Builder getRecordsPerSecond(double perSecond) {
      this.getRecordsPerSecond = ShardCursor.checkGetRecordsPerSecond(perSecond);
      return this;
    }

    /** Records per GetRecords call, in [1, 10000]; default 10,000. */
    public Builder limit(int limit) {
      this.limit = ShardCursor.checkLimit(limit);
      return this;
    }

    /** The clock the budget and the end time are measured by; default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How to wait for the budget; default Thread.sleep. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Told after each GetRecords call; default none. */
    public Builder progress(Progress progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /** The reader. */
    public KinesisStreamReader build() {
      return new KinesisStreamReader(this);
    }
  }
}
