package dev.tideline.validator;

import com.google.protobuf.ByteString;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Envelope;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One event read from a record (a sub-record of an aggregate, or the record itself), with what
 * could be decoded of it and its verdict: valid when it has no {@link #violations()}.
 *
 * <p>Immutable and thread-safe (the decoded payload is not copied; do not change it). The envelope
 * and payload of an event the validator could judge from the wire are decoded on first use.
 */
public final class ValidatedEvent {
  /** {@link #fastPathFallbacks()}: the envelope was read by the generated parser. */
  static final int ENVELOPE_FALLBACK = 1;

  /** {@link #fastPathFallbacks()}: the protobuf payload was decoded as a DynamicMessage. */
  static final int PAYLOAD_FALLBACK = 2;

  private final int index;
  private final String partitionKey;
  private final @Nullable String explicitHashKey;
  private final ByteString data;
  private final @Nullable EnvelopeView view;
  private final @Nullable CompiledSchema schema;
  private final Instant arrivalTime;
  private final List<Violation> violations;
  private final int fastPathFallbacks;
  // Decoded on first use when the validator judged the event without decoding them; both are
  // immutable, so two threads decoding at once is only wasted work.
  private volatile @Nullable Envelope envelope;
  private volatile @Nullable Object payload;
  private volatile boolean payloadDecoded;

  /**
   * @param view the envelope's fields, or null when it does not parse
   * @param envelope the parsed envelope, or null to parse it from {@code data} when asked
   * @param schema the envelope's schema, or null when unknown
   * @param payloadDecoded whether {@code payload} holds the decoded payload (null when it did not
   *     decode), or is to be decoded with {@code schema} when asked
   * @param fastPathFallbacks where the validator's fast path handed the event to a parser: {@link
   *     #ENVELOPE_FALLBACK}, {@link #PAYLOAD_FALLBACK}, both, or 0
   */
  ValidatedEvent(
      int index,
      String partitionKey,
      @Nullable String explicitHashKey,
      ByteString data,
      @Nullable EnvelopeView view,
      @Nullable Envelope envelope,
      @Nullable CompiledSchema schema,
      @Nullable Object payload,
      boolean payloadDecoded,
      Instant arrivalTime,
      List<Violation> violations,
      int fastPathFallbacks) {
    this.index = index;
    this.partitionKey = partitionKey;
    this.explicitHashKey = explicitHashKey;
    this.data = data;
    this.view = view;
    this.envelope = envelope;
    this.schema = schema;
    this.payload = payload;
    this.payloadDecoded = payloadDecoded || schema == null || view == null;
    this.arrivalTime = arrivalTime;
    this.violations =
        violations.isEmpty()
            ? Collections.<Violation>emptyList()
            : Collections.unmodifiableList(violations);
    this.fastPathFallbacks = fastPathFallbacks;
  }

  /**
   * Where the validator's fast path could not judge the event from the wire and handed it to a
   * parser: a bit set of {@link #ENVELOPE_FALLBACK} and {@link #PAYLOAD_FALLBACK}; 0 when it judged
   * the event from the wire, or had nothing to hand over.
   */
  int fastPathFallbacks() {
    return fastPathFallbacks;
  }

  /** Position in the aggregate, from 0; 0 for a record that is not aggregated. */
  public int index() {
    return index;
  }

  /** The sub-record's partition key (or the record's). */
  public String partitionKey() {
    return partitionKey;
  }

  /** The sub-record's explicit hash key, or null. */
  public @Nullable String explicitHashKey() {
    return explicitHashKey;
  }

  /** The bytes of this event's envelope as read (the sub-record, not the whole aggregate). */
  public ByteString data() {
    return data;
  }

  /** The envelope, or null when it does not parse. */
  public @Nullable Envelope envelope() {
    Envelope parsed = envelope;
    if (parsed == null && view != null) {
      parsed = EnvelopeParser.parseScanned(data);
      envelope = parsed;
    }
    return parsed;
  }

  /** The envelope fields the validator reads, or null when the envelope does not parse. */
  @Nullable EnvelopeView view() {
    return view;
  }

  /** The compiled schema of the envelope's schema id, or null when unknown. */
  @Nullable CompiledSchema compiledSchema() {
    return schema;
  }

  /** The catalog entry of the envelope's schema id, or null when unknown. */
  public @Nullable CatalogEntry schema() {
    return schema == null ? null : schema.entry;
  }

  /**
   * The decoded payload, or null when it did not decode or its schema is unknown: a {@code
   * com.google.protobuf.DynamicMessage} for protobuf schemas, an {@code
   * org.apache.avro.generic.GenericRecord} for Avro schemas. A protobuf payload the validator
   * proved valid from its wire bytes is decoded here, on the first call.
   */
  public @Nullable Object payload() {
    CompiledSchema compiled = schema;
    EnvelopeView fields = view;
    // Not decoded yet: then the event has both (see the constructor).
    if (!payloadDecoded && compiled != null && fields != null) {
      Object decoded;
      try {
        decoded = compiled.decode(fields.payload);
      } catch (Exception e) {
        // Cannot happen: the validator proved these bytes decode; report as "did not decode".
        decoded = null;
      }
      payload = decoded;
      payloadDecoded = true;
    }
    return payload;
  }

  /** The event type the envelope names, or null when the envelope does not parse. */
  public @Nullable String eventType() {
    return view == null ? null : view.eventType;
  }

  /** The event id as a UUID string, or null when the envelope lacks a 16-byte id. */
  public @Nullable String eventIdString() {
    UUID id = view == null ? null : view.eventUuid();
    return id == null ? null : id.toString();
  }

  /** The producer id as a UUID string, or null when the envelope lacks a 16-byte one. */
  @Nullable String producerIdString() {
    UUID id = view == null ? null : view.producerUuid();
    return id == null ? null : id.toString();
  }

  /** When Kinesis accepted the record (ApproximateArrivalTimestamp). */
  public Instant arrivalTime() {
    return arrivalTime;
  }

  /** The event time by the producer's clock, or null when the envelope lacks one. */
  public @Nullable Instant eventTime() {
    return view == null || view.eventTimeUs == 0 ? null : Micros.toInstant(view.eventTimeUs);
  }

  /** When the batch left the producer, by its clock, or null when not recorded. */
  public @Nullable Instant sentTime() {
    return view == null || view.sentTimeUs == 0 ? null : Micros.toInstant(view.sentTimeUs);
  }

  /**
   * The event time corrected for the producer's clock skew: arrival − (sent − event), since the
   * time between logging and sending is measured on one clock. The raw event time when the sent
   * time is missing or earlier than the event time; null without an event time.
   */
  public @Nullable Instant correctedEventTime() {
    Instant event = eventTime();
    Instant sent = sentTime();
    if (event == null || sent == null || sent.isBefore(event)) {
      return event;
    }
    return arrivalTime.minus(Duration.between(event, sent));
  }

  /** Arrival − corrected event time (never negative), or null without an event time. */
  public @Nullable Duration lateness() {
    Instant corrected = correctedEventTime();
    if (corrected == null) {
      return null;
    }
    Duration late = Duration.between(corrected, arrivalTime);
    return late.isNegative() ? Duration.ZERO : late;
  }

  /** What is wrong with the event; empty when it is valid. */
  public List<Violation> violations() {
    return violations;
  }

  /** Whether the event has no violations. */
  public boolean isValid() {
    return violations.isEmpty();
  }

  /** The first violation's kind: the reason the event is counted as invalid; null if valid. */
  public @Nullable ViolationKind reason() {
    return violations.isEmpty() ? null : violations.get(0).kind();
  }

  @Override
  public String toString() {
    return "ValidatedEvent{"
        + index
        + ", "
        + eventType()
        + ", "
        + eventIdString()
        + (violations.isEmpty() ? ", valid" : ", " + violations)
        + "}";
  }
}
