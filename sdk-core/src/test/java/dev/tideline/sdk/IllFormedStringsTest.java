package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.events.v1.Payment;
import dev.tideline.proto.v1.Envelope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Strings with a lone UTF-16 surrogate: sent with '?', counted, and protobuf's warning kept quiet.
 */
class IllFormedStringsTest {
  /** A high surrogate without its low half: an emoji cut in two. */
  private static final String LONE_SURROGATE = "caf\uD83D";

  private final Harness harness = new Harness();
  private final Logger protobufLogger = Logger.getLogger(IllFormedStrings.PROTOBUF_LOGGER);
  private final List<LogRecord> printed = Collections.synchronizedList(new ArrayList<LogRecord>());
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          printed.add(record); // only what passed the logger's filter reaches its handlers
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private Filter filterBefore;

  @BeforeEach
  void captureProtobufLogging() {
    filterBefore = protobufLogger.getFilter();
    protobufLogger.addHandler(capture);
  }

  @AfterEach
  void restoreProtobufLogging() {
    protobufLogger.removeHandler(capture);
    protobufLogger.setFilter(filterBefore);
  }

  private static Payment paymentWith(String reference) {
    return Harness.payment(1).toBuilder().setProviderReference(reference).build();
  }

  private List<Envelope> send(Tracker tracker, Object... events) {
    for (Object event : events) {
      assertThat(tracker.log(event)).isEqualTo(LogOutcome.ACCEPTED);
    }
    tracker.flush();
    harness.scheduler.runDue();
    return harness.sink.storedEnvelopes();
  }

  @Test
  void anEventWithALoneSurrogateIsSentWithAQuestionMarkAndCountedWithoutProtobufsWarning()
      throws Exception {
    List<String> told = new ArrayList<>();
    Tracker tracker =
        harness.start(
            harness
                .builder()
                .listener(
                    new TrackerListener() {
                      @Override
                      public void onIllFormedStrings(String eventType, String detail) {
                        told.add(eventType + ": " + detail);
                      }
                    }));

    List<Envelope> sent =
        send(tracker, paymentWith(LONE_SURROGATE), paymentWith(LONE_SURROGATE), Harness.payment(2));

    assertThat(sent).hasSize(3);
    assertThat(Payment.parseFrom(sent.get(0).getPayload()).getProviderReference())
        .isEqualTo("caf?");
    assertThat(tracker.metrics().eventsAccepted()).isEqualTo(3);
    assertThat(tracker.metrics().eventsWithIllFormedStrings()).isEqualTo(2);
    assertThat(told)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("tideline.events.v1.Payment: ")
        .contains("lone UTF-16 surrogate", "'?'");
    assertThat(printed).isEmpty();
  }

  @Test
  void protobufStillWarnsOutsideTheTrackersSerializationOnThisAndOtherThreads() throws Exception {
    Tracker tracker = harness.start(harness.builder());
    send(tracker, paymentWith(LONE_SURROGATE));
    assertThat(printed).isEmpty();

    paymentWith(LONE_SURROGATE).toByteArray();
    assertThat(printed).hasSize(1);
    Thread other = new Thread(() -> paymentWith(LONE_SURROGATE).toByteArray());
    other.start();
    other.join(10_000);

    assertThat(printed).hasSize(2);
    assertThat(printed)
        .allSatisfy(
            record ->
                assertThat(record.getMessage()).startsWith(IllFormedStrings.PROTOBUF_WARNING));
    assertThat(tracker.metrics().eventsWithIllFormedStrings()).isEqualTo(1);
  }

  @Test
  void aFilterTheAppHadInstalledStillJudgesProtobufsOtherRecords() throws Exception {
    AtomicReference<LogRecord> seenByAppFilter = new AtomicReference<>();
    protobufLogger.setFilter(
        record -> {
          seenByAppFilter.set(record);
          return false; // the app silences protobuf
        });
    Tracker tracker = harness.start(harness.builder());

    send(tracker, paymentWith(LONE_SURROGATE));
    assertThat(seenByAppFilter.get()).isNull();
    assertThat(tracker.metrics().eventsWithIllFormedStrings()).isEqualTo(1);

    paymentWith(LONE_SURROGATE).toByteArray();
    assertThat(seenByAppFilter.get()).isNotNull();
    assertThat(printed).isEmpty();
  }

  @Test
  void aWellFormedSurrogatePairIsNeitherRewrittenNorCounted() throws Exception {
    Tracker tracker = harness.start(harness.builder());

    List<Envelope> sent = send(tracker, paymentWith("caf\uD83D\uDE00"));

    assertThat(Payment.parseFrom(sent.get(0).getPayload()).getProviderReference())
        .isEqualTo("caf\uD83D\uDE00");
    assertThat(tracker.metrics().eventsWithIllFormedStrings()).isZero();
  }
}
