package dev.tideline.sdk;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The strategy of {@link PartitionKeyStrategy#perEvent()}: the tracker recognizes it, logs events
 * without a key and routes each to a shard itself (see {@link Lanes}). Called directly, it gives a
 * random key.
 */
final class AnyShardKeys implements PartitionKeyStrategy {
  static final AnyShardKeys INSTANCE = new AnyShardKeys();

  private AnyShardKeys() {}

  @Override
  public String partitionKey(Object event, String producerKey) {
    return Long.toHexString(ThreadLocalRandom.current().nextLong());
  }
}
