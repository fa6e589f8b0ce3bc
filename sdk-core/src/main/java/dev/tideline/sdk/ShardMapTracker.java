package dev.tideline.sdk;

import dev.tideline.sdk.sink.RecordSink;
import dev.tideline.sdk.sink.Shard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the stream's {@link ShardMap} current and settles misrouted records. Loads the map at
 * start, every refresh period, and whenever a record lands in another shard than predicted; asks
 * again when ListShards fails (after {@link #RETRY_NANOS}) or never answers (after {@link
 * #LOAD_TIMEOUT_NANOS}; a late answer still counts).
 *
 * <p>A misrouted aggregate is delivered only if every sub-record lies inside the landing shard's
 * range; otherwise the KCL drops the whole aggregate, not only the sub-records outside (pinned by
 * sdk-kinesis's KclDeaggregationTest), so every event of it is routed again: duplicates for raw
 * readers, detectable by event id, never a loss for KCL consumers (docs/decisions/0004). A landing
 * shard missing from the map waits for the reload.
 *
 * <p>Worker-owned; ListShards answers come back as worker tasks.
 */
final class ShardMapTracker {
  /**
   * The longest a tracker's first events wait for its first shard map, flushes and close included.
   * A cold client's first ListShards can take seconds; without the wait, the burst an app logs at
   * start-up would go out one Kinesis record (and one PUT payload unit) per event. Once per
   * tracker.
   */
  static final long FIRST_MAP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** How long a ListShards call may go unanswered before the map is asked for again. */
  static final long LOAD_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** How long to wait before asking again for a shard map that could not be loaded. */
  static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** A record Kinesis stored in another shard than predicted, waiting for that shard's range. */
  private static final class Misroute {
    final OutRecord record;
    final String landingShardId;

    Misroute(OutRecord record, String landingShardId) {
      this.record = record;
      this.landingShardId = landingShardId;
    }
  }

  private final String streamName;
  private final RecordSink sink;
  private final WorkerThread worker;
  private final Reporter reporter;
  private final Metrics metrics;
  private final Clock clock;
  private final Lanes lanes;
  private final Settlement settlement;
  private final Runnable drain;
  private final boolean aggregation;
  private final long lingerNanos;
  private final long refreshNanos;

  private @Nullable ShardMap current; // null until the first listing
  private boolean loading;
  private long loadStartedNanos;
  private long nextLoadNanos;
  private final List<Misroute> misrouted = new ArrayList<>();
  private boolean stopped;

  ShardMapTracker(
      TrackerBuilder config,
      WorkerThread worker,
      Reporter reporter,
      Metrics metrics,
      Clock clock,
      Lanes lanes,
      Settlement settlement,
      Runnable drain) {
    this.streamName = config.streamName;
    this.sink = config.sink;
    this.worker = worker;
    this.reporter = reporter;
    this.metrics = metrics;
    this.clock = clock;
    this.lanes = lanes;
    this.settlement = settlement;
    this.drain = drain;
    this.aggregation = config.aggregation;
    this.lingerNanos = config.lingerNanos;
    this.refreshNanos = config.shardMapRefreshNanos;
  }

  /** Asks the sink for the shard map, unless a call is already out. */
  void load() {
    if (loading || stopped) {
      return;
    }
    loading = true;
    loadStartedNanos = clock.nanoTime();
    Completion<List<Shard>> call;
    try {
      call = sink.listShards(streamName);
    } catch (RuntimeException | LinkageError e) {
      call = Completion.failed(e);
    }
    if (call == null) {
      call = Completion.failed(new IllegalStateException("the sink returned no Completion"));
    }
    call.whenComplete((shards, failure) -> worker.submit(() -> onShards(shards, failure), 0));
  }

  /** Loads the map if a reload is due, asking again if the last call hung. */
  void refreshIfDue(long now) {
    if (loading && now - loadStartedNanos >= LOAD_TIMEOUT_NANOS) {
      // A sink that never answers must not freeze the map: ask again (a late answer still counts).
      reporter.logOnce("shards-hung", "ListShards did not answer within 30 s; asking again");
      loading = false;
    }
    if (!loading && now >= nextLoadNanos) {
      load();
    }
  }

  /**
   * Whether to leave events queued while the first shard map loads, so that a tracker's first
   * events are aggregated rather than sent one record each; at most {@link #FIRST_MAP_WAIT_NANOS}
   * (or the linger time, if longer), even when flushing.
   */
  boolean awaitingFirstMap(long now, long oldestQueuedNanos) {
    return aggregation
        && current == null
        && loading
        && metrics.shardMapRefreshes.sum() == 0
        && now - oldestQueuedNanos < Math.max(lingerNanos, FIRST_MAP_WAIT_NANOS);
  }

  /** When the tracker next has work: a reload, a hung call, the end of the first-map wait. */
  long nextDueNanos(long now, long oldestQueuedNanos) {
    long next = Long.MAX_VALUE;
    if (oldestQueuedNanos != Long.MAX_VALUE && awaitingFirstMap(now, oldestQueuedNanos)) {
      next = oldestQueuedNanos + Math.max(lingerNanos, FIRST_MAP_WAIT_NANOS);
    }
    return Math.min(next, loading ? loadStartedNanos + LOAD_TIMEOUT_NANOS : nextLoadNanos);
  }

  /**
   * Kinesis stored the aggregated record in the landing shard, not in the predicted one: settles it
   * now if the landing shard is in the map (a shard id's range never changes), or once the map is
   * reloaded. The caller reloads the map.
   */
  void misrouted(OutRecord record, String landingShardId) {
    Shard landing = current == null ? null : current.byId(landingShardId);
    if (landing != null) {
      resolve(record, landing);
    } else {
      misrouted.add(new Misroute(record, landingShardId));
    }
  }

  /** Stops loading, for close; returns the events of misrouted records still waiting. */
  List<TrackedEvent> stop() {
    stopped = true;
    List<TrackedEvent> left = new ArrayList<>();
    for (Misroute item : misrouted) {
      left.addAll(item.record.events);
    }
    misrouted.clear();
    return left;
  }

  private void onShards(@Nullable List<Shard> shards, @Nullable Throwable failure) {
    loading = false;
    if (stopped) {
      return;
    }
    long now = clock.nanoTime();
    ShardMap map = failure == null && shards != null ? ShardMap.of(shards) : null;
    if (map == null) {
      reporter.logOnce(
          "shards",
          "cannot load the shard map of "
              + streamName
              + (failure != null
                  ? ": " + failure
                  : ": the open shards do not cover the hash key space")
              + "; sending unaggregated records until it loads");
      nextLoadNanos = now + RETRY_NANOS;
      // Without a map the landing shard's range is unknown: resend every sub-record.
      resolvePending(null);
    } else {
      current = map;
      lanes.useShardMap(map);
      metrics.shardMapRefreshes.increment();
      nextLoadNanos = now + refreshNanos;
      resolvePending(map);
      lanes.rerouteClosedShards();
    }
    drain.run();
  }

  private void resolvePending(@Nullable ShardMap map) {
    if (misrouted.isEmpty()) {
      return;
    }
    List<Misroute> pending = new ArrayList<>(misrouted);
    misrouted.clear();
    for (Misroute item : pending) {
      resolve(item.record, map == null ? null : map.byId(item.landingShardId));
    }
  }

  /** Delivered if every sub-record lies inside the landing shard (null: unknown); else resent. */
  private void resolve(OutRecord record, @Nullable Shard landing) {
    if (landing != null && allInside(record, landing)) {
      settlement.acknowledge(record);
      return;
    }
    metrics.misroutedResent.add(record.events.size());
    for (TrackedEvent event : record.events) {
      lanes.route(event);
    }
  }

  private static boolean allInside(OutRecord record, Shard landing) {
    for (TrackedEvent event : record.events) {
      if (!landing.contains(event.hashKey())) {
        return false;
      }
    }
    return true;
  }
}
