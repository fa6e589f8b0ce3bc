package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.NetworkType;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reading an envelope from the wire gives what the generated parser gives, or gives up. */
class EnvelopeViewTest {
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");
  private static final String[] STRINGS = {"", "1.2.0", "2.0", "é", "日本語", "x"};

  private static String describe(EnvelopeView view) {
    return view.eventIdLength
        + " "
        + view.eventIdHigh
        + " "
        + view.eventIdLow
        + " "
        + view.eventType
        + " "
        + view.format
        + " "
        + view.schemaId
        + " "
        + view.eventTimeUs
        + " "
        + view.sentTimeUs
        + " "
        + view.producerIdLength
        + " "
        + view.producerIdHigh
        + " "
        + view.producerIdLow
        + " "
        + view.sequence
        + " "
        + view.platform
        + " "
        + view.appVersion
        + " "
        + view.payload.toStringUtf8();
  }

  private static Envelope randomEnvelope(Random r, long sequence) {
    Envelope.Builder envelope =
        TestEvents.event(TestEvents.click("x" + r.nextInt(3)), r.nextInt(3), sequence, T);
    if (r.nextBoolean()) {
      envelope.setContext(
          Context.newBuilder()
              .setAppVersion(STRINGS[r.nextInt(STRINGS.length)])
              .setDeviceModel(STRINGS[r.nextInt(STRINGS.length)])
              .setNetwork(NetworkType.forNumber(r.nextInt(6)))
              .setPlatformValue(r.nextInt(7)));
    }
    if (r.nextInt(8) == 0) {
      envelope.setEventType(STRINGS[r.nextInt(STRINGS.length)]);
    }
    if (r.nextInt(8) == 0) {
      envelope.setEventId(ByteString.copyFromUtf8(STRINGS[r.nextInt(STRINGS.length)]));
    }
    if (r.nextInt(8) == 0) {
      envelope.setFormatValue(r.nextInt(4));
    }
    return envelope.build();
  }

  @Test
  void readsWhatTheGeneratedParserReadsOrGivesUp() {
    RandomPayloads random = new RandomPayloads(5);
    Random r = random.random();
    EnvelopeView previous = null;
    int read = 0;
    int damagedRead = 0;
    for (int i = 0; i < 20_000; i++) {
      Envelope envelope = randomEnvelope(r, i + 1);
      byte[] bytes = envelope.toByteArray();
      boolean damaged = r.nextInt(3) == 0;
      if (damaged) {
        bytes = random.damage(bytes, randomEnvelope(r, i + 2));
      }
      Envelope parsed;
      try {
        parsed = Envelope.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        parsed = null;
      }
      EnvelopeView view = EnvelopeView.scan(ByteString.copyFrom(bytes), previous);
      if (view != null) {
        assertThat(parsed).as("the generated parser refuses what the scan read").isNotNull();
        assertThat(describe(view)).isEqualTo(describe(EnvelopeView.of(parsed)));
        read++;
        if (damaged) {
          damagedRead++;
        }
      }
      if (!damaged && !envelope.getAttributesMap().isEmpty()) {
        assertThat(view).isNull();
      }
      // The next event reads after one read from the wire or, now and then, one parsed.
      if (view != null || parsed != null) {
        previous = view != null && r.nextInt(4) > 0 ? view : EnvelopeView.of(parsed);
      }
    }
    assertThat(read).isGreaterThan(12_000);
    assertThat(damagedRead).isGreaterThan(500);
  }

  @Test
  void readsAnExplicitEmptyFieldAsEmptyAfterAnEventThatWasParsed() {
    Envelope first =
        TestEvents.event(TestEvents.click("a"), 1, 1, T)
            .setContext(Context.newBuilder().setAppVersion("1.0").setPlatformValue(1))
            .build();
    // event_type (2) and context (9) present but empty, which canonical encoding leaves out.
    byte[] second =
        RandomPayloads.concat(
            TestEvents.event(TestEvents.click("a"), 1, 2, T)
                .clearEventType()
                .clearContext()
                .build()
                .toByteArray(),
            RandomPayloads.concat(new byte[] {2 << 3 | 2, 0}, new byte[] {9 << 3 | 2, 0}));

    EnvelopeView view = EnvelopeView.scan(ByteString.copyFrom(second), EnvelopeView.of(first));

    assertThat(view.eventType).isEmpty();
    assertThat(view.platform).isZero();
    assertThat(view.appVersion).isEmpty();
  }

  @Test
  void givesUpOnStringsThatAreNotUtf8InTheContext() {
    byte[] context = {6 << 3 | 2, 2, (byte) 0xC3, 0x28};
    byte[] bytes =
        RandomPayloads.concat(
            TestEvents.event(TestEvents.click("a"), 1, 1, T).clearContext().build().toByteArray(),
            RandomPayloads.concat(new byte[] {9 << 3 | 2, (byte) context.length}, context));

    assertThat(EnvelopeView.scan(ByteString.copyFrom(bytes), null)).isNull();
    assertThatThrownBy(() -> Envelope.parseFrom(bytes))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }
}
