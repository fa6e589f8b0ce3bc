package dev.tideline.android.aws;

import dev.tideline.sdk.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when the test says so. */
final class ManualClock implements Clock {
  private final AtomicLong micros;

  ManualClock(long epochMillis) {
    this.micros = new AtomicLong(TimeUnit.MILLISECONDS.toMicros(epochMillis));
  }

  long millis() {
    return TimeUnit.MICROSECONDS.toMillis(micros.get());
  }

  void advance(long amount, TimeUnit unit) {
    micros.addAndGet(unit.toMicros(amount));
  }

  @Override
  public long currentTimeMicros() {
    return micros.get();
  }

  @Override
  public long nanoTime() {
    return micros.get() * 1000;
  }
}
