package dev.tideline.validator;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.Platform;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.Hex;
import dev.tideline.wire.WireTags;
import java.io.IOException;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The envelope fields the validator judges and counts, read either straight from the wire by {@link
 * #scan} (no {@link Envelope} object, no strings but the two it needs) or copied from a parsed
 * {@link Envelope} by {@link #of}.
 *
 * <p>{@link #scan} reads only the ordinary case and gives up (returns null) on anything else: a
 * field twice, an unknown field, a field with another wire type than its declaration, the {@code
 * attributes} map, a string that is not UTF-8, a truncated or malformed input. The caller then
 * parses the {@link Envelope} the usual way, so every uncommon input gets the generated parser's
 * exact semantics and error messages. {@code EnvelopeViewTest} checks both ways agree. Compact
 * envelopes (no event id, type or format; a send delay for the sent time) and earlier ones read the
 * same way. Each give-up is counted in the report ({@code fast_path.envelope_fallbacks}), so that a
 * field added to the envelope, which this reader would not know, shows there rather than silently
 * slowing every event down. Tags come from {@link WireTags}.
 */
final class EnvelopeView {
  /**
   * The last envelope field read here; any later field (and {@code attributes}) takes the parser.
   */
  private static final int LAST_FIELD = Envelope.SEND_DELAY_US_FIELD_NUMBER;

  /** The last context field; a context with a later one takes the parser. */
  private static final int LAST_CONTEXT_FIELD = Context.HOST_FIELD_NUMBER;

  private static final int ID_LENGTH = Envelopes.ID_LENGTH;

  /** The event id's length in bytes; its value in the two longs when it is 16 bytes long. */
  int eventIdLength;

  long eventIdHigh;
  long eventIdLow;
  String eventType = "";
  int format;
  long schemaId;
  long eventTimeUs;

  /**
   * The sent time on the producer's clock: {@code sent_time_us}, or event time + {@code
   * send_delay_us} (see {@link #finish}); 0 when unknown.
   */
  long sentTimeUs;

  long sendDelayUs;
  boolean hasSendDelay;
  int producerIdLength;
  long producerIdHigh;
  long producerIdLow;
  long sequence;
  int platform;
  String appVersion = "";
  ByteString payload = ByteString.EMPTY;
  // The bytes the fields were read from, to reuse what was read for the next event; null when not
  // read from the wire.
  private @Nullable ByteString eventTypeBytes;
  private @Nullable ByteString appVersionBytes;
  private @Nullable ByteString contextBytes;

  private EnvelopeView() {}

  /** The fields of a parsed envelope. */
  static EnvelopeView of(Envelope envelope) {
    EnvelopeView view = new EnvelopeView();
    ByteString eventId = envelope.getEventId();
    view.eventIdLength = eventId.size();
    if (view.eventIdLength == ID_LENGTH) {
      view.eventIdHigh = high(eventId);
      view.eventIdLow = low(eventId);
    }
    view.eventType = envelope.getEventType();
    view.format = envelope.getFormatValue();
    view.schemaId = envelope.getSchemaId();
    view.eventTimeUs = envelope.getEventTimeUs();
    view.sentTimeUs = envelope.getSentTimeUs();
    view.sendDelayUs = envelope.getSendDelayUs();
    view.hasSendDelay = envelope.hasSendDelayUs();
    ByteString producerId = envelope.getProducerId();
    view.producerIdLength = producerId.size();
    if (view.producerIdLength == ID_LENGTH) {
      view.producerIdHigh = high(producerId);
      view.producerIdLow = low(producerId);
    }
    view.sequence = envelope.getSequence();
    Context context = envelope.getContext();
    view.platform = context.getPlatformValue();
    view.appVersion = context.getAppVersion();
    view.payload = envelope.getPayload();
    view.finish();
    return view;
  }

  /** Derives the sent time of a compact envelope from its event time and send delay. */
  private void finish() {
    if (sentTimeUs == 0 && hasSendDelay && sendDelayUs >= 0 && eventTimeUs > 0) {
      sentTimeUs = eventTimeUs + sendDelayUs;
    }
  }

  /**
   * Names the event type of a compact envelope, which carries none, after its schema: the catalog
   * entry's name, or {@code (unknown schema <id>)} when no catalog has the id.
   */
  void nameType(@Nullable String catalogName) {
    if (eventType.isEmpty()) {
      eventType =
          catalogName != null
              ? catalogName
              : schemaId == 0L ? "(no schema id)" : "(unknown schema " + Hex.of(schemaId) + ")";
    }
  }

  /**
   * The fields of an ordinary envelope read from the wire, sharing {@code data}'s bytes; null when
   * the envelope is not ordinary (see the class comment) and must be parsed instead.
   *
   * @param previous the view of the event before in the same record, or null: events of one
   *     producer mostly repeat its event type and app version, and then share its strings
   */
  static @Nullable EnvelopeView scan(ByteString data, @Nullable EnvelopeView previous) {
    try {
      CodedInputStream in = data.newCodedInput();
      in.enableAliasing(true);
      EnvelopeView view = new EnvelopeView();
      int seen = 0;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        int bit = 1 << (tag >>> 3);
        if ((tag >>> 3) > LAST_FIELD || (seen & bit) != 0) {
          return null;
        }
        seen |= bit;
        switch (tag) {
          case WireTags.ENVELOPE_EVENT_ID:
            view.eventIdLength = in.readRawVarint32();
            if (view.eventIdLength == ID_LENGTH) {
              view.eventIdHigh = Long.reverseBytes(in.readRawLittleEndian64());
              view.eventIdLow = Long.reverseBytes(in.readRawLittleEndian64());
            } else {
              in.skipRawBytes(view.eventIdLength);
            }
            break;
          case WireTags.ENVELOPE_EVENT_TYPE:
            {
              ByteString bytes = in.readBytes();
              if (previous != null && bytes.equals(previous.eventTypeBytes)) {
                view.eventType = previous.eventType;
              } else {
                String type = utf8(bytes);
                if (type == null) {
                  return null;
                }
                view.eventType = type;
              }
              view.eventTypeBytes = bytes;
              break;
            }
          case WireTags.ENVELOPE_FORMAT:
            view.format = in.readEnum();
            break;
          case WireTags.ENVELOPE_SCHEMA_ID:
            view.schemaId = in.readFixed64();
            break;
          case WireTags.ENVELOPE_EVENT_TIME_US:
            view.eventTimeUs = in.readInt64();
            break;
          case WireTags.ENVELOPE_SENT_TIME_US:
            view.sentTimeUs = in.readInt64();
            break;
          case WireTags.ENVELOPE_PRODUCER_ID:
            view.producerIdLength = in.readRawVarint32();
            if (view.producerIdLength == ID_LENGTH) {
              view.producerIdHigh = Long.reverseBytes(in.readRawLittleEndian64());
              view.producerIdLow = Long.reverseBytes(in.readRawLittleEndian64());
            } else {
              in.skipRawBytes(view.producerIdLength);
            }
            break;
          case WireTags.ENVELOPE_SEQUENCE:
            view.sequence = in.readUInt64();
            break;
          case WireTags.ENVELOPE_CONTEXT:
            {
              ByteString context = in.readBytes();
              view.contextBytes = context;
              if (previous != null && context.equals(previous.contextBytes)) {
                // The producer's context as in the event before: read and checked already.
                view.platform = previous.platform;
                view.appVersion = previous.appVersion;
                view.appVersionBytes = previous.appVersionBytes;
              } else if (!view.scanContext(context, previous)) {
                return null;
              }
              break;
            }
          case WireTags.ENVELOPE_PAYLOAD:
            view.payload = in.readBytes();
            break;
          case WireTags.ENVELOPE_SEND_DELAY_US:
            view.sendDelayUs = in.readInt64();
            view.hasSendDelay = true;
            break;
          default:
            return null;
        }
      }
      view.finish();
      return view;
    } catch (IOException | RuntimeException e) {
      // Malformed: the generated parser will say how.
      return null;
    }
  }

  /** Reads the context's platform and app version; checks its other strings are UTF-8. */
  private boolean scanContext(ByteString context, @Nullable EnvelopeView previous)
      throws IOException {
    CodedInputStream in = context.newCodedInput();
    in.enableAliasing(true);
    int seen = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int number = tag >>> 3;
      int bit = 1 << number;
      if (number > LAST_CONTEXT_FIELD || (seen & bit) != 0) {
        return false;
      }
      seen |= bit;
      if (tag == WireTags.CONTEXT_PLATFORM) {
        platform = in.readEnum();
      } else if (tag == WireTags.CONTEXT_NETWORK) {
        in.readEnum();
      } else if (tag == WireTags.CONTEXT_APP_VERSION) {
        ByteString bytes = in.readBytes();
        if (previous != null && bytes.equals(previous.appVersionBytes)) {
          appVersion = previous.appVersion;
        } else {
          String version = utf8(bytes);
          if (version == null) {
            return false;
          }
          appVersion = version;
        }
        appVersionBytes = bytes;
      } else if (WireTags.wireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED
          && number != Context.PLATFORM_FIELD_NUMBER
          && number != Context.NETWORK_FIELD_NUMBER) {
        // Every other context field is a string.
        if (!in.readBytes().isValidUtf8()) {
          return false;
        }
      } else {
        return false;
      }
    }
    return true;
  }

  private static long high(ByteString id) {
    long high = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (id.byteAt(i) & 0xFF);
    }
    return high;
  }

  private static long low(ByteString id) {
    return high(id.substring(8));
  }

  /**
   * The event id, the deduplication key: the envelope's own {@code event_id}, or for a compact
   * envelope the id derived from its producer and sequence ({@link Envelopes#eventId}); null when
   * neither is there.
   */
  @Nullable UUID eventUuid() {
    if (eventIdLength == ID_LENGTH) {
      return new UUID(eventIdHigh, eventIdLow);
    }
    if (eventIdLength == 0 && producerIdLength == ID_LENGTH && sequence != 0) {
      return Envelopes.eventId(producerIdHigh, producerIdLow, sequence);
    }
    return null;
  }

  /** The producer id as a UUID, or null when it is not 16 bytes long. */
  @Nullable UUID producerUuid() {
    return producerIdLength == ID_LENGTH ? new UUID(producerIdHigh, producerIdLow) : null;
  }

  private static @Nullable String utf8(ByteString bytes) {
    return bytes.isValidUtf8() ? bytes.toStringUtf8() : null;
  }

  /** The context's platform name, as {@code Platform.name()} gives it. */
  String platformName() {
    Platform value = Platform.forNumber(platform);
    return value == null ? Platform.UNRECOGNIZED.name() : value.name();
  }
}
