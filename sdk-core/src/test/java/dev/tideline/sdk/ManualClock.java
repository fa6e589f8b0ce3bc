package dev.tideline.sdk;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand. Starts at 2026-11-25T00:00:00Z. */
final class ManualClock implements Clock {
  static final long START_MICROS = 1_795_046_400_000_000L;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Override
  public long currentTimeMicros() {
    return START_MICROS + (nanos.get() - 1_000_000_000L) / 1000;
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  void advance(long amount, TimeUnit unit) {
    nanos.addAndGet(unit.toNanos(amount));
  }

  void setNanos(long value) {
    nanos.set(value);
  }
}
