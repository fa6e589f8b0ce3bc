package dev.tideline.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.proto.v1.Envelope;
import java.io.IOException;

/**
 * Reads and writes {@link Envelope}s, the unit every event travels in.
 *
 * <p>A producer may write an envelope in two parts: the fields it knows when an event is logged,
 * then, when the event is sent, the sent time and the sequence, appended with {@link
 * #writeAppended} (protobuf parsers accept fields in any order). {@link #appendedSize} and {@link
 * #sentTimeSize} give their exact sizes, so that records can be filled to a limit before the sent
 * time is known.
 *
 * <p>Stateless and thread-safe.
 */
public final class Envelopes {
  /** Length of event ids (UUIDv7) and producer ids. */
  public static final int ID_LENGTH = 16;

  private Envelopes() {}

  /**
   * The bytes {@code sent_time_us} adds to an envelope: none for 0 (unset, as proto3 leaves a zero
   * value), else its tag and varint.
   */
  public static int sentTimeSize(long sentTimeMicros) {
    return sentTimeMicros == 0L
        ? 0
        : WireTags.TAG_SIZE + CodedOutputStream.computeInt64SizeNoTag(sentTimeMicros);
  }

  /**
   * The bytes {@link #writeAppended} adds: the sent time ({@link #sentTimeSize}) and the sequence,
   * which is always written.
   */
  public static int appendedSize(long sentTimeMicros, long sequence) {
    return sentTimeSize(sentTimeMicros)
        + WireTags.TAG_SIZE
        + CodedOutputStream.computeUInt64SizeNoTag(sequence);
  }

  /**
   * Appends {@code sent_time_us} (unless 0) and {@code sequence} to an envelope being written,
   * exactly {@link #appendedSize} bytes.
   */
  public static void writeAppended(CodedOutputStream out, long sentTimeMicros, long sequence)
      throws IOException {
    if (sentTimeMicros != 0L) {
      out.writeUInt32NoTag(WireTags.ENVELOPE_SENT_TIME_US);
      out.writeInt64NoTag(sentTimeMicros);
    }
    out.writeUInt32NoTag(WireTags.ENVELOPE_SEQUENCE);
    out.writeUInt64NoTag(sequence);
  }

  /** Serializes an envelope. */
  public static byte[] encode(Envelope envelope) {
    return envelope.toByteArray();
  }

  /**
   * Parses an envelope and checks the fields every envelope has: a 16-byte event id, an event type
   * and a schema id.
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
    if (envelope.getEventId().size() != ID_LENGTH) {
      throw new MalformedRecordException(
          MalformedRecordException.Reason.BAD_ENVELOPE,
          "envelope event_id must be " + ID_LENGTH + " bytes, was " + envelope.getEventId().size());
    }
    if (envelope.getEventType().isEmpty()) {
      throw new MalformedRecordException(
          MalformedRecordException.Reason.BAD_ENVELOPE, "envelope event_type is empty");
    }
    if (envelope.getSchemaId() == 0L) {
      throw new MalformedRecordException(
          MalformedRecordException.Reason.BAD_ENVELOPE,
          "envelope schema_id is missing (event_type " + envelope.getEventType() + ")");
    }
    return envelope;
  }
}
