package dev.tideline.sdk;

import java.util.ArrayDeque;

/**
 * The records of one predicted shard (or of "unknown" while no shard map is known): the open
 * aggregate, the sealed records waiting to be sent, the shard's token bucket and throttle state.
 * Worker-owned.
 */
final class Lane {
  final String key;
  final TokenBucket bucket; // null: not rate-limited (no shard known)
  final ArrayDeque<OutRecord> ready = new ArrayDeque<>();
  Aggregator aggregator;
  long throttledUntilNanos = Long.MIN_VALUE;
  int consecutiveThrottles;
  boolean inFlight;
  long readyBytes;

  Lane(String key, TokenBucket bucket) {
    this.key = key;
    this.bucket = bucket;
  }
}
