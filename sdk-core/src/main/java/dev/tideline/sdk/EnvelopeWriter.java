package dev.tideline.sdk;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.WireTags;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Writes compact envelopes straight to bytes, without an {@link Envelope} builder per event: the
 * fields that are the same for every event of a type (the schema id) or of the tracker (producer
 * id, context, attributes) are serialized once and copied. Protobuf parsers accept fields in any
 * order, so the sequence number and send delay are appended later ({@link TrackedEvent#data},
 * {@link Envelopes#writeAppended}). Field tags come from {@link WireTags}.
 *
 * <p>Compact: no {@code event_id}, {@code event_type} or {@code format}. The producer id and
 * sequence are the event's identity, and the schema id names its type and format in the catalog
 * (docs/formats/envelope.md).
 *
 * <p>Thread-safe.
 */
final class EnvelopeWriter {
  /** How an event class is logged: its schema and its serializer. */
  static final class EventType {
    final String name;
    final @Nullable CatalogEntry entry; // null: unknown schema, or chosen per event by the encoder
    final byte @Nullable [] prefix; // field 4, the schema id; null without an entry
    final @Nullable EventEncoder<Object> encoder; // null for protobuf messages
    final @Nullable PiiPlan pii; // null: the policy changes nothing in this type

    EventType(
        String name,
        @Nullable CatalogEntry entry,
        byte @Nullable [] prefix,
        @Nullable EventEncoder<Object> encoder,
        @Nullable PiiPlan pii) {
      this.name = name;
      this.entry = entry;
      this.prefix = prefix;
      this.encoder = encoder;
      this.pii = pii;
    }
  }

  /** The result of encoding: the body, or why not (then body is null). */
  static final class Encoded {
    byte @Nullable [] body;
    String eventType = ""; // set by every encode
    @Nullable LogOutcome refusal;
    String detail = ""; // why, with a refusal
    boolean illFormedStrings; // protobuf wrote '?' for a lone surrogate in a string
    final PiiPlan.Counts pii = new PiiPlan.Counts();
  }

  private final SchemaRegistry registry;
  private final List<EventEncoder<?>> encoders;
  private final ConcurrentHashMap<Class<?>, EventType> types = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, byte[]> prefixesById = new ConcurrentHashMap<>();
  private final PiiPolicy piiPolicy;
  // The policy's plans for schemas of encoded events (chosen per event), PiiPlan.NONE for none.
  private final ConcurrentHashMap<Long, PiiPlan> piiPlansById = new ConcurrentHashMap<>();
  private final ByteString producerId;
  private final Map<String, String> attributes;
  private volatile Context context;
  private volatile byte[] constantFields; // fields 7, 9, 11

  EnvelopeWriter(
      SchemaRegistry registry,
      List<EventEncoder<?>> encoders,
      byte[] producerId,
      Context context,
      Map<String, String> attributes,
      PiiPolicy piiPolicy) {
    this.registry = registry;
    this.piiPolicy = piiPolicy;
    this.encoders = encoders;
    this.producerId = ByteString.copyFrom(producerId);
    this.attributes = attributes;
    setContext(context);
  }

  void setContext(Context context) {
    Envelope.Builder constant = Envelope.newBuilder().setProducerId(producerId);
    if (!context.equals(Context.getDefaultInstance())) {
      constant.setContext(context); // an empty context is left out, as it reads the same
    }
    this.constantFields = constant.putAllAttributes(attributes).build().toByteArray();
    this.context = context;
  }

  Context context() {
    return context;
  }

  private static byte[] prefix(CatalogEntry entry) {
    return Envelope.newBuilder().setSchemaId(entry.getSchemaId()).build().toByteArray();
  }

  @SuppressWarnings("unchecked")
  EventType typeOf(Class<?> type) {
    EventType known = types.get(type);
    if (known != null) {
      return known;
    }
    EventEncoder<Object> encoder = null;
    for (EventEncoder<?> candidate : encoders) {
      if (candidate.eventClass().isAssignableFrom(type)) {
        encoder = (EventEncoder<Object>) candidate;
        break;
      }
    }
    EventType created;
    if (encoder != null) {
      created = new EventType(type.getName(), null, null, encoder, null);
    } else if (MessageLite.class.isAssignableFrom(type)) {
      CatalogEntry entry = registry.forClass(type);
      created =
          entry == null
              ? new EventType(type.getName(), null, null, null, null)
              : new EventType(
                  entry.getEventType(),
                  entry,
                  prefix(entry),
                  null,
                  PiiPlan.compile(entry, piiPolicy));
    } else {
      created = new EventType(type.getName(), null, null, null, null);
    }
    EventType raced = types.putIfAbsent(type, created);
    return raced == null ? created : raced;
  }

  /** The policy's plan for the schema of an encoded event, or null; compiled once per schema. */
  private @Nullable PiiPlan planOf(CatalogEntry entry) {
    PiiPlan plan = piiPlansById.get(entry.getSchemaId());
    if (plan == null) {
      plan = PiiPlan.compile(entry, piiPolicy);
      if (plan == null) {
        plan = PiiPlan.NONE;
      }
      piiPlansById.put(entry.getSchemaId(), plan);
    }
    return plan == PiiPlan.NONE ? null : plan;
  }

  /** Encodes an event's envelope body; never throws for a bad event. */
  void encode(Object event, long eventTimeMicros, Encoded out) {
    out.body = null;
    out.refusal = null;
    out.detail = "";
    out.illFormedStrings = false;
    out.pii.hashed = 0;
    out.pii.dropped = 0;
    EventType type = typeOf(event.getClass());
    out.eventType = type.name;
    byte[] prefix = type.prefix; // null when the type has no known schema (no entry)
    byte[] payload = null;
    MessageLite message = null;
    int payloadSize;
    if (type.encoder != null) {
      CatalogEntry entry;
      try {
        entry = type.encoder.schema(event, registry);
      } catch (RuntimeException e) {
        out.refusal = LogOutcome.ENCODING_FAILED;
        out.detail =
            "encoder " + type.encoder.getClass().getName() + " failed to find the schema: " + e;
        return;
      }
      if (entry == null) {
        out.refusal = LogOutcome.UNKNOWN_SCHEMA;
        out.detail =
            "no catalog entry for "
                + type.name
                + " (encoder "
                + type.encoder.getClass().getName()
                + ")";
        return;
      }
      out.eventType = entry.getEventType();
      prefix = prefixesById.get(entry.getSchemaId());
      if (prefix == null) {
        prefix = prefix(entry);
        prefixesById.put(entry.getSchemaId(), prefix);
      }
      try {
        payload = type.encoder.encode(event);
      } catch (Exception | LinkageError e) {
        out.refusal = LogOutcome.ENCODING_FAILED;
        out.detail =
            "encoder "
                + type.encoder.getClass().getName()
                + " failed on "
                + out.eventType
                + ": "
                + e;
        return;
      }
      if (payload == null) {
        out.refusal = LogOutcome.ENCODING_FAILED;
        out.detail =
            "encoder " + type.encoder.getClass().getName() + " returned null for " + out.eventType;
        return;
      }
      PiiPlan plan = planOf(entry);
      if (plan != null) {
        if (entry.getFormat() != SchemaFormat.PROTOBUF) {
          out.refusal = LogOutcome.ENCODING_FAILED;
          out.detail =
              "the PII policy hashes or drops fields of "
                  + out.eventType
                  + ", and the tracker applies it to protobuf payloads only, not to "
                  + entry.getFormat().name()
                  + "; the event is refused rather than sent in clear text"
                  + " (log it as protobuf, or KEEP its classes)";
          return;
        }
        payload = applyPolicy(plan, payload, out);
        if (payload == null) {
          return;
        }
      }
      payloadSize = payload.length;
    } else if (prefix != null && type.pii != null) {
      IllFormedStrings.Mark mark = IllFormedStrings.enter();
      try {
        payload = ((MessageLite) event).toByteArray();
      } finally {
        out.illFormedStrings = IllFormedStrings.exit(mark);
      }
      payload = applyPolicy(type.pii, payload, out);
      if (payload == null) {
        return;
      }
      payloadSize = payload.length;
    } else if (prefix != null) {
      message = (MessageLite) event;
      payloadSize = message.getSerializedSize();
    } else if (event instanceof MessageLite) {
      out.refusal = LogOutcome.UNKNOWN_SCHEMA;
      out.detail =
          "no schema catalog names "
              + type.name
              + "; add its catalog (META-INF/tideline/catalog.binpb) to the classpath or the registry";
      return;
    } else {
      out.refusal = LogOutcome.ENCODING_FAILED;
      out.detail =
          type.name + " is neither a protobuf message nor handled by a registered EventEncoder";
      return;
    }

    byte[] constant = constantFields;

    int size = prefix.length + constant.length;
    if (eventTimeMicros != 0) {
      size += WireTags.TAG_SIZE + CodedOutputStream.computeInt64SizeNoTag(eventTimeMicros);
    }
    if (payloadSize > 0) {
      size +=
          WireTags.TAG_SIZE + CodedOutputStream.computeUInt32SizeNoTag(payloadSize) + payloadSize;
    }
    byte[] body = new byte[size];
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    int position = prefix.length;
    CodedOutputStream coded = CodedOutputStream.newInstance(body, position, size - position);
    try {
      if (eventTimeMicros != 0) {
        coded.writeUInt32NoTag(WireTags.ENVELOPE_EVENT_TIME_US);
        coded.writeInt64NoTag(eventTimeMicros);
      }
      if (payloadSize > 0) {
        coded.writeUInt32NoTag(WireTags.ENVELOPE_PAYLOAD);
        coded.writeUInt32NoTag(payloadSize);
        if (message != null) {
          // Protobuf writes '?' for a lone surrogate: noticed and counted, its warning kept out
          // of the log (docs/decisions/0105-ill-formed-strings.md).
          IllFormedStrings.Mark mark = IllFormedStrings.enter();
          try {
            message.writeTo(coded);
          } finally {
            out.illFormedStrings = IllFormedStrings.exit(mark);
          }
        } else {
          coded.writeRawBytes(payload);
        }
      }
      coded.writeRawBytes(constant);
      coded.checkNoSpaceLeft();
    } catch (IOException | RuntimeException e) {
      out.refusal = LogOutcome.ENCODING_FAILED;
      out.detail = "serializing " + out.eventType + " failed: " + e;
      return;
    }
    out.body = body;
  }

  /** The payload with the policy applied, or null with the refusal set. */
  private static byte @Nullable [] applyPolicy(PiiPlan plan, byte[] payload, Encoded out) {
    try {
      return plan.apply(payload, out.pii);
    } catch (IOException | RuntimeException e) {
      out.refusal = LogOutcome.ENCODING_FAILED;
      out.detail = "applying the PII policy to " + out.eventType + " failed: " + e;
      return null;
    }
  }
}
