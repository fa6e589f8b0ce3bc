package dev.tideline.wire;

import static dev.tideline.wire.KplRecordsTest.assertMalformed;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.Platform;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.wire.MalformedRecordException.Reason;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EnvelopesTest {
  private static final Envelope ENVELOPE =
      Envelope.newBuilder()
          .setEventId(ByteString.copyFrom(new byte[16]))
          .setEventType("tideline.events.v1.Payment")
          .setFormat(SchemaFormat.PROTOBUF)
          .setSchemaId(0x8f5cffffa6154e46L)
          .setEventTimeUs(1_764_000_000_000_000L)
          .setProducerId(ByteString.copyFrom(new byte[16]))
          .setSequence(7)
          .setContext(Context.newBuilder().setPlatform(Platform.JVM).setAppVersion("1.2.3"))
          .setPayload(ByteString.copyFromUtf8("payload"))
          .putAttributes("test", "t-1")
          .build();

  @Test
  void anEnvelopeSurvivesARoundTrip() throws Exception {
    byte[] bytes = Envelopes.encode(ENVELOPE);
    assertThat(Envelopes.decode(bytes)).isEqualTo(ENVELOPE);
    assertThat(Envelopes.decode(ByteString.copyFrom(bytes))).isEqualTo(ENVELOPE);
  }

  /** The envelope without sequence, with the appended fields written after it. */
  private static byte[] appended(Envelope body, long delayMicros, long sequence) throws Exception {
    byte[] head = body.toByteArray();
    int size = Envelopes.appendedSize(delayMicros, sequence);
    byte[] out = Arrays.copyOf(head, head.length + size);
    CodedOutputStream coded = CodedOutputStream.newInstance(out, head.length, size);
    Envelopes.writeAppended(coded, delayMicros, sequence);
    coded.checkNoSpaceLeft();
    return out;
  }

  @Test
  void appendedSendDelayAndSequenceReadAsTheirFields() throws Exception {
    Envelope body = ENVELOPE.toBuilder().clearSequence().build();

    Envelope read = Envelopes.decode(appended(body, 500_000L, 7));

    assertThat(read).isEqualTo(ENVELOPE.toBuilder().setSendDelayUs(500_000L).build());
  }

  @Test
  void aNegativeSendDelayIsLeftOutAZeroOneWrittenAndTheSequenceIsAlwaysWritten() throws Exception {
    Envelope body = ENVELOPE.toBuilder().clearSequence().build();

    assertThat(Envelopes.sendDelaySize(Envelopes.NO_SEND_DELAY)).isZero();
    assertThat(Envelopes.sendDelaySize(-5)).isZero();
    assertThat(Envelopes.appendedSize(Envelopes.NO_SEND_DELAY, 0)).isEqualTo(2);
    byte[] bytes = appended(body, Envelopes.NO_SEND_DELAY, 7);
    assertThat(bytes).hasSize(body.getSerializedSize() + 2);
    assertThat(Envelopes.decode(bytes)).isEqualTo(ENVELOPE);
    assertThat(Envelopes.decode(bytes).hasSendDelayUs()).isFalse();
    assertThat(Envelopes.decode(appended(body, -5, 7))).isEqualTo(ENVELOPE);
    // Sent within the clock's resolution: a delay of 0, present.
    Envelope zero = Envelopes.decode(appended(body, 0, 7));
    assertThat(zero.hasSendDelayUs()).isTrue();
    assertThat(zero.getSendDelayUs()).isZero();
    assertThat(Envelopes.sendDelaySize(0)).isEqualTo(2);
  }

  @Test
  void appendedSizesAreTheSerializedSizes() throws Exception {
    long[] delays = {0, 1, 127, 128, 2_000_000L, 3_600_000_000L, Long.MAX_VALUE};
    for (long delay : delays) {
      assertThat(Envelopes.sendDelaySize(delay))
          .isEqualTo(Envelope.newBuilder().setSendDelayUs(delay).build().getSerializedSize());
      assertThat(Envelopes.appendedSize(delay, 300))
          .isEqualTo(
              Envelope.newBuilder()
                  .setSendDelayUs(delay)
                  .setSequence(300)
                  .build()
                  .getSerializedSize());
    }
  }

  @Test
  void theDerivedEventIdIsOnePerProducerAndSequence() {
    long high = 0x0123456789ABCDEFL;
    long low = 0x0FEDCBA987654321L;
    java.util.Set<java.util.UUID> ids = new java.util.HashSet<>();
    for (long sequence = 1; sequence <= 100_000; sequence++) {
      assertThat(ids.add(Envelopes.eventId(high, low, sequence))).isTrue();
    }
    assertThat(Envelopes.eventId(high, low, 42)).isEqualTo(Envelopes.eventId(high, low, 42));
    assertThat(Envelopes.eventId(high, low, 42)).isNotEqualTo(Envelopes.eventId(high, low + 1, 42));
    assertThat(Envelopes.eventId(high, low, 42).getMostSignificantBits()).isEqualTo(high);
  }

  @Test
  void aCompactEnvelopeWithoutEventIdTypeAndFormatIsRead() throws Exception {
    Envelope compact = ENVELOPE.toBuilder().clearEventId().clearEventType().clearFormat().build();
    assertThat(Envelopes.decode(compact.toByteArray())).isEqualTo(compact);
  }

  @Test
  void anEnvelopeThatDoesNotParseIsRefused() {
    byte[] garbage = {(byte) 0x0A, (byte) 0xFF};
    assertMalformed(
        () -> Envelopes.decode(garbage), Reason.BAD_ENVELOPE, "envelope (2 bytes) does not parse");
  }

  @Test
  void aVarintLongerThanTenBytesIsRefusedFromAnArrayAsFromAByteString() {
    // Found by EnvelopesFuzzTest: the array parser took an 11-byte varint that the ByteString
    // parser refused, so the same bytes were an envelope or malformed depending on the caller.
    byte[] valid = Envelopes.encode(ENVELOPE);
    byte[] overlong = new byte[valid.length + 12];
    System.arraycopy(valid, 0, overlong, 0, valid.length);
    overlong[valid.length] = 0x40; // field 8 (sequence), varint
    java.util.Arrays.fill(overlong, valid.length + 1, overlong.length - 1, (byte) 0xEA);
    overlong[overlong.length - 1] = 0x07;
    String reason = "envelope (" + overlong.length + " bytes) does not parse";
    assertMalformed(() -> Envelopes.decode(overlong), Reason.BAD_ENVELOPE, reason);
    assertMalformed(
        () -> Envelopes.decode(ByteString.copyFrom(overlong)), Reason.BAD_ENVELOPE, reason);
  }

  @Test
  void anEventIdThatIsNotSixteenBytesIsRefused() {
    byte[] bytes =
        ENVELOPE.toBuilder().setEventId(ByteString.copyFrom(new byte[8])).build().toByteArray();
    assertMalformed(
        () -> Envelopes.decode(bytes),
        Reason.BAD_ENVELOPE,
        "event_id must be absent or 16 bytes, was 8");
  }

  @Test
  void anEnvelopeWithoutSchemaIdIsRefusedNamingItsEventType() {
    byte[] bytes = ENVELOPE.toBuilder().clearSchemaId().build().toByteArray();
    assertMalformed(
        () -> Envelopes.decode(bytes),
        Reason.BAD_ENVELOPE,
        "envelope schema_id is missing (event_type tideline.events.v1.Payment)");
  }

  @Test
  void anEnvelopeWithoutSchemaIdOrEventTypeIsRefused() {
    byte[] bytes = ENVELOPE.toBuilder().clearSchemaId().clearEventType().build().toByteArray();
    assertMalformed(() -> Envelopes.decode(bytes), Reason.BAD_ENVELOPE, "schema_id is missing");
  }

  @Test
  void emptyBytesAreRefused() {
    assertMalformed(() -> Envelopes.decode(new byte[0]), Reason.EMPTY, "envelope is empty");
  }
}
