package dev.tideline.sdk;

import dev.tideline.sdk.sink.EntryResult;
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.RecordSink;
import dev.tideline.sdk.sink.SinkRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Collects ready records from the lanes into PutRecords calls (at most the entry and byte limits,
 * lanes taken in rotation, each shard within its token bucket; under strict ordering one record per
 * shard in flight), sends them, bounds each call by the call timeout, and settles the results:
 * acknowledged, misrouted (to the {@link ShardMapTracker}), retried by the {@link RetryPolicy}, or
 * dead-lettered.
 *
 * <p>Worker-owned; sink answers and call timeouts come back as worker tasks, and the first of the
 * two wins.
 */
final class Dispatcher {
  /** The tracker's own bound on a PutRecords call, in case a sink never answers. */
  private static final class CallTimeout extends Exception {
    private static final long serialVersionUID = 1L;

    CallTimeout() {
      super("no answer within the call timeout", null, false, false);
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
  private final RetryPolicy retry;
  private final ShardMapTracker shardMaps;
  private final Runnable drain;
  private final boolean strict;
  private final RequestWindow window;
  private final long lingerNanos;
  private final long callTimeoutNanos;

  private int inFlight;
  private final Set<OutRecord> inFlightRecords =
      Collections.newSetFromMap(new IdentityHashMap<OutRecord, Boolean>());
  private int rotation;
  private boolean stopped;

  Dispatcher(
      TrackerBuilder config,
      WorkerThread worker,
      Reporter reporter,
      Metrics metrics,
      Clock clock,
      Lanes lanes,
      Settlement settlement,
      RetryPolicy retry,
      ShardMapTracker shardMaps,
      Runnable drain) {
    this.streamName = config.streamName;
    this.sink = config.sink;
    this.worker = worker;
    this.reporter = reporter;
    this.metrics = metrics;
    this.clock = clock;
    this.lanes = lanes;
    this.settlement = settlement;
    this.retry = retry;
    this.shardMaps = shardMaps;
    this.drain = drain;
    this.strict = config.ordering == Ordering.STRICT_PER_PARTITION_KEY;
    this.window =
        new RequestWindow(
            config.maxRequestBytes, config.maxRequestEntries, config.maxInFlightRequests);
    this.lingerNanos = config.lingerNanos;
    this.callTimeoutNanos = config.callTimeoutNanos;
  }

  /** Whether another call may start. */
  boolean mayCall() {
    return inFlight < window.inFlight();
  }

  /** Sends calls while there is room for them and something is due. */
  void send(long now, boolean flushing) {
    while (inFlight < window.inFlight() && !stopped) {
      if (!sendable(now, flushing)) {
        return;
      }
      List<OutRecord> request = collect(now);
      if (request.isEmpty()) {
        return;
      }
      dispatch(request);
    }
  }

  /** When the oldest event in flight was accepted; Long.MAX_VALUE if none. */
  long oldestInFlightNanos() {
    long oldest = Long.MAX_VALUE;
    for (OutRecord record : inFlightRecords) {
      oldest = Math.min(oldest, record.firstAcceptedNanos);
    }
    return oldest;
  }

  /** Stops sending, for close: answers still to come are ignored; returns the events in flight. */
  List<TrackedEvent> stop() {
    stopped = true;
    List<TrackedEvent> left = new ArrayList<>();
    for (OutRecord record : inFlightRecords) {
      record.abandoned = true;
      left.addAll(record.events);
    }
    return left;
  }

  private boolean eligible(Lane lane, long now) {
    return !(strict && lane.inFlight) && now >= lane.throttledUntilNanos;
  }

  /** Whether a request should go now: a full one is ready, or something is due. */
  private boolean sendable(long now, boolean flushing) {
    long entries = 0;
    long bytes = 0;
    for (Lane lane : lanes.all()) {
      if (lane.ready.isEmpty() || !eligible(lane, now)) {
        continue;
      }
      for (OutRecord record : lane.ready) {
        if (now < record.notBeforeNanos) {
          if (strict) {
            break;
          }
          continue;
        }
        if (flushing || record.attempts > 0 || now - record.firstAcceptedNanos >= lingerNanos) {
          return true;
        }
        if (record.attempts == 0) {
          break; // fresh records after this one are younger
        }
      }
      entries += lane.ready.size();
      bytes += lane.readyBytes;
      if (entries >= window.entries() || bytes >= window.bytes()) {
        return true;
      }
    }
    return false;
  }

  /** Takes the next request's records from the lanes, starting one lane further each time. */
  private List<OutRecord> collect(long now) {
    List<OutRecord> request = new ArrayList<>();
    long bytes = 0;
    List<Lane> all = lanes.all();
    int n = all.size();
    if (n == 0) {
      return request;
    }
    rotation = (rotation + 1) % n;
    for (int i = 0; i < n; i++) {
      Lane lane = all.get((rotation + i) % n);
      if (lane.ready.isEmpty() || !eligible(lane, now)) {
        continue;
      }
      Iterator<OutRecord> it = lane.ready.iterator();
      while (it.hasNext()) {
        OutRecord record = it.next();
        if (now < record.notBeforeNanos) {
          if (strict) {
            break;
          }
          continue;
        }
        if (!request.isEmpty()
            && (request.size() >= window.entries() || bytes + record.billedSize > window.bytes())) {
          return request;
        }
        if (lane.bucket != null && !lane.bucket.tryTake(record.billedSize, now)) {
          break;
        }
        it.remove();
        lane.readyBytes -= record.billedSize;
        request.add(record);
        bytes += record.billedSize;
        if (strict) {
          break; // one record per shard per request, so a failure cannot be overtaken
        }
      }
    }
    return request;
  }

  private void dispatch(final List<OutRecord> request) {
    inFlight++;
    final long epoch = window.epoch();
    List<SinkRecord> records = new ArrayList<>(request.size());
    for (OutRecord record : request) {
      record.attempts++;
      records.add(record.record);
      inFlightRecords.add(record);
      if (strict) {
        lanes.lane(record.laneKey).inFlight = true; // the lane the record was taken from
      }
    }
    metrics.putRecordsCalls.increment();
    Completion<PutRecordsResult> call;
    try {
      call = sink.putRecords(streamName, Collections.unmodifiableList(records));
    } catch (RuntimeException | LinkageError e) {
      call = Completion.failed(e);
    }
    if (call == null) {
      call = Completion.failed(new IllegalStateException("the sink returned no Completion"));
    }
    final boolean[] answered = {false}; // worker-owned: the first of answer and timeout wins
    final Scheduler.Cancellable timeout =
        worker.schedule(
            () -> {
              if (!answered[0]) {
                answered[0] = true;
                reporter.logOnce(
                    "call-timeout", "a PutRecords call had no answer within the call timeout");
                onResult(request, epoch, null, new CallTimeout());
              }
            },
            callTimeoutNanos);
    call.whenComplete(
        (result, failure) ->
            worker.submit(
                () -> {
                  if (!answered[0]) {
                    answered[0] = true;
                    if (timeout != null) {
                      timeout.cancel();
                    }
                    onResult(request, epoch, result, failure);
                  }
                },
                0));
  }

  private void onResult(
      List<OutRecord> request,
      long epoch,
      @Nullable PutRecordsResult result,
      @Nullable Throwable failure) {
    completed(request);
    if (stopped) {
      return;
    }
    long now = clock.nanoTime();
    EntryResult callFailure = callFailure(request, result, failure);
    adapt(epoch, result, callFailure);
    RetryPolicy.Round round = retry.round(now);
    boolean misrouted = false;
    for (int i = 0; i < request.size(); i++) {
      OutRecord record = request.get(i);
      if (record.abandoned) {
        continue;
      }
      // Without a failure of the whole call, the sink answered every entry.
      EntryResult entry =
          callFailure != null ? callFailure : Objects.requireNonNull(result).entries().get(i);
      Lane lane = lanes.lane(record.laneKey);
      if (entry.isSuccess()) {
        // A stored entry names its shard (EntryResult.success requires one).
        misrouted |= stored(record, lane, Objects.requireNonNull(entry.shardId()));
      } else {
        failed(record, lane, entry, round, now);
      }
    }
    round.requeue();
    if (misrouted) {
      shardMaps.load();
    }
    drain.run();
  }

  /**
   * Shrinks the window when the call did not complete (timed out, connection failed: the tracker's
   * call timeout, or every entry failed with {@link ErrorCodes#TRANSPORT_ERROR}, as sinks answer
   * such calls), grows it back when it did.
   */
  private void adapt(
      long epoch, @Nullable PutRecordsResult result, @Nullable EntryResult callFailure) {
    if (!didNotComplete(result, callFailure)) {
      window.completed();
    } else if (window.lost(epoch)) {
      metrics.requestWindowShrinks.increment();
      reporter.logOnce(
          "request-window",
          "PutRecords calls are not completing (slow or unreachable endpoint): sending smaller and"
              + " fewer calls, now at most "
              + window.bytes()
              + " bytes and "
              + window.entries()
              + " entries per call, "
              + window.inFlight()
              + " in flight; they grow back as calls complete");
    }
  }

  private static boolean didNotComplete(
      @Nullable PutRecordsResult result, @Nullable EntryResult callFailure) {
    if (callFailure != null) {
      return ErrorCodes.TRANSPORT_ERROR.equals(callFailure.errorCode());
    }
    List<EntryResult> entries = Objects.requireNonNull(result).entries(); // see onResult
    if (entries.isEmpty() || result.failedCount() != entries.size()) {
      return false;
    }
    for (EntryResult entry : entries) {
      if (!ErrorCodes.TRANSPORT_ERROR.equals(entry.errorCode())) {
        return false;
      }
    }
    return true;
  }

  /** The call is over: frees its slot, and under strict ordering its lanes. */
  private void completed(List<OutRecord> request) {
    inFlight--;
    for (OutRecord record : request) {
      inFlightRecords.remove(record);
      if (strict) {
        Lane lane = lanes.existing(record.laneKey);
        if (lane != null) {
          lane.inFlight = false;
        }
      }
    }
  }

  /** The failure of the whole call, as every entry's result; null if the sink answered each. */
  private @Nullable EntryResult callFailure(
      List<OutRecord> request, @Nullable PutRecordsResult result, @Nullable Throwable failure) {
    String code = ErrorCodes.SINK_ERROR;
    String message;
    if (failure instanceof CallTimeout) {
      code = ErrorCodes.TRANSPORT_ERROR;
      message = "the sink did not answer within " + (callTimeoutNanos / 1_000_000) + " ms";
    } else if (failure != null) {
      message = "the sink failed: " + failure;
    } else if (result == null || result.entries().size() != request.size()) {
      message =
          "the sink answered "
              + (result == null ? "null" : result.entries().size() + " results")
              + " for "
              + request.size()
              + " records";
    } else {
      return null;
    }
    reporter.logOnce("sink " + message, message);
    return EntryResult.failure(code, message);
  }

  /**
   * Kinesis stored the record in the shard: acknowledged, unless an aggregate landed elsewhere than
   * predicted (then the shard map tracker settles it; returns true: reload the map).
   */
  private boolean stored(OutRecord record, Lane lane, String shardId) {
    if (lane.bucket != null) {
      lane.bucket.speedUp();
    }
    lane.consecutiveThrottles = 0;
    if (record.aggregated
        && !Lanes.UNKNOWN.equals(record.laneKey)
        && !record.laneKey.equals(shardId)) {
      shardMaps.misrouted(record, shardId);
      return true;
    }
    settlement.acknowledge(record);
    return false;
  }

  /** The entry failed: dead-lettered if the retry policy gives up, else retried in the round. */
  private void failed(
      OutRecord record, Lane lane, EntryResult entry, RetryPolicy.Round round, long now) {
    // A failed entry has a code (EntryResult.failure requires one).
    String code = Objects.requireNonNull(entry.errorCode());
    record.lastErrorCode = code;
    record.lastErrorMessage = entry.errorMessage();
    DropReason giveUp = retry.giveUp(record, code, now);
    if (giveUp != null) {
      settlement.deadLetter(record, giveUp);
      return;
    }
    Metrics.increment(metrics.retries, code, 1);
    if (ErrorCodes.isThrottle(code)) {
      Metrics.increment(metrics.throttles, lane.key, 1);
    }
    round.retry(record, lane);
  }
}
