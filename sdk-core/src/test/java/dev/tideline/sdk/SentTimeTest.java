package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.v1.Envelope;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SentTimeTest {
  @Test
  void theSentTimeIsWhenTheRecordWasBuiltNotWhenItsAggregateOpened() {
    Harness harness = new Harness();
    Tracker tracker = harness.start(harness.builder());
    long firstLogged = harness.clock.currentTimeMicros();
    tracker.log(Harness.payment(1));
    harness.scheduler.advance(300, TimeUnit.MILLISECONDS);
    tracker.log(Harness.payment(2));
    harness.scheduler.advance(199, TimeUnit.MILLISECONDS);
    assertThat(harness.faults.requests()).isEmpty();
    harness.scheduler.advance(1, TimeUnit.MILLISECONDS); // the first event's linger time is up

    assertThat(harness.sink.storedRecords()).hasSize(1);
    assertThat(harness.sink.storedEnvelopes())
        .extracting(Envelope::getSentTimeUs)
        .containsExactly(firstLogged + 500_000, firstLogged + 500_000);
  }
}
