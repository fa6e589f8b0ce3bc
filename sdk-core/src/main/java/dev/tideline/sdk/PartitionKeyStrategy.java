package dev.tideline.sdk;

import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Chooses each event's Kinesis partition key, which picks its shard and the unit of ordering.
 *
 * <p>Called on the logging thread; must be thread-safe and quick. A key must have 1 to 256
 * characters; a null or invalid key falls back to the producer's key (counted and logged once).
 */
public interface PartitionKeyStrategy {
  /**
   * The partition key for an event.
   *
   * @param event the logged event
   * @param producerKey this tracker's stable key (its producer id in hex, 32 characters)
   */
  @Nullable String partitionKey(Object event, String producerKey);

  /**
   * One key per producer: all of a producer's events go to one shard, in order. Right for apps (one
   * device's events are few) and for strict ordering per producer; a busy backend would hit one
   * shard's limits.
   */
  static PartitionKeyStrategy perProducer() {
    return (event, producerKey) -> producerKey;
  }

  /**
   * Any shard per event: load spreads evenly over all shards, as with a random key per event. The
   * default, for backends; order across events is by sequence number, not by shard.
   *
   * <p>The tracker picks each event's shard at random (weighted by the shards' hash ranges) and
   * sends it with one key per shard, whose hash falls in that shard's range, so an aggregated
   * record carries one key for all its events instead of one per event, and no event's key is
   * hashed. Called directly, the strategy gives a random key.
   */
  static PartitionKeyStrategy perEvent() {
    return AnyShardKeys.INSTANCE;
  }

  /**
   * A key computed from the event, for example a user or account id, so that one entity's events
   * stay in order on one shard.
   *
   * @throws NullPointerException if keyFunction is null
   */
  static PartitionKeyStrategy of(final Function<Object, String> keyFunction) {
    Objects.requireNonNull(keyFunction, "keyFunction");
    return (event, producerKey) -> keyFunction.apply(event);
  }
}
