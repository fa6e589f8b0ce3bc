package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.sink.SinkRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long NOW = TimeUnit.SECONDS.toNanos(100);

  /** Draws the largest value allowed, and records each bound asked for. */
  private final List<Long> bounds = new ArrayList<>();

  private final RetryPolicy.Jitter highest =
      bound -> {
        bounds.add(bound);
        return bound - 1;
      };

  private RetryPolicy policy(RetryPolicy.Jitter jitter) {
    return new RetryPolicy(5, TimeUnit.SECONDS.toNanos(60), 100 * MS, 1000 * MS, jitter);
  }

  private static OutRecord record(long acceptedNanos, int attempts, String lastErrorCode) {
    TrackedEvent event = new TrackedEvent(new byte[] {1}, "t", "key", 3, 0, 0, 0);
    event.accept(1, acceptedNanos);
    List<TrackedEvent> events = new ArrayList<>(Collections.singletonList(event));
    OutRecord record = new OutRecord(events, SinkRecord.of("key", new byte[] {1}), "lane", false);
    record.attempts = attempts;
    record.lastErrorCode = lastErrorCode;
    return record;
  }

  @Test
  void theBackoffBoundDoublesFromTheBaseUpToTheMaximum() {
    RetryPolicy policy = policy(highest);
    assertThat(List.of(1, 2, 3, 4, 5, 30))
        .extracting(n -> policy.backoffBound(n) / MS)
        .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
  }

  @Test
  void givesUpAtOnceOnPermanentCodesThenWhenAttemptsOrTimeToLiveRunOut() {
    RetryPolicy policy = policy(highest);
    assertThat(policy.giveUp(record(NOW, 1, null), ErrorCodes.ACCESS_DENIED, NOW))
        .isEqualTo(DropReason.REFUSED);
    assertThat(policy.giveUp(record(NOW, 1, null), ErrorCodes.INTERNAL_FAILURE, NOW)).isNull();
    assertThat(policy.giveUp(record(NOW, 5, null), ErrorCodes.INTERNAL_FAILURE, NOW))
        .isEqualTo(DropReason.ATTEMPTS_EXHAUSTED);
    long sixtySecondsLater = NOW + TimeUnit.SECONDS.toNanos(60);
    assertThat(policy.giveUp(record(NOW, 1, null), ErrorCodes.THROTTLED, sixtySecondsLater - 1))
        .isNull();
    assertThat(policy.giveUp(record(NOW, 1, null), ErrorCodes.THROTTLED, sixtySecondsLater))
        .isEqualTo(DropReason.EXPIRED);
  }

  @Test
  void aThrottledShardRestsBetweenHalfTheBoundAndTheBound() {
    assertThat(policy(bound -> 0).throttleDelay(2)).isEqualTo(100 * MS);
    assertThat(policy(highest).throttleDelay(2)).isEqualTo(200 * MS);
  }

  @Test
  void theFailedEntriesOfOneCallShareOneJitterDrawEachCappedByItsOwnBound() {
    RetryPolicy policy = policy(highest);
    Lane lane = new Lane("shardId-000000000000", new TokenBucket(1.0, NOW));
    OutRecord third = record(NOW, 3, ErrorCodes.INTERNAL_FAILURE);
    OutRecord first = record(NOW, 1, ErrorCodes.INTERNAL_FAILURE);
    RetryPolicy.Round round = policy.round(NOW);
    round.retry(third, lane);
    round.retry(first, lane);

    assertThat(bounds).containsExactly(400 * MS + 1); // one draw, from the first entry's bound
    assertThat(third.notBeforeNanos).isEqualTo(NOW + 400 * MS);
    assertThat(first.notBeforeNanos).isEqualTo(NOW + 100 * MS);
    assertThat(lane.throttledUntilNanos).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void aThrottledShardBacksOffOncePerCallAndHalvesItsRate() {
    RetryPolicy policy = policy(highest);
    Lane lane = new Lane("shardId-000000000000", new TokenBucket(1.0, NOW));
    OutRecord a = record(NOW, 1, ErrorCodes.THROTTLED);
    OutRecord b = record(NOW, 1, ErrorCodes.THROTTLED);
    RetryPolicy.Round round = policy.round(NOW);
    round.retry(a, lane);
    round.retry(b, lane);

    assertThat(lane.consecutiveThrottles).isEqualTo(1);
    assertThat(lane.bucket.scale()).isEqualTo(0.5);
    assertThat(lane.throttledUntilNanos).isEqualTo(NOW + 100 * MS);
    assertThat(a.notBeforeNanos).isEqualTo(lane.throttledUntilNanos);
    assertThat(b.notBeforeNanos).isEqualTo(lane.throttledUntilNanos);

    policy.round(NOW).retry(record(NOW, 1, ErrorCodes.THROTTLED), lane);
    assertThat(lane.consecutiveThrottles).isEqualTo(2);
    assertThat(lane.throttledUntilNanos).isEqualTo(NOW + 200 * MS);
  }

  @Test
  void retriedRecordsGoBackToTheFrontOfTheirLaneInTheirOriginalOrder() {
    RetryPolicy policy = policy(highest);
    Lane lane = new Lane("shardId-000000000000", new TokenBucket(1.0, NOW));
    OutRecord waiting = record(NOW, 0, null);
    lane.add(waiting);
    OutRecord a = record(NOW, 1, ErrorCodes.INTERNAL_FAILURE);
    OutRecord b = record(NOW, 1, ErrorCodes.INTERNAL_FAILURE);
    RetryPolicy.Round round = policy.round(NOW);
    round.retry(a, lane);
    round.retry(b, lane);
    round.requeue();

    assertThat(lane.ready).containsExactly(a, b, waiting);
    assertThat(lane.readyBytes).isEqualTo((long) a.billedSize + b.billedSize + waiting.billedSize);
  }
}
