package dev.tideline.sdk;

import dev.tideline.sdk.sink.ErrorCodes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * When a failed record is tried again, and when it is given up: permanent error codes give up at
 * once, then the attempt budget, then the time-to-live (from the record's oldest event's
 * acceptance). Throttled shards rest with exponential backoff and equal jitter (at least half the
 * bound, so the shard really rests) and halve their token rate; other failures wait an exponential
 * backoff with full jitter, one draw per call, so a call's failed entries go back together.
 *
 * <p>Worker-owned; the policy itself is immutable, its {@link Round}s are not.
 */
final class RetryPolicy {
  /** Draws a uniform random value in [0, bound); injectable so tests can pin the jitter. */
  interface Jitter {
    long below(long bound);

    Jitter RANDOM = bound -> ThreadLocalRandom.current().nextLong(bound);
  }

  private final int maxAttempts;
  private final long ttlNanos;
  private final long baseNanos;
  private final long maxNanos;
  private final Jitter jitter;

  RetryPolicy(int maxAttempts, long ttlNanos, long baseNanos, long maxNanos, Jitter jitter) {
    this.maxAttempts = maxAttempts;
    this.ttlNanos = ttlNanos;
    this.baseNanos = baseNanos;
    this.maxNanos = maxNanos;
    this.jitter = jitter;
  }

  static RetryPolicy from(TrackerBuilder config) {
    return new RetryPolicy(
        config.maxAttempts,
        config.recordTtlNanos,
        config.retryBaseNanos,
        config.retryMaxNanos,
        Jitter.RANDOM);
  }

  /** Why to give up on a record that just failed with the code, or null to try it again. */
  @Nullable DropReason giveUp(OutRecord record, String errorCode, long nowNanos) {
    if (ErrorCodes.isPermanent(errorCode)) {
      return DropReason.REFUSED;
    }
    if (record.attempts >= maxAttempts) {
      return DropReason.ATTEMPTS_EXHAUSTED;
    }
    if (isExpired(record, nowNanos)) {
      return DropReason.EXPIRED;
    }
    return null;
  }

  /** Whether the record outlived its time-to-live. */
  boolean isExpired(OutRecord record, long nowNanos) {
    return nowNanos - record.firstAcceptedNanos >= ttlNanos;
  }

  /** When the record's time-to-live ends (clock nanos). */
  long expiresAtNanos(OutRecord record) {
    return record.firstAcceptedNanos + ttlNanos;
  }

  /** The bound of the n-th backoff (n from 1): base × 2^(n−1), at most the maximum. */
  long backoffBound(int n) {
    long bound = baseNanos;
    for (int i = 1; i < n && bound < maxNanos; i++) {
      bound *= 2;
    }
    return Math.min(bound, maxNanos);
  }

  /** The rest after the n-th throttle in a row: equal jitter, from half the bound to the bound. */
  long throttleDelay(int consecutiveThrottles) {
    long bound = backoffBound(consecutiveThrottles);
    return bound / 2 + jitter.below(bound / 2 + 1);
  }

  /** The retries of one PutRecords call: starts a round at the time its result came back. */
  Round round(long nowNanos) {
    return new Round(nowNanos);
  }

  /**
   * The failed records of one call that will be tried again, by lane. One full-jitter draw serves
   * the whole call, and a throttled lane backs off once per call however many of its entries were
   * throttled.
   */
  final class Round {
    private final long nowNanos;
    private final Map<Lane, List<OutRecord>> retries = new LinkedHashMap<>();
    private long draw = -1;

    private Round(long nowNanos) {
      this.nowNanos = nowNanos;
    }

    /** Schedules the record's next attempt; its lastErrorCode says why it failed. */
    void retry(OutRecord record, Lane lane) {
      if (isThrottled(record)) {
        if (!throttledThisRound(lane)) {
          lane.consecutiveThrottles++;
          if (lane.bucket != null) {
            lane.bucket.slowDown();
          }
          long rest = throttleDelay(lane.consecutiveThrottles);
          lane.throttledUntilNanos = Math.max(lane.throttledUntilNanos, nowNanos + rest);
        }
        record.notBeforeNanos = lane.throttledUntilNanos;
      } else {
        long bound = backoffBound(record.attempts);
        if (draw < 0) {
          draw = jitter.below(bound + 1);
        }
        record.notBeforeNanos = nowNanos + Math.min(draw, bound);
      }
      List<OutRecord> laneRetries = retries.get(lane);
      if (laneRetries == null) {
        laneRetries = new ArrayList<>();
        retries.put(lane, laneRetries);
      }
      laneRetries.add(record);
    }

    private boolean isThrottled(OutRecord record) {
      String code = record.lastErrorCode;
      return code != null && ErrorCodes.isThrottle(code);
    }

    private boolean throttledThisRound(Lane lane) {
      List<OutRecord> already = retries.get(lane);
      if (already != null) {
        for (OutRecord record : already) {
          if (isThrottled(record)) {
            return true;
          }
        }
      }
      return false;
    }

    /** Puts the records back at the front of their lanes, in their original order. */
    void requeue() {
      for (Map.Entry<Lane, List<OutRecord>> entry : retries.entrySet()) {
        entry.getKey().requeue(entry.getValue());
      }
    }
  }
}
