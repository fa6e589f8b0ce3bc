package dev.tideline.testing;

import static dev.tideline.testing.TidelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.events.v1.Payment;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.kinesis.KinesisSink;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

@ExtendWith({LocalKinesisExtension.class, TidelineQaExtension.class})
class StreamCaptureTest {

  @Test
  void testsSharingAStreamSeeOnlyTheirOwnEventsThroughTheirCorrelation(
      @TestStream(shards = 2) LocalKinesisStream stream,
      KinesisAsyncClient async,
      KinesisClient kinesis,
      TestCorrelation mine,
      TestCorrelation theirs) {
    Tracker myTracker = tracker(stream, async, mine);
    Tracker theirTracker = tracker(stream, async, theirs);
    for (int i = 0; i < 3; i++) {
      myTracker.log(TrackerCaptureTest.payment("order-mine-" + i, "EUR"));
    }
    theirTracker.log(TrackerCaptureTest.payment("order-theirs", "EUR"));
    assertThat(myTracker.flush().await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(theirTracker.flush().await(30, TimeUnit.SECONDS)).isTrue();

    assertThat(StreamCapture.builder(kinesis, stream.name()).correlation(mine).build())
        .hasNoViolations()
        .hasSentExactly(3, Payment.class)
        .hasSent(Payment.class, p -> p.getOrderId().equals("order-mine-2"));
    assertThat(StreamCapture.builder(kinesis, stream.name()).correlation(theirs).build())
        .hasSentExactly(1, Payment.class);
    assertThat(StreamCapture.builder(kinesis, stream.name()).build())
        .as("without a correlation: everything on the stream")
        .hasSentExactly(4, Payment.class);

    myTracker.close(10, TimeUnit.SECONDS);
    theirTracker.close(10, TimeUnit.SECONDS);
  }

  private static Tracker tracker(
      LocalKinesisStream stream, KinesisAsyncClient client, TestCorrelation correlation) {
    return correlation
        .applyTo(
            Tracker.builder()
                .streamName(stream.name())
                .sink(KinesisSink.create(client))
                .closeSinkOnClose(false))
        .build();
  }
}
