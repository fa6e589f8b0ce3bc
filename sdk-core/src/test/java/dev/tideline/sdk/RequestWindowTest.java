package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestWindowTest {
  private static final int MIB = 1024 * 1024;

  @Test
  void startsAtTheConfiguredLimits() {
    RequestWindow window = new RequestWindow(5 * MIB, 500, 4);

    assertThat(window.bytes()).isEqualTo(5 * MIB);
    assertThat(window.entries()).isEqualTo(500);
    assertThat(window.inFlight()).isEqualTo(4);
    assertThat(window.shrunk()).isFalse();
  }

  @Test
  void aCallThatDidNotCompleteHalvesSizeAndConcurrency() {
    RequestWindow window = new RequestWindow(5 * MIB, 500, 4);

    assertThat(window.lost(window.epoch())).isTrue();

    assertThat(window.bytes()).isEqualTo(5 * MIB / 2);
    assertThat(window.entries()).isEqualTo(250);
    assertThat(window.inFlight()).isEqualTo(2);
    assertThat(window.shrunk()).isTrue();
  }

  @Test
  void callsSentBeforeTheLastDecreaseDoNotDecreaseItAgain() {
    RequestWindow window = new RequestWindow(5 * MIB, 500, 4);
    long sent = window.epoch(); // four calls in flight, all sent in this round trip

    assertThat(window.lost(sent)).isTrue();
    assertThat(window.lost(sent)).isFalse();
    assertThat(window.lost(sent)).isFalse();

    assertThat(window.inFlight()).isEqualTo(2);
    assertThat(window.bytes()).isEqualTo(5 * MIB / 2);
  }

  @Test
  void neverFallsBelowOneCallOfOneRecord() {
    RequestWindow window = new RequestWindow(5 * MIB, 500, 4);

    for (int i = 0; i < 40; i++) {
      window.lost(window.epoch());
    }

    assertThat(window.bytes()).isEqualTo(1);
    assertThat(window.entries()).isEqualTo(1);
    assertThat(window.inFlight()).isEqualTo(1);
  }

  @Test
  void completedCallsGrowItBackAdditivelyToTheLimits() {
    RequestWindow window = new RequestWindow(16 * MIB, 480, 4);
    window.lost(window.epoch());
    window.lost(window.epoch()); // 4 MiB, 120 entries, 1 in flight

    window.completed();

    assertThat(window.bytes()).isEqualTo(5 * MIB);
    assertThat(window.entries()).isEqualTo(150);
    assertThat(window.inFlight()).isEqualTo(2); // one call in a row completed, with one in flight

    window.completed();
    assertThat(window.inFlight()).isEqualTo(2); // two in a row are needed for the third
    window.completed();
    assertThat(window.inFlight()).isEqualTo(3);

    for (int i = 0; i < 40; i++) {
      window.completed();
    }
    assertThat(window.bytes()).isEqualTo(16 * MIB);
    assertThat(window.entries()).isEqualTo(480);
    assertThat(window.inFlight()).isEqualTo(4);
    assertThat(window.shrunk()).isFalse();
  }

  @Test
  void aLossAfterGrowthStartsANewRoundTrip() {
    RequestWindow window = new RequestWindow(8 * MIB, 500, 4);
    long first = window.epoch();
    window.lost(first);
    window.completed();

    assertThat(window.lost(first)).isFalse();
    assertThat(window.lost(window.epoch())).isTrue();
  }
}
