package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.tideline.events.v1.Payment;
import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.Platform;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.testkit.ManualClock;
import dev.tideline.wire.Envelopes;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TrackerTest {
  private final Harness harness = new Harness();

  @Test
  void deliversAnEventInAnEnvelopeWithEveryField() throws Exception {
    byte[] producer = new byte[16];
    producer[15] = 7;
    Context context =
        Context.newBuilder().setAppId("shop").setPlatform(Platform.JVM).setHost("web-1").build();
    Tracker tracker =
        harness.start(
            harness.builder().producerId(producer).context(context).attribute("run", "r-1"));

    assertThat(tracker.log(Harness.payment(1))).isEqualTo(LogOutcome.ACCEPTED);
    assertThat(tracker.log(Harness.payment(2))).isEqualTo(LogOutcome.ACCEPTED);
    tracker.flush();
    harness.scheduler.runDue();

    List<Envelope> envelopes = harness.sink.storedEnvelopes();
    assertThat(envelopes).hasSize(2);
    Envelope first = envelopes.get(0);
    assertThat(Payment.parseFrom(first.getPayload())).isEqualTo(Harness.payment(1));
    // Compact: the schema id names type and format, producer and sequence are the identity.
    assertThat(first.getSchemaId()).isEqualTo(Harness.PAYMENT_SCHEMA_ID);
    assertThat(Harness.REGISTRY.eventType(first)).isEqualTo("tideline.events.v1.Payment");
    assertThat(first.getEventType()).isEmpty();
    assertThat(first.getFormat()).isEqualTo(SchemaFormat.SCHEMA_FORMAT_UNSPECIFIED);
    assertThat(first.getEventId().isEmpty()).isTrue();
    assertThat(first.getProducerId()).isEqualTo(ByteString.copyFrom(producer));
    assertThat(first.getContext()).isEqualTo(context);
    assertThat(first.getAttributesMap()).containsEntry("run", "r-1");
    assertThat(first.getEventTimeUs()).isEqualTo(ManualClock.START_MICROS);
    assertThat(first.getSentTimeUs()).isZero();
    assertThat(first.getSendDelayUs()).isNotNegative();
    assertThat(envelopes).extracting(Envelope::getSequence).containsExactly(1L, 2L);
    assertThat(harness.listener.acknowledged)
        .extracting(TrackedEvent::sequence)
        .containsExactly(1L, 2L);
    // The event ids the tracker reports are those the validator derives from the wire.
    long producerHigh = uuid(first.getProducerId()).getMostSignificantBits();
    long producerLow = uuid(first.getProducerId()).getLeastSignificantBits();
    assertThat(harness.listener.acknowledged)
        .extracting(TrackedEvent::eventId)
        .containsExactly(
            Envelopes.eventId(producerHigh, producerLow, 1),
            Envelopes.eventId(producerHigh, producerLow, 2));
    assertThat(tracker.metrics().eventsSent()).isEqualTo(2);
  }

  private static UUID uuid(ByteString bytes) {
    ByteBuffer buffer = bytes.asReadOnlyByteBuffer();
    return new UUID(buffer.getLong(), buffer.getLong());
  }

  @Test
  void waitsForTheLingerTimeBeforeSending() {
    Tracker tracker = harness.start(harness.builder().lingerTime(500, TimeUnit.MILLISECONDS));
    tracker.log(Harness.payment(1));
    harness.scheduler.advance(499, TimeUnit.MILLISECONDS);
    assertThat(harness.faults.requests()).isEmpty();
    harness.scheduler.advance(1, TimeUnit.MILLISECONDS);
    assertThat(harness.faults.requests()).hasSize(1);
    assertThat(tracker.metrics().latency().maxMicros()).isEqualTo(500_000);
  }

  @Test
  void refusesAnEventWhoseSchemaIsUnknownAndSaysWhichClass() {
    Tracker tracker =
        harness.start(harness.builder().registry(SchemaRegistry.of(Catalog.getDefaultInstance())));
    assertThat(tracker.log(Harness.payment(1))).isEqualTo(LogOutcome.UNKNOWN_SCHEMA);
    assertThat(harness.listener.rejections)
        .singleElement()
        .asString()
        .contains("UNKNOWN_SCHEMA", "dev.tideline.events.v1.Payment");
    assertThat(tracker.metrics().rejected()).containsEntry(LogOutcome.UNKNOWN_SCHEMA, 1L);
    assertThat(tracker.metrics().eventsAccepted()).isZero();
  }

  @Test
  void refusesObjectsThatAreNeitherProtobufNorEncoded() {
    Tracker tracker = harness.start(harness.builder());
    assertThat(tracker.log("a string")).isEqualTo(LogOutcome.ENCODING_FAILED);
  }

  @Test
  void encodesOtherFormatsThroughAnEncoder() throws Exception {
    EventEncoder<StringBuilder> encoder =
        new EventEncoder<StringBuilder>() {
          @Override
          public Class<StringBuilder> eventClass() {
            return StringBuilder.class;
          }

          @Override
          public dev.tideline.proto.v1.CatalogEntry schema(
              StringBuilder event, SchemaRegistry registry) {
            return Harness.entry("test.Text", 99L, StringBuilder.class).toBuilder()
                .setFormat(SchemaFormat.AVRO)
                .build();
          }

          @Override
          public byte[] encode(StringBuilder event) {
            return event.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
          }
        };
    Tracker tracker = harness.start(harness.builder().encoder(encoder));
    assertThat(tracker.log(new StringBuilder("hello"))).isEqualTo(LogOutcome.ACCEPTED);
    tracker.flush();
    harness.scheduler.runDue();
    Envelope envelope = harness.sink.storedEnvelopes().get(0);
    // The encoder's catalog entry (test.Text, AVRO) is named by its schema id alone.
    assertThat(envelope.getSchemaId()).isEqualTo(99L);
    assertThat(envelope.getEventType()).isEmpty();
    assertThat(envelope.getFormat()).isEqualTo(SchemaFormat.SCHEMA_FORMAT_UNSPECIFIED);
    assertThat(envelope.getPayload().toStringUtf8()).isEqualTo("hello");
  }

  @Test
  void refusesEventsAfterCloseAndClosesTheSink() {
    Tracker tracker = harness.start(harness.builder());
    tracker.log(Harness.payment(1));
    Completion<Void> closed = tracker.close(1, TimeUnit.SECONDS);
    assertThat(tracker.log(Harness.payment(2))).isEqualTo(LogOutcome.CLOSED);
    harness.scheduler.runDue();
    assertThat(closed.isSuccess()).isTrue();
    assertThat(harness.sink.storedEnvelopes()).hasSize(1);
    assertThat(harness.sink.isClosed()).isTrue();
    assertThat(tracker.close(1, TimeUnit.SECONDS)).isSameAs(closed);
  }

  @Test
  void closeDropsWhatIsUndeliveredWhenTheTimeoutPasses() {
    harness.faults.holdCalls();
    Tracker tracker = harness.start(harness.builder());
    tracker.log(Harness.payment(1));
    Completion<Void> closed = tracker.close(2, TimeUnit.SECONDS);
    harness.scheduler.runDue();
    assertThat(closed.isDone()).isFalse();
    harness.scheduler.advance(2, TimeUnit.SECONDS);
    assertThat(closed.isSuccess()).isTrue();
    assertThat(tracker.metrics().dropped()).containsEntry(DropReason.CLOSED, 1L);
    assertThat(harness.listener.dropReasons).containsExactly(DropReason.CLOSED);
  }

  @Test
  void flushCompletesOnlyWhenEverythingBeforeItWasAcknowledged() {
    harness.faults.holdCalls();
    Tracker tracker = harness.start(harness.builder());
    tracker.log(Harness.payment(1));
    Completion<Void> flushed = tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.faults.heldCalls()).isEqualTo(1);
    assertThat(flushed.isDone()).isFalse();
    harness.faults.releaseCalls();
    harness.scheduler.runDue();
    assertThat(flushed.isSuccess()).isTrue();
  }

  @Test
  void aNullEventIsMisuseAndFailsFast() {
    Tracker tracker = harness.start(harness.builder());
    assertThatThrownBy(() -> tracker.log(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("event");
  }

  @Test
  void aThrowingListenerIsCountedAndNeverBreaksDelivery() {
    Tracker tracker =
        harness.start(
            harness
                .builder()
                .listener(
                    new TrackerListener() {
                      @Override
                      public void onAcknowledged(List<TrackedEvent> events) {
                        throw new IllegalStateException("listener bug");
                      }
                    }));
    tracker.log(Harness.payment(1));
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(tracker.metrics().eventsSent()).isEqualTo(1);
    assertThat(tracker.metrics().listenerErrors()).isEqualTo(1);
  }

  @Test
  void newContextAppliesToEventsLoggedAfterIt() {
    Tracker tracker = harness.start(harness.builder());
    tracker.log(Harness.payment(1));
    tracker.setContext(Context.newBuilder().setSessionId("s-2").build());
    tracker.log(Harness.payment(2));
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.sink.storedEnvelopes())
        .extracting(e -> e.getContext().getSessionId())
        .containsExactly("", "s-2");
  }
}
