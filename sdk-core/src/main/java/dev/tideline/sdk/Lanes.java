package dev.tideline.sdk;

import dev.tideline.sdk.sink.Shard;
import dev.tideline.wire.Envelopes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The per-shard {@link Lane}s: routes each event to the lane of its predicted shard (by the MD5 of
 * its partition key over the current {@link ShardMap}), adds it to the lane's open aggregate, seals
 * aggregates when full or when their linger time is up, and dead-letters ready records past their
 * time-to-live. Without a shard map every event goes unaggregated to the "unknown" lane.
 *
 * <p>An event logged without a key ({@link PartitionKeyStrategy#perEvent()}) goes to a shard picked
 * at random, weighted by hash range as a random key would be, and is sent with that shard's key: a
 * key found once per shard and map whose MD5 falls in the shard's range. So all such events of an
 * aggregate share one key (one entry in its key table), none is hashed, and the KCL finds every
 * sub-record inside the shard. Without a map, each gets a random key of its own.
 *
 * <p>Worker-owned, except {@link #maxRecordBytes()}, which log() reads.
 */
final class Lanes {
  static final String UNKNOWN = "unknown";

  /** How long to let a rate-limited shard's bucket refill, so it sends batches, not trickles. */
  private static final long BUCKET_MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final Clock clock;
  private final Settlement settlement;
  private final RetryPolicy retry;
  private final boolean aggregation;
  private final boolean strict;
  private final long lingerNanos;
  private final double rateLimitFactor;

  /** The record size limit: the configured one, lowered once the sink tells the stream's. */
  private volatile int maxRecordBytes;

  private final Map<String, Lane> byKey = new LinkedHashMap<>();
  private final List<Lane> order = new ArrayList<>();
  private @Nullable ShardMap shardMap; // null until the first listing

  /** Each shard's key for events logged without one, found on first use per map. */
  private final Map<String, ShardKey> shardKeys = new HashMap<>();

  private @Nullable String lastHashKeyFor;
  private long lastHashHigh;
  private long lastHashLow;

  Lanes(TrackerBuilder config, Clock clock, Settlement settlement, RetryPolicy retry) {
    this.clock = clock;
    this.settlement = settlement;
    this.retry = retry;
    this.aggregation = config.aggregation;
    this.strict = config.ordering == Ordering.STRICT_PER_PARTITION_KEY;
    this.lingerNanos = config.lingerNanos;
    this.rateLimitFactor = config.rateLimitFactor;
    this.maxRecordBytes = config.maxRecordBytes;
  }

  /** The largest record, data plus partition key. Any thread. */
  int maxRecordBytes() {
    return maxRecordBytes;
  }

  /** Lowers the record size limit to the stream's. Any thread. */
  void lowerMaxRecordBytes(int streamMaxRecordBytes) {
    if (streamMaxRecordBytes > 0 && streamMaxRecordBytes < maxRecordBytes) {
      maxRecordBytes = streamMaxRecordBytes;
    }
  }

  /** The lanes in creation order. */
  List<Lane> all() {
    return order;
  }

  /** The lane of the key, created on first use. */
  Lane lane(String key) {
    Lane lane = byKey.get(key);
    if (lane == null) {
      TokenBucket bucket =
          UNKNOWN.equals(key) ? null : new TokenBucket(rateLimitFactor, clock.nanoTime());
      lane = new Lane(key, bucket);
      byKey.put(key, lane);
      order.add(lane);
    }
    return lane;
  }

  /** The lane of the key if it exists. */
  @Nullable Lane existing(String key) {
    return byKey.get(key);
  }

  /** Routes by the map from now on. */
  void useShardMap(ShardMap map) {
    shardMap = map;
    shardKeys.clear();
  }

  /**
   * Routes again the events of open aggregates whose shard is not open in the current map: they
   * would land elsewhere.
   */
  void rerouteClosedShards() {
    ShardMap map = shardMap;
    if (map == null) {
      return; // without a map no lane aggregates: nothing was routed by shard
    }
    for (Lane lane : new ArrayList<>(order)) {
      if (lane.aggregator != null) {
        Shard shard = map.byId(lane.key);
        if (shard == null || !shard.isOpen()) {
          List<TrackedEvent> stale = lane.aggregator.events();
          lane.aggregator = null;
          for (TrackedEvent event : stale) {
            route(event);
          }
        }
      }
    }
  }

  /**
   * Adds the event to its lane: to the open aggregate, or as a record of its own when aggregation
   * is off, no map is known, or it does not fit the KPL frame. Drops it as {@link
   * DropReason#TOO_LARGE} if it cannot fit a record alone.
   */
  void route(TrackedEvent event) {
    long sentTime = clock.currentTimeMicros();
    long delay = event.delayAt(sentTime);
    boolean toHash = event.partitionKey() != null || pickShard(event);
    int limit = maxRecordBytes;
    // A routed key is hexadecimal: as many bytes as characters.
    int keyBytes = event.partitionKey != null ? event.partitionKeyBytes : event.sentKey().length();
    int single = event.dataSize(delay) + keyBytes;
    int withoutDelay = event.dataSize(Envelopes.NO_SEND_DELAY) + keyBytes;
    if (single > limit && withoutDelay <= limit) {
      // The send delay is only for clock-skew correction: leave it out rather than the event.
      delay = Envelopes.NO_SEND_DELAY;
      single = withoutDelay;
    }
    if (single > limit) {
      settlement.drop(
          Collections.singletonList(event),
          DropReason.TOO_LARGE,
          event.eventType
              + " needs a record of "
              + single
              + " bytes, above the stream's maximum record size of "
              + limit);
      return;
    }
    if (shardMap == null) {
      lane(UNKNOWN).add(Aggregator.single(event, UNKNOWN, delay));
      return;
    }
    if (toHash) {
      hash(event);
    }
    Lane lane = lane(shardMap.shardFor(event.hashHigh, event.hashLow).shardId());
    if (!aggregation) {
      lane.add(Aggregator.single(event, lane.key, delay));
      return;
    }
    if (lane.aggregator != null && !lane.aggregator.tryAdd(event)) {
      seal(lane);
    }
    if (lane.aggregator == null) {
      Aggregator aggregator = new Aggregator(limit, sentTime);
      if (aggregator.tryAdd(event)) {
        lane.aggregator = aggregator;
      } else {
        // Fits alone unaggregated (checked above) but not with the 20-byte KPL frame.
        lane.add(Aggregator.single(event, lane.key, delay));
      }
    }
  }

  /**
   * Gives an event logged without a key the key of a shard picked at random, with that key's hash
   * (true); without a map, or for a shard no key was found for, a random key of its own (false: to
   * be hashed).
   */
  private boolean pickShard(TrackedEvent event) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (shardMap != null) {
      Shard shard = shardMap.shardFor(random.nextLong(), random.nextLong());
      ShardKey key = shardKeys.get(shard.shardId());
      if (key == null) {
        key = ShardKey.find(shardMap, shard, random);
        shardKeys.put(shard.shardId(), key);
      }
      if (key != ShardKey.NONE) {
        event.routedKey = key.key;
        event.hashHigh = key.hashHigh;
        event.hashLow = key.hashLow;
        return false;
      }
    }
    event.routedKey = Long.toHexString(random.nextLong());
    return true;
  }

  /** A shard's key for events logged without one: a key whose MD5 falls in its range. */
  private static final class ShardKey {
    /**
     * No key found (a shard with a tiny range): such events get random keys instead. Its own key is
     * never read.
     */
    static final ShardKey NONE = new ShardKey("", 0, 0);

    /**
     * The most random keys tried for one shard: a shard with a range of 1/n of the hash space needs
     * n tries on average, so this finds one for any shard wider than about 1/100,000 of it.
     */
    private static final int MAX_TRIES = 1 << 20;

    final String key;
    final long hashHigh;
    final long hashLow;

    private ShardKey(String key, long hashHigh, long hashLow) {
      this.key = key;
      this.hashHigh = hashHigh;
      this.hashLow = hashLow;
    }

    static ShardKey find(ShardMap map, Shard shard, ThreadLocalRandom random) {
      TrackedEvent probe = new TrackedEvent(new byte[0], "", null, 0, 0, 0, 0);
      for (int i = 0; i < MAX_TRIES; i++) {
        String key = Long.toHexString(random.nextLong());
        ShardMap.hash(key, probe);
        if (map.shardFor(probe.hashHigh, probe.hashLow) == shard) {
          return new ShardKey(key, probe.hashHigh, probe.hashLow);
        }
      }
      return NONE;
    }
  }

  /** Hashes the event's partition key, reusing the last result for a repeated key. */
  private void hash(TrackedEvent event) {
    String key = event.sentKey();
    if (key.equals(lastHashKeyFor)) {
      event.hashHigh = lastHashHigh;
      event.hashLow = lastHashLow;
      return;
    }
    ShardMap.hash(key, event);
    lastHashKeyFor = key;
    lastHashHigh = event.hashHigh;
    lastHashLow = event.hashLow;
  }

  /** Seals the open aggregates whose linger time is up (all of them when flushing). */
  void seal(long now, boolean flushing) {
    for (Lane lane : order) {
      if (lane.aggregator != null
          && (flushing || now - lane.aggregator.firstAcceptedNanos() >= lingerNanos)) {
        seal(lane);
      }
    }
  }

  private void seal(Lane lane) {
    Aggregator aggregator = lane.aggregator;
    lane.aggregator = null;
    if (aggregator != null && !aggregator.isEmpty()) {
      lane.add(aggregator.build(lane.key, clock.currentTimeMicros()));
    }
  }

  /** Dead-letters records past their time-to-live that wait to be sent. */
  void expire(long now) {
    for (Lane lane : order) {
      Iterator<OutRecord> it = lane.ready.iterator();
      while (it.hasNext()) {
        OutRecord record = it.next();
        if (retry.isExpired(record, now)) {
          it.remove();
          lane.readyBytes -= record.billedSize;
          if (record.lastErrorCode == null) {
            record.lastErrorCode = "Expired";
            record.lastErrorMessage =
                "not sent within the record time-to-live (throttled or stalled)";
          }
          settlement.deadLetter(record, DropReason.EXPIRED);
        } else if (record.attempts == 0) {
          break; // fresh records are in acceptance order: the rest are younger
        }
      }
    }
  }

  /** When the oldest event in a lane was accepted; Long.MAX_VALUE if none. */
  long oldestAcceptedNanos() {
    long oldest = Long.MAX_VALUE;
    for (Lane lane : order) {
      if (lane.aggregator != null) {
        oldest = Math.min(oldest, lane.aggregator.firstAcceptedNanos());
      }
      for (OutRecord record : lane.ready) {
        oldest = Math.min(oldest, record.firstAcceptedNanos);
        if (record.attempts == 0) {
          break;
        }
      }
    }
    return oldest;
  }

  /**
   * When lane work is next due: an aggregate's linger, a record's send time (its linger, its retry
   * time, its shard's throttle and token bucket) or its expiry; Long.MAX_VALUE if none.
   *
   * @param mayCall whether a PutRecords call may start (otherwise a result wakes the worker)
   */
  long nextDueNanos(long now, boolean flushing, boolean mayCall) {
    long next = Long.MAX_VALUE;
    for (Lane lane : order) {
      if (lane.aggregator != null) {
        next = Math.min(next, lane.aggregator.firstAcceptedNanos() + lingerNanos);
      }
      if (!mayCall || (strict && lane.inFlight)) {
        continue; // a result will wake the worker
      }
      for (OutRecord record : lane.ready) {
        long due =
            record.attempts > 0
                ? record.notBeforeNanos
                : flushing ? now : record.firstAcceptedNanos + lingerNanos;
        due = Math.max(due, lane.throttledUntilNanos);
        if (lane.bucket != null) {
          long wait = lane.bucket.nanosUntilAvailable(record.billedSize, now);
          if (wait > 0) {
            due = Math.max(due, now + Math.max(wait, BUCKET_MIN_WAIT_NANOS));
          }
        }
        next = Math.min(next, Math.max(due, now));
        next = Math.min(next, retry.expiresAtNanos(record));
        if (strict || record.attempts == 0) {
          break; // strict: only the head may go; otherwise the rest are younger
        }
      }
    }
    return next;
  }

  /** Empties every lane, for close: the events of open aggregates and ready records. */
  List<TrackedEvent> takeAll() {
    List<TrackedEvent> left = new ArrayList<>();
    for (Lane lane : order) {
      if (lane.aggregator != null) {
        left.addAll(lane.aggregator.events());
        lane.aggregator = null;
      }
      for (OutRecord record : lane.ready) {
        left.addAll(record.events);
      }
      lane.ready.clear();
      lane.readyBytes = 0;
    }
    return left;
  }
}
