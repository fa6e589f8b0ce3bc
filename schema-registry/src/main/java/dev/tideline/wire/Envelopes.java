package dev.tideline.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.proto.v1.Envelope;

/**
 * Reads and writes {@link Envelope}s, the unit every event travels in.
 *
 * <p>Stateless and thread-safe.
 */
public final class Envelopes {
  /** Length of event ids (UUIDv7) and producer ids. */
  public static final int ID_LENGTH = 16;

  private Envelopes() {}

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
