package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownHookTest {
  private final Harness harness = new Harness();

  @Test
  void noHookIsRegisteredUnlessAskedFor() {
    Tracker tracker = harness.start(harness.builder());
    assertThat(tracker.pipeline().shutdownHook()).isNull();
  }

  @Test
  void closingTheTrackerRemovesItsHook() {
    Tracker tracker = harness.start(harness.builder().shutdownHook(1, TimeUnit.SECONDS));
    Thread hook = tracker.pipeline().shutdownHook();
    assertThat(hook).isNotNull();
    tracker.close(1, TimeUnit.SECONDS);
    // Already removed by close(), so removing again reports it was not registered.
    assertThat(Runtime.getRuntime().removeShutdownHook(hook)).isFalse();
  }

  @Test
  void theHookClosesTheTrackerAndDeliversWhatWasBuffered() {
    Tracker tracker = harness.start(harness.builder().shutdownHook(0, TimeUnit.SECONDS));
    Thread hook = tracker.pipeline().shutdownHook();
    Runtime.getRuntime().removeShutdownHook(hook); // run it by hand instead of at JVM exit
    tracker.log(Harness.payment(1));
    hook.run(); // waits at most its bounded timeout, then returns
    harness.scheduler.runDue();
    assertThat(tracker.log(Harness.payment(2))).isEqualTo(LogOutcome.CLOSED);
    assertThat(harness.sink.isClosed()).isTrue();
    assertThat(harness.sink.storedEnvelopes()).hasSize(1);
  }
}
