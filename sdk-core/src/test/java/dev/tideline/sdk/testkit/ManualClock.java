package dev.tideline.sdk.testkit;

import dev.tideline.sdk.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that moves only when the test moves it, so tests never sleep. Wall-clock time
 * starts at {@link #START_MICROS} and moves with monotonic time.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * ManualScheduler scheduler = new ManualScheduler(clock);
 * Tracker tracker = Tracker.builder()...clock(clock).scheduler(scheduler).build();
 * scheduler.advance(5, TimeUnit.SECONDS); // runs each task due in those 5 s, at its time
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ManualClock implements Clock {
  /** Wall-clock time at creation: 2026-11-25T00:00:00Z, in microseconds since the epoch. */
  public static final long START_MICROS = 1_795_046_400_000_000L;

  /** Monotonic time at creation; not 0, so code that treats 0 as "never" is not fooled. */
  private static final long START_NANOS = 1_000_000_000L;

  private final AtomicLong nanos = new AtomicLong(START_NANOS);

  /** A clock at {@link #START_MICROS}. */
  public ManualClock() {}

  @Override
  public long currentTimeMicros() {
    return START_MICROS + (nanos.get() - START_NANOS) / 1000;
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  /**
   * Moves time by the amount; runs nothing (a {@link ManualScheduler} runs tasks). A negative
   * amount steps the clock back, as a wall clock may.
   */
  public void advance(long amount, TimeUnit unit) {
    nanos.addAndGet(unit.toNanos(amount));
  }

  /** Sets monotonic time, in nanoseconds (wall-clock time follows). */
  public void setNanoTime(long value) {
    nanos.set(value);
  }
}
