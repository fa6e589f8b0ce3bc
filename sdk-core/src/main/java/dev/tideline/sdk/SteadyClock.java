package dev.tideline.sdk;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} whose monotonic time never goes back, whatever the clock it wraps does: a step
 * back becomes a step of zero, and time goes on from there at the wrapped clock's pace. Lingers,
 * backoffs, throttle rests and time-to-live are deadlines on this time, so a clock that stepped
 * back by an hour would otherwise hold every retry for an hour. Wall-clock time (event times)
 * passes through unchanged: it may jump either way, as device clocks do.
 *
 * <p>Thread-safe. The fast path reads two volatiles; the last time seen is written at most once a
 * millisecond, so logging threads do not contend on it. Steps back shorter than that go unnoticed,
 * and are harmless.
 */
final class SteadyClock implements Clock {
  private static final long WRITE_EVERY_NANOS = 1_000_000;

  private final Clock clock;
  private final AtomicLong lastSeen = new AtomicLong(Long.MIN_VALUE);
  private volatile long offset;

  private SteadyClock(Clock clock) {
    this.clock = clock;
  }

  /** The clock, made steady; the system clock already is. */
  static Clock of(Clock clock) {
    return clock == Clock.system() || clock instanceof SteadyClock ? clock : new SteadyClock(clock);
  }

  @Override
  public long currentTimeMicros() {
    return clock.currentTimeMicros();
  }

  @Override
  public long nanoTime() {
    long now = clock.nanoTime() + offset;
    long seen = lastSeen.get();
    if (now >= seen) {
      if (now - seen >= WRITE_EVERY_NANOS || seen == Long.MIN_VALUE) {
        lastSeen.compareAndSet(seen, now);
      }
      return now;
    }
    return steppedBack();
  }

  private synchronized long steppedBack() {
    long now = clock.nanoTime() + offset;
    long seen = lastSeen.get();
    if (now < seen) {
      offset += seen - now;
      now = seen;
    }
    return now;
  }
}
