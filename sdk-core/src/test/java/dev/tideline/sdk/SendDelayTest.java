package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.v1.Envelope;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SendDelayTest {
  @Test
  void theSendDelayLastsUntilTheRecordWasBuiltNotUntilItsAggregateOpened() {
    Harness harness = new Harness();
    Tracker tracker = harness.start(harness.builder());
    tracker.log(Harness.payment(1));
    harness.scheduler.advance(300, TimeUnit.MILLISECONDS);
    tracker.log(Harness.payment(2));
    harness.scheduler.advance(199, TimeUnit.MILLISECONDS);
    assertThat(harness.faults.requests()).isEmpty();
    harness.scheduler.advance(1, TimeUnit.MILLISECONDS); // the first event's linger time is up

    assertThat(harness.sink.storedRecords()).hasSize(1);
    // Logged 500 ms and 200 ms before the record was built: sent time − event time.
    assertThat(harness.sink.storedEnvelopes())
        .extracting(Envelope::getSendDelayUs)
        .containsExactly(500_000L, 200_000L);
    assertThat(harness.sink.storedEnvelopes())
        .extracting(e -> e.getEventTimeUs() + e.getSendDelayUs())
        .containsOnly(harness.clock.currentTimeMicros());
  }
}
