package dev.tideline.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.proto.v1.Envelope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes {@link Envelope}s, the unit every event travels in.
 *
 * <p>A producer may write an envelope in two parts: the fields it knows when an event is logged,
 * then, when the event is sent, the send delay and the sequence, appended with {@link
 * #writeAppended} (protobuf parsers accept fields in any order). {@link #appendedSize} and {@link
 * #sendDelaySize} give their exact sizes, so that records can be filled to a limit before the send
 * time is known.
 *
 * <p>An envelope's identity is its producer and sequence. {@link #eventId} turns them into the
 * 16-byte event id that readers deduplicate by when the envelope carries no {@code event_id} of its
 * own, as compact envelopes do (docs/formats/envelope.md).
 *
 * <p>Stateless and thread-safe.
 */
public final class Envelopes {
  /** Length of event ids (UUIDv7) and producer ids. */
  public static final int ID_LENGTH = 16;

  /** The send delay of an event not sent, or whose clock stepped back: the field is left out. */
  public static final long NO_SEND_DELAY = -1L;

  /**
   * An odd 64-bit constant (the golden ratio's fraction); multiplying by it is a bijection on
   * longs, so distinct sequences of one producer never share an id.
   */
  private static final long SEQUENCE_MIX = 0x9E3779B97F4A7C15L;

  private Envelopes() {}

  /**
   * The event id of an envelope without an {@code event_id} field, from its producer id (as two
   * big-endian halves) and sequence: the producer id with the mixed sequence in its low half. Two
   * events of one producer get the same id exactly when their sequences are equal; events of
   * different producers share one only if the producers' ids share their first 8 bytes.
   */
  public static UUID eventId(long producerHigh, long producerLow, long sequence) {
    return new UUID(producerHigh, producerLow ^ (sequence * SEQUENCE_MIX));
  }

  /**
   * An envelope's event id, the deduplication key: its own {@code event_id} when it carries one (16
   * bytes), else the id derived from its producer id and sequence ({@link #eventId(long, long,
   * long)}); null when it has neither.
   */
  public static @Nullable UUID eventId(Envelope envelope) {
    ByteString own = envelope.getEventId();
    if (own.size() == ID_LENGTH) {
      ByteBuffer id = own.asReadOnlyByteBuffer();
      return new UUID(id.getLong(), id.getLong());
    }
    ByteString producer = envelope.getProducerId();
    if (own.isEmpty() && producer.size() == ID_LENGTH && envelope.getSequence() != 0) {
      ByteBuffer id = producer.asReadOnlyByteBuffer();
      return eventId(id.getLong(), id.getLong(), envelope.getSequence());
    }
    return null;
  }

  /**
   * The bytes {@code send_delay_us} adds to an envelope: none for a negative delay ({@link
   * #NO_SEND_DELAY}: not sent, or the clock stepped back, which says nothing), else its tag and
   * varint, 0 included (sent within the clock's resolution; the field has presence).
   */
  public static int sendDelaySize(long delayMicros) {
    return delayMicros < 0L
        ? 0
        : WireTags.TAG_SIZE + CodedOutputStream.computeInt64SizeNoTag(delayMicros);
  }

  /**
   * The bytes {@link #writeAppended} adds: the send delay ({@link #sendDelaySize}) and the
   * sequence, which is always written.
   */
  public static int appendedSize(long delayMicros, long sequence) {
    return sendDelaySize(delayMicros)
        + WireTags.TAG_SIZE
        + CodedOutputStream.computeUInt64SizeNoTag(sequence);
  }

  /**
   * Appends {@code send_delay_us} (unless negative) and {@code sequence} to an envelope being
   * written, exactly {@link #appendedSize} bytes.
   */
  public static void writeAppended(CodedOutputStream out, long delayMicros, long sequence)
      throws IOException {
    if (delayMicros >= 0L) {
      out.writeUInt32NoTag(WireTags.ENVELOPE_SEND_DELAY_US);
      out.writeInt64NoTag(delayMicros);
    }
    out.writeUInt32NoTag(WireTags.ENVELOPE_SEQUENCE);
    out.writeUInt64NoTag(sequence);
  }

  /** Serializes an envelope. */
  public static byte[] encode(Envelope envelope) {
    return envelope.toByteArray();
  }

  /**
   * Parses an envelope and checks the fields every envelope has: a schema id, and an event id that
   * is absent or 16 bytes long.
   *
   * @throws MalformedRecordException ({@link MalformedRecordException.Reason#BAD_ENVELOPE}) saying
   *     which field is wrong
   */
  public static Envelope decode(ByteString data) throws MalformedRecordException {
    return check(data.size(), () -> Envelope.parseFrom(data));
  }

  /**
   * Parses an envelope from an array without copying it; see {@link #decode(ByteString)}. Bytes
   * decode here exactly as they do from a {@link ByteString}: protobuf's array fast path accepts a
   * varint longer than the 10 bytes the encoding allows, which a {@link CodedInputStream} refuses,
   * so the array is read through one.
   */
  public static Envelope decode(byte[] data) throws MalformedRecordException {
    return check(
        data.length, () -> Envelope.parser().parseFrom(CodedInputStream.newInstance(data)));
  }

  private interface Parse {
    Envelope parse() throws InvalidProtocolBufferException;
  }

  private static Envelope check(int size, Parse parse) throws MalformedRecordException {
    if (size == 0) {
      throw new MalformedRecordException(
          MalformedRecordException.Reason.EMPTY, "envelope is empty");
    }
    Envelope envelope;
    try {
      envelope = parse.parse();
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedRecordException(
          MalformedRecordException.Reason.BAD_ENVELOPE,
          "envelope (" + size + " bytes) does not parse: " + e.getMessage(),
          e);
    }
    int idLength = envelope.getEventId().size();
    if (idLength != 0 && idLength != ID_LENGTH) {
      throw new MalformedRecordException(
          MalformedRecordException.Reason.BAD_ENVELOPE,
          "envelope event_id must be absent or " + ID_LENGTH + " bytes, was " + idLength);
    }
    if (envelope.getSchemaId() == 0L) {
      throw new MalformedRecordException(
          MalformedRecordException.Reason.BAD_ENVELOPE,
          "envelope schema_id is missing"
              + (envelope.getEventType().isEmpty()
                  ? ""
                  : " (event_type " + envelope.getEventType() + ")"));
    }
    return envelope;
  }
}
