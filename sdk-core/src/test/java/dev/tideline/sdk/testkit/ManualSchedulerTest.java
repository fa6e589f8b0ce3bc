package dev.tideline.sdk.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {
  @Test
  void advanceRunsEachTaskAtItsDueTimeInOrder() {
    ManualClock clock = new ManualClock();
    ManualScheduler scheduler = new ManualScheduler(clock);
    List<String> ran = new ArrayList<>();
    long start = clock.nanoTime();
    scheduler.schedule(() -> ran.add("b@" + (clock.nanoTime() - start)), 2, TimeUnit.SECONDS);
    scheduler.schedule(() -> ran.add("a@" + (clock.nanoTime() - start)), 1, TimeUnit.SECONDS);
    scheduler.schedule(() -> ran.add("late"), 10, TimeUnit.SECONDS);
    scheduler.advance(5, TimeUnit.SECONDS);
    assertThat(ran).containsExactly("a@1000000000", "b@2000000000");
    assertThat(clock.nanoTime() - start).isEqualTo(TimeUnit.SECONDS.toNanos(5));
    assertThat(scheduler.pending()).isEqualTo(1);
  }

  @Test
  void clockAdvanceMovesTimeAndRunsNothingUntilAsked() {
    ManualClock clock = new ManualClock();
    ManualScheduler scheduler = new ManualScheduler(clock);
    List<String> ran = new ArrayList<>();
    scheduler.schedule(() -> ran.add("task"), 1, TimeUnit.SECONDS);
    clock.advance(1, TimeUnit.SECONDS);
    assertThat(ran).isEmpty();
    assertThat(scheduler.runDue()).isEqualTo(1);
    assertThat(ran).containsExactly("task");
    assertThat(clock.currentTimeMicros()).isEqualTo(ManualClock.START_MICROS + 1_000_000);
  }
}
