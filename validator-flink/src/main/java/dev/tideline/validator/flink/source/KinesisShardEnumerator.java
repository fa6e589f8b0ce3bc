package dev.tideline.validator.flink.source;

import dev.tideline.kinesis.ShardListing;
import dev.tideline.validator.source.ShardCursor;
import dev.tideline.validator.source.StartingPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Finds the stream's shards and hands each to a reader once its parents are read to their end.
 *
 * <p>Shards are listed (ListShards through {@link ShardListing}) every discovery interval, and at
 * once when a reader reports a shard finished, so children start without waiting. The shards of the
 * first listing start at the source's starting position (LATEST already turned into the moment the
 * job first started, so a restore does not skip what came in meanwhile); shards found later came
 * after the job started, and start at their first record (or at the AT_TIMESTAMP timestamp).
 *
 * <p>A child goes, when that reader is there, to the reader that finished its last parent: records
 * of one reader reach each downstream task in the order they were emitted, so a key's records from
 * the child follow those from the parent. Other shards go to the reader with the fewest shards.
 *
 * <p>Runs in Flink's coordinator thread; the listing runs in its worker thread.
 */
final class KinesisShardEnumerator implements SplitEnumerator<ShardSplit, KinesisEnumeratorState> {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisShardEnumerator.class);

  private final SplitEnumeratorContext<ShardSplit> context;
  private final String stream;
  private final KinesisClientFactory clients;
  private final StartingPosition newShardPosition;
  private final Duration discoveryInterval;
  private final boolean bounded;

  // Coordinator thread only.
  private final Map<String, ShardSplit> pending = new LinkedHashMap<>();
  private final Set<String> assigned = new LinkedHashSet<>();
  private final Set<String> finished = new LinkedHashSet<>();
  private final Set<String> stopped = new LinkedHashSet<>();
  private @Nullable StartingPosition firstListingPosition;

  /** Which reader reads each assigned shard (not checkpointed: only for balance). */
  private final Map<String, Integer> readerOf = new HashMap<>();

  /** Which reader finished each shard, and when (by event count): children go there. */
  private final Map<String, long[]> finishedBy = new HashMap<>();

  private boolean noMoreSplits;

  /** Finish events handled; a listing that started before the last one may miss children. */
  private final AtomicLong finishEvents = new AtomicLong();

  private @Nullable KinesisClient client;

  KinesisShardEnumerator(
      SplitEnumeratorContext<ShardSplit> context,
      String stream,
      KinesisClientFactory clients,
      StartingPosition start,
      Duration discoveryInterval,
      boolean bounded,
      KinesisEnumeratorState state) {
    this.context = context;
    this.stream = stream;
    this.clients = clients;
    this.newShardPosition = start.forNewShards();
    this.discoveryInterval = discoveryInterval;
    this.bounded = bounded;
    for (ShardSplit split : state.pending()) {
      pending.put(split.shardId(), split);
    }
    assigned.addAll(state.assigned());
    finished.addAll(state.finished());
    stopped.addAll(state.stopped());
    this.firstListingPosition = state.firstListingPosition();
  }

  @Override
  public void start() {
    client = clients.create();
    context.callAsync(this::list, this::onListing, 0, discoveryInterval.toMillis());
  }

  /** One listing, in the worker thread. */
  private Listing list() {
    long events = finishEvents.get();
    KinesisClient kinesis = client;
    if (kinesis == null) {
      throw new IllegalStateException("the enumerator is not started");
    }
    return new Listing(events, ShardListing.list(stream, null, kinesis::listShards));
  }

  private void onListing(@Nullable Listing listing, @Nullable Throwable failure) {
    if (failure != null || listing == null) {
      // The AWS SDK has retried already; the next listing tries again.
      LOG.warn(
          "listing the shards of {} failed; trying again within {}",
          stream,
          discoveryInterval,
          failure);
      return;
    }
    if (noMoreSplits) {
      // A bounded read is over: shards that came after it are not read.
      return;
    }
    StartingPosition position =
        firstListingPosition != null ? firstListingPosition : newShardPosition;
    Set<String> listed = new LinkedHashSet<>();
    for (Shard shard : listing.shards) {
      String id = shard.shardId();
      listed.add(id);
      if (pending.containsKey(id)
          || assigned.contains(id)
          || finished.contains(id)
          || stopped.contains(id)) {
        continue;
      }
      List<String> parents = new ArrayList<>(2);
      if (shard.parentShardId() != null) {
        parents.add(shard.parentShardId());
      }
      if (shard.adjacentParentShardId() != null) {
        parents.add(shard.adjacentParentShardId());
      }
      pending.put(id, ShardSplit.of(id, parents, ShardCursor.rangeOf(shard), position));
    }
    firstListingPosition = null;
    forgetExpired(listed);
    assignPending();
    if (bounded && listing.finishEventsAtStart == finishEvents.get()) {
      signalNoMoreSplitsIfDone();
    }
  }

  /**
   * Forgets finished and stopped shards the stream no longer lists (past its retention) that no
   * pending shard names as a parent: state stays as large as the stream's shard history.
   */
  private void forgetExpired(Set<String> listed) {
    Set<String> parentsOfPending = new LinkedHashSet<>();
    for (ShardSplit split : pending.values()) {
      parentsOfPending.addAll(split.parentShardIds());
    }
    finished.removeIf(id -> !listed.contains(id) && !parentsOfPending.contains(id));
    stopped.removeIf(id -> !listed.contains(id) && !parentsOfPending.contains(id));
    finishedBy.keySet().removeIf(id -> !finished.contains(id));
  }

  /** Hands every pending split whose parents are finished (or expired) to a reader. */
  private void assignPending() {
    Map<Integer, ?> readers = context.registeredReaders();
    Map<Integer, List<ShardSplit>> assignment = new LinkedHashMap<>();
    boolean changed = true;
    while (changed) {
      changed = false;
      for (ShardSplit split : new ArrayList<>(pending.values())) {
        Readiness readiness = readiness(split);
        if (readiness == Readiness.NEVER) {
          // A bounded read stopped a parent before its end: the child is not read either.
          pending.remove(split.shardId());
          stopped.add(split.shardId());
          changed = true;
        } else if (readiness == Readiness.READY && !readers.isEmpty()) {
          int reader = chooseReader(split, readers.keySet());
          pending.remove(split.shardId());
          assigned.add(split.shardId());
          readerOf.put(split.shardId(), reader);
          assignment.computeIfAbsent(reader, r -> new ArrayList<>()).add(split);
        }
      }
    }
    if (!assignment.isEmpty()) {
      LOG.info("assigning shards of {}: {}", stream, assignment);
      context.assignSplits(new SplitsAssignment<>(assignment));
    }
  }

  private enum Readiness {
    READY,
    WAITING,
    NEVER
  }

  private Readiness readiness(ShardSplit split) {
    Readiness readiness = Readiness.READY;
    for (String parent : split.parentShardIds()) {
      if (stopped.contains(parent)) {
        return Readiness.NEVER;
      }
      if (pending.containsKey(parent) || assigned.contains(parent)) {
        readiness = Readiness.WAITING;
      }
      // Finished, or unknown: a parent past the stream's retention holds nothing more to read.
    }
    return readiness;
  }

  private int chooseReader(ShardSplit split, Set<Integer> readers) {
    long latest = -1;
    int preferred = -1;
    for (String parent : split.parentShardIds()) {
      long[] by = finishedBy.get(parent);
      if (by != null && by[1] > latest && readers.contains((int) by[0])) {
        latest = by[1];
        preferred = (int) by[0];
      }
    }
    if (preferred >= 0) {
      return preferred;
    }
    Map<Integer, Integer> load = new HashMap<>();
    for (int reader : readerOf.values()) {
      load.merge(reader, 1, Integer::sum);
    }
    int best = -1;
    for (int reader : readers) {
      if (best < 0
          || load.getOrDefault(reader, 0) < load.getOrDefault(best, 0)
          || (load.getOrDefault(reader, 0).equals(load.getOrDefault(best, 0)) && reader < best)) {
        best = reader;
      }
    }
    return best;
  }

  private void signalNoMoreSplitsIfDone() {
    if (firstListingPosition == null && pending.isEmpty() && assigned.isEmpty()) {
      if (!noMoreSplits) {
        LOG.info("every shard of {} is caught up or read to its end", stream);
      }
      noMoreSplits = true;
      for (int reader : context.registeredReaders().keySet()) {
        context.signalNoMoreSplits(reader);
      }
    }
  }

  @Override
  public void handleSourceEvent(int subtaskId, SourceEvent event) {
    if (!(event instanceof ShardsFinishedEvent)) {
      LOG.warn("ignoring an unknown event from reader {}: {}", subtaskId, event);
      return;
    }
    long count = finishEvents.incrementAndGet();
    List<String> acknowledged = new ArrayList<>();
    for (Map.Entry<String, ShardSplit.Ending> entry :
        ((ShardsFinishedEvent) event).endings().entrySet()) {
      String id = entry.getKey();
      acknowledged.add(id);
      assigned.remove(id);
      pending.remove(id);
      readerOf.remove(id);
      if (entry.getValue() == ShardSplit.Ending.STOPPED) {
        stopped.add(id);
      } else {
        finished.add(id);
        finishedBy.put(id, new long[] {subtaskId, count});
      }
    }
    // The reader drops its markers of these shards: this state holds them from now on.
    context.sendEventToSourceReader(subtaskId, new ShardsFinishedEvent.Ack(acknowledged));
    // Children appear in a listing once their parent is closed; look for them now.
    context.callAsync(this::list, this::onListing);
  }

  @Override
  public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
    // Splits are pushed as shards become ready; readers never ask.
  }

  @Override
  public void addSplitsBack(List<ShardSplit> splits, int subtaskId) {
    // The reader failed before a checkpoint saw these splits: read them again from where they
    // were when assigned.
    for (ShardSplit split : splits) {
      assigned.remove(split.shardId());
      readerOf.remove(split.shardId());
      pending.put(split.shardId(), split);
    }
    assignPending();
  }

  @Override
  public void addReader(int subtaskId) {
    assignPending();
    if (noMoreSplits) {
      context.signalNoMoreSplits(subtaskId);
    }
  }

  @Override
  public KinesisEnumeratorState snapshotState(long checkpointId) {
    return new KinesisEnumeratorState(
        new ArrayList<>(pending.values()), assigned, finished, stopped, firstListingPosition);
  }

  @Override
  public void close() {
    KinesisClient kinesis = client;
    if (kinesis != null) {
      kinesis.close();
    }
  }

  /** One listing and how many finish events had been handled when it started. */
  private static final class Listing {
    final long finishEventsAtStart;
    final List<Shard> shards;

    Listing(long finishEventsAtStart, List<Shard> shards) {
      this.finishEventsAtStart = finishEventsAtStart;
      this.shards = shards;
    }
  }
}
