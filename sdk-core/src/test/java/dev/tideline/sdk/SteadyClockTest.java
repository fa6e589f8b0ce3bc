package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.sdk.testkit.ManualClock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SteadyClockTest {
  @Test
  void aStepBackOfTheWrappedClockCountsAsNoTimePassing() {
    ManualClock manual = new ManualClock();
    manual.setNanoTime(TimeUnit.HOURS.toNanos(2));
    Clock steady = SteadyClock.of(manual);
    long before = steady.nanoTime();

    manual.advance(-1, TimeUnit.HOURS);

    assertThat(steady.nanoTime()).isEqualTo(before);
    manual.advance(3, TimeUnit.SECONDS);
    assertThat(steady.nanoTime()).isEqualTo(before + TimeUnit.SECONDS.toNanos(3));
  }

  @Test
  void forwardTimePassesUnchanged() {
    ManualClock manual = new ManualClock();
    Clock steady = SteadyClock.of(manual);
    long before = steady.nanoTime();

    manual.advance(50, TimeUnit.SECONDS);

    assertThat(steady.nanoTime() - before).isEqualTo(TimeUnit.SECONDS.toNanos(50));
  }

  @Test
  void wallClockTimePassesThroughEvenWhenItGoesBack() {
    ManualClock manual = new ManualClock();
    Clock steady = SteadyClock.of(manual);
    long before = steady.currentTimeMicros();

    manual.advance(-1, TimeUnit.DAYS);

    assertThat(steady.currentTimeMicros()).isEqualTo(before - TimeUnit.DAYS.toMicros(1));
  }

  @Test
  void theSystemClockIsUsedAsItIs() {
    assertThat(SteadyClock.of(Clock.system())).isSameAs(Clock.system());
  }
}
