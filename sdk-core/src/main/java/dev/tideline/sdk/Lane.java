package dev.tideline.sdk;

import java.util.ArrayDeque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The records of one predicted shard (or of "unknown" while no shard map is known): the open
 * aggregate, the sealed records waiting to be sent, the shard's token bucket and throttle state.
 * Worker-owned.
 */
final class Lane {
  final String key;
  final @Nullable TokenBucket bucket; // null: not rate-limited (no shard known)
  final ArrayDeque<OutRecord> ready = new ArrayDeque<>();
  @Nullable Aggregator aggregator; // null: no open aggregate
  long throttledUntilNanos = Long.MIN_VALUE;
  int consecutiveThrottles;
  boolean inFlight;
  long readyBytes;

  Lane(String key, @Nullable TokenBucket bucket) {
    this.key = key;
    this.bucket = bucket;
  }

  /** Queues a sealed record behind the others. */
  void add(OutRecord record) {
    ready.addLast(record);
    readyBytes += record.billedSize;
  }

  /** Puts records to retry back at the front, in their order: before anything later. */
  void requeue(List<OutRecord> records) {
    for (int i = records.size() - 1; i >= 0; i--) {
      ready.addFirst(records.get(i));
      readyBytes += records.get(i).billedSize;
    }
  }
}
