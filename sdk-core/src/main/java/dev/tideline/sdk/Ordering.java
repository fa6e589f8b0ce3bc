package dev.tideline.sdk;

/** How the tracker orders records of the same partition key (docs/decisions/0102-ordering.md). */
public enum Ordering {
  /**
   * Up to {@link TrackerBuilder#maxInFlightRequests} PutRecords calls at once; a retried record may
   * land after records logged later. The default: most throughput, and consumers order by event
   * time and sequence anyway.
   */
  BEST_EFFORT,
  /**
   * Order per partition key: at most one call in flight per shard, and a shard's failed records are
   * resent before anything later of that shard. Slower (one round trip per shard at a time).
   */
  STRICT_PER_PARTITION_KEY
}
