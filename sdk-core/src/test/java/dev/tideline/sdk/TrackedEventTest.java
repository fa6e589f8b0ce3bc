package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.v1.Envelope;
import dev.tideline.wire.Envelopes;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a listener can do with a TrackedEvent: read it, never change what the worker uses. */
class TrackedEventTest {
  private static TrackedEvent accepted() {
    byte[] body =
        Envelope.newBuilder().setEventType("tideline.events.v1.Click").build().toByteArray();
    TrackedEvent event =
        new TrackedEvent(body, "tideline.events.v1.Click", "key", 3, 1_000L, 0x0102L, 0x0304L);
    event.accept(42, 0);
    return event;
  }

  @Test
  void exposesNoFieldsAndOnlyReadOnlyAccessors() {
    for (Field field : TrackedEvent.class.getDeclaredFields()) {
      assertThat(
              Modifier.isPublic(field.getModifiers()) || Modifier.isProtected(field.getModifiers()))
          .as(field.getName())
          .isFalse();
    }
    List<String> accessors = new ArrayList<>();
    for (Method method : TrackedEvent.class.getDeclaredMethods()) {
      if (Modifier.isPublic(method.getModifiers())) {
        assertThat(method.getParameterCount()).as(method.getName()).isZero();
        accessors.add(method.getName());
      }
    }
    assertThat(accessors)
        .containsExactlyInAnyOrder(
            "eventType",
            "sequence",
            "eventId",
            "eventTimeMicros",
            "partitionKey",
            "envelope",
            "toString");
  }

  @Test
  void readsWhatTheTrackerGaveTheEvent() throws Exception {
    TrackedEvent event = accepted();

    assertThat(event.eventType()).isEqualTo("tideline.events.v1.Click");
    assertThat(event.sequence()).isEqualTo(42);
    // Derived from the producer id's halves and the sequence, as the validator derives it.
    assertThat(event.eventId()).isEqualTo(Envelopes.eventId(0x0102L, 0x0304L, 42));
    assertThat(event.eventId()).isNotEqualTo(new UUID(0x0102L, 0x0304L));
    assertThat(event.eventTimeMicros()).isEqualTo(1_000L);
    assertThat(event.partitionKey()).isEqualTo("key");
    assertThat(Envelope.parseFrom(event.envelope()).getSequence()).isEqualTo(42);
  }

  @Test
  void changingTheEnvelopeItGaveChangesNothingItSends() {
    TrackedEvent event = accepted();
    byte[] envelope = event.envelope();
    byte[] sent = event.data(Envelopes.NO_SEND_DELAY);

    envelope[0] ^= 0x7F;

    assertThat(event.envelope()).isEqualTo(sent);
  }
}
