package com.example.shop;

import static dev.tideline.testing.TidelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.shop.events.OrderPlaced;
import com.example.shop.events.OrderShipped;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.Tracker;
import dev.tideline.testing.TrackerCapture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OrderServiceTest {
  @Test
  void everyOrderLogsValidEventsThroughTheSdk() {
    TrackerCapture capture = TrackerCapture.create();
    Tracker tracker = capture.trackerBuilder().build();
    OrderService orders = new OrderService(tracker);

    assertThat(orders.place("o-000001", 1_999, "EUR", "ann@example.com"))
        .isEqualTo(LogOutcome.ACCEPTED);
    assertThat(orders.ship("o-000001", "parcel-co")).isEqualTo(LogOutcome.ACCEPTED);
    assertThat(tracker.flush().await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(capture)
        .hasNoViolations()
        .hasSentExactly(1, OrderPlaced.class)
        .hasSentExactly(1, OrderShipped.class);
    tracker.close(5, TimeUnit.SECONDS);
  }

  @Test
  void anOrderThatBreaksTheSchemasRulesIsCaughtInTheTest() {
    TrackerCapture capture = TrackerCapture.create();
    Tracker tracker = capture.trackerBuilder().auditPeriod(0, TimeUnit.SECONDS).build();

    new OrderService(tracker).place("not-an-order-id", 0, "euro", "ann@example.com");
    assertThat(tracker.flush().await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(capture.events())
        .singleElement()
        .satisfies(event -> assertThat(event.violations()).hasSize(3));
    tracker.close(5, TimeUnit.SECONDS);
  }
}
