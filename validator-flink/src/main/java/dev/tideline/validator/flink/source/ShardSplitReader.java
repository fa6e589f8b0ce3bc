package dev.tideline.validator.flink.source;

import dev.tideline.validator.source.ShardCursor;
import dev.tideline.validator.source.SourceRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsRemoval;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Reads a reader's shards with GetRecords, one {@link ShardCursor} per shard: each call goes to the
 * shard whose budget allows it first, waiting (wakeably) until then. A shard read to its end, or in
 * a bounded read caught up, is finished; how, it tells {@link KinesisSourceReader} through the
 * shared {@code endings} map before the batch that finishes it is handed over.
 *
 * <p>Runs in the reader's one fetcher thread; {@link #wakeUp()} may be called from any thread.
 */
final class ShardSplitReader implements SplitReader<SourceRecord, ShardSplit> {
  /** The longest one fetch waits, so the fetcher thread sees its tasks at least this often. */
  private static final Duration MAX_WAIT = Duration.ofMillis(500);

  private final KinesisClient client;
  private final ShardCursor.Opener cursors;
  private final boolean bounded;
  private final Map<String, ShardSplit.Ending> endings;
  private final Clock clock;
  private final Map<String, ShardCursor> active = new LinkedHashMap<>();

  /** Paused by watermark alignment, from the task thread. */
  private final Set<String> paused = ConcurrentHashMap.newKeySet();

  private final Object wake = new Object();

  /** Guarded by {@link #wake}. */
  private boolean woken;

  ShardSplitReader(
      KinesisClient client,
      String stream,
      double getRecordsPerSecond,
      int recordsPerCall,
      boolean bounded,
      Map<String, ShardSplit.Ending> endings) {
    this.client = client;
    this.clock = Clock.systemUTC();
    this.cursors = ShardCursor.opener(client, stream, getRecordsPerSecond, recordsPerCall, clock);
    this.bounded = bounded;
    this.endings = endings;
  }

  @Override
  public RecordsWithSplitIds<SourceRecord> fetch() {
    RecordsBySplits.Builder<SourceRecord> records = new RecordsBySplits.Builder<>();
    ShardCursor next = null;
    for (ShardCursor cursor : active.values()) {
      if (!paused.contains(cursor.shardId())
          && (next == null || cursor.readyAt().isBefore(next.readyAt()))) {
        next = cursor;
      }
    }
    Duration wait = next == null ? MAX_WAIT : Duration.between(clock.instant(), next.readyAt());
    if (next == null || wait.compareTo(Duration.ZERO) > 0) {
      // Nothing may be read yet: wait for the budget, a wake-up, or the bound, and come back.
      await(wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait);
      return records.build();
    }
    ShardCursor.Batch batch;
    try {
      batch = next.next();
    } catch (InterruptedException e) {
      // The fetcher is shutting down.
      Thread.currentThread().interrupt();
      return records.build();
    }
    String id = next.shardId();
    records.addAll(id, batch.records());
    if (batch.shardEnded()) {
      finish(id, ShardSplit.Ending.ENDED, records);
    } else if (bounded && batch.caughtUp()) {
      finish(id, ShardSplit.Ending.STOPPED, records);
    }
    return records.build();
  }

  private void finish(
      String id, ShardSplit.Ending ending, RecordsBySplits.Builder<SourceRecord> records) {
    active.remove(id);
    paused.remove(id);
    endings.put(id, ending);
    records.addFinishedSplit(id);
  }

  private void await(Duration wait) {
    long millis = Math.max(1, wait.toMillis());
    synchronized (wake) {
      long until = System.nanoTime() + millis * 1_000_000L;
      try {
        while (!woken) {
          long left = (until - System.nanoTime()) / 1_000_000L;
          if (left <= 0) {
            break;
          }
          wake.wait(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      woken = false;
    }
  }

  @Override
  public void handleSplitsChanges(SplitsChange<ShardSplit> change) {
    if (change instanceof SplitsAddition) {
      for (ShardSplit split : change.splits()) {
        @Nullable String last = split.lastSequenceNumber();
        ShardCursor cursor =
            last == null
                ? cursors.at(split.shardId(), split.hashKeyRange(), split.startingPosition())
                : cursors.after(split.shardId(), split.hashKeyRange(), last);
        active.put(split.shardId(), cursor);
      }
    } else if (change instanceof SplitsRemoval) {
      for (ShardSplit split : change.splits()) {
        active.remove(split.shardId());
        paused.remove(split.shardId());
      }
    }
  }

  @Override
  public void pauseOrResumeSplits(
      Collection<ShardSplit> splitsToPause, Collection<ShardSplit> splitsToResume) {
    for (ShardSplit split : splitsToPause) {
      paused.add(split.shardId());
    }
    for (ShardSplit split : splitsToResume) {
      paused.remove(split.shardId());
    }
  }

  @Override
  public void wakeUp() {
    synchronized (wake) {
      woken = true;
      wake.notifyAll();
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
