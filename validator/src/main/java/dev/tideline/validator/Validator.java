package dev.tideline.validator;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.PiiClass;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.HashKeys;
import dev.tideline.wire.Hex;
import dev.tideline.wire.KplRecords;
import dev.tideline.wire.MalformedRecordException;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Splits Kinesis records into events and judges each one: deaggregation (KPL format, checksum
 * checked), the envelope contract, the schema lookup by content-addressed id, payload decoding
 * (protobuf as {@code DynamicMessage}, Avro as {@code GenericRecord}), and the rules declared on
 * the schema.
 *
 * <pre>{@code
 * Validator validator = Validator.builder(SchemaRegistry.fromClasspath()).build();
 * RecordResult result = validator.validate(data, partitionKey, arrival, shardRange);
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #validate} never throws on bad input: every problem is a
 * {@link Violation}. Schemas are compiled once per schema id, on first use.
 */
public final class Validator {
  /**
   * How far in the future of its arrival an event time may lie before the envelope is refused: NTP
   * synced clocks stay well within it, and a phone whose clock is set by hand does not.
   */
  public static final Duration DEFAULT_CLOCK_SKEW_TOLERANCE = Duration.ofMinutes(10);

  /** Compiled schemas kept; far above the number of event types a company has in use. */
  public static final long DEFAULT_SCHEMA_CACHE_SIZE = 10_000;

  private final SchemaRegistry registry;
  private final Duration clockSkewTolerance;
  private final long clockSkewToleranceMicros;
  private final LoadingCache<Long, CompiledSchema> schemas;
  private final boolean fromWire;
  private final Set<PiiClass> forbiddenInClear;

  private Validator(Builder builder) {
    this.registry = builder.registry;
    this.clockSkewTolerance = builder.clockSkewTolerance;
    this.clockSkewToleranceMicros = micros(builder.clockSkewTolerance);
    this.fromWire = builder.fromWire;
    this.forbiddenInClear = Collections.unmodifiableSet(EnumSet.copyOf(builder.forbiddenInClear));
    this.schemas =
        Caffeine.newBuilder()
            .maximumSize(builder.schemaCacheSize)
            .build(compiler(registry, forbiddenInClear));
  }

  /** Compiles the schema of an id; null (nothing cached) when the registry does not know it. */
  // Caffeine's loader may answer null (its value type is bounded by @Nullable Object), which
  // NullAway reads only in its JSpecify mode.
  @SuppressWarnings("NullAway")
  private static CacheLoader<Long, CompiledSchema> compiler(
      SchemaRegistry registry, Set<PiiClass> notInClear) {
    return id -> {
      CatalogEntry entry = registry.byId(id);
      return entry == null ? null : CompiledSchema.compile(entry, notInClear);
    };
  }

  /** A builder for a validator of the schemas in {@code registry}. */
  public static Builder builder(SchemaRegistry registry) {
    return new Builder(registry);
  }

  /** The schemas this validator knows. */
  public SchemaRegistry registry() {
    return registry;
  }

  /** How far in the future an event time may be; see {@link #DEFAULT_CLOCK_SKEW_TOLERANCE}. */
  public Duration clockSkewTolerance() {
    return clockSkewTolerance;
  }

  /** The PII classes that must not arrive in clear text; see {@link Builder#forbidClearPii}. */
  public Set<PiiClass> forbiddenClearPii() {
    return forbiddenInClear;
  }

  /**
   * Validates a record without shard-range checking; see {@link #validate(byte[], String, Instant,
   * HashKeyRange)}.
   */
  public RecordResult validate(byte[] data, String partitionKey, Instant arrivalTime) {
    return validate(data, partitionKey, arrivalTime, null);
  }

  /**
   * Splits a Kinesis record into its events and judges each one.
   *
   * @param data the record's data; not copied, so it must not change afterwards
   * @param partitionKey the record's partition key
   * @param arrivalTime the record's ApproximateArrivalTimestamp
   * @param shardRange the hash-key range of the shard the record was read from, to find sub-records
   *     that KCL consumers would drop; null to skip the check
   * @throws NullPointerException if data, partitionKey or arrivalTime is null (misuse, not bad
   *     input)
   */
  public RecordResult validate(
      byte[] data, String partitionKey, Instant arrivalTime, @Nullable HashKeyRange shardRange) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(partitionKey, "partitionKey");
    Objects.requireNonNull(arrivalTime, "arrivalTime");
    ByteString bytes = UnsafeByteOperations.unsafeWrap(data);
    long arrivalMicros = Micros.of(arrivalTime);
    if (!KplRecords.isAggregated(data)) {
      ValidatedEvent event =
          validateEvent(0, partitionKey, null, bytes, arrivalTime, arrivalMicros, null, null);
      return new RecordResult(
          bytes,
          partitionKey,
          arrivalTime,
          false,
          Collections.singletonList(event),
          Collections.<Violation>emptyList());
    }
    AggregatedRecord aggregate;
    try {
      aggregate = KplRecords.decode(data);
    } catch (MalformedRecordException e) {
      ViolationKind kind =
          e.reason() == MalformedRecordException.Reason.BAD_CHECKSUM
              ? ViolationKind.BAD_CHECKSUM
              : ViolationKind.MALFORMED_AGGREGATE;
      Violation violation =
          Violation.of(
              kind,
              e.reason().name().toLowerCase(Locale.ROOT),
              null,
              Objects.requireNonNull(e.getMessage(), "every MalformedRecordException has one"));
      return new RecordResult(
          bytes,
          partitionKey,
          arrivalTime,
          true,
          Collections.<ValidatedEvent>emptyList(),
          Collections.singletonList(violation));
    }
    int count = aggregate.getRecordsCount();
    Violation[] outside = new Violation[count];
    int firstOutside = -1;
    if (shardRange != null) {
      // One check per distinct key, not per sub-record: an MD5 each. Indexes were range-checked.
      Violation[] byKey = new Violation[aggregate.getPartitionKeyTableCount()];
      boolean[] checked = new boolean[byKey.length];
      Violation[] byHashKey = new Violation[aggregate.getExplicitHashKeyTableCount()];
      boolean[] hashKeyChecked = new boolean[byHashKey.length];
      for (int i = 0; i < count; i++) {
        Record sub = aggregate.getRecords(i);
        if (sub.hasExplicitHashKeyIndex()) {
          int k = (int) sub.getExplicitHashKeyIndex();
          if (!hashKeyChecked[k]) {
            byHashKey[k] = checkRange(key(aggregate, i), hashKey(aggregate, i), shardRange);
            hashKeyChecked[k] = true;
          }
          outside[i] = byHashKey[k];
        } else {
          int k = (int) sub.getPartitionKeyIndex();
          if (!checked[k]) {
            byKey[k] = checkRange(key(aggregate, i), null, shardRange);
            checked[k] = true;
          }
          outside[i] = byKey[k];
        }
        if (outside[i] != null && firstOutside < 0) {
          firstOutside = i;
        }
      }
    }
    List<ValidatedEvent> events = new ArrayList<>(count);
    ValidatedEvent previous = null;
    for (int i = 0; i < count; i++) {
      Violation range = outside[i];
      if (range == null && firstOutside >= 0) {
        // The KCL drops the whole aggregate when one sub-record is outside the shard's range
        // (docs/decisions/0400-kinesis-sink.md), so this in-range sub-record is lost to it too.
        range =
            Violation.of(
                ViolationKind.OUTSIDE_SHARD_RANGE,
                "in_misrouted_aggregate",
                null,
                "sub-record "
                    + firstOutside
                    + " of this aggregate is outside the shard's range "
                    + shardRange
                    + "; KCL consumers drop the whole aggregate, this sub-record included");
      }
      ValidatedEvent event =
          validateEvent(
              i,
              key(aggregate, i),
              hashKey(aggregate, i),
              aggregate.getRecords(i).getData(),
              arrivalTime,
              arrivalMicros,
              range,
              previous);
      events.add(event);
      previous = event;
    }
    return new RecordResult(
        bytes, partitionKey, arrivalTime, true, events, Collections.<Violation>emptyList());
  }

  private static String key(AggregatedRecord aggregate, int i) {
    return aggregate.getPartitionKeyTable((int) aggregate.getRecords(i).getPartitionKeyIndex());
  }

  private static @Nullable String hashKey(AggregatedRecord aggregate, int i) {
    Record sub = aggregate.getRecords(i);
    return sub.hasExplicitHashKeyIndex()
        ? aggregate.getExplicitHashKeyTable((int) sub.getExplicitHashKeyIndex())
        : null;
  }

  private ValidatedEvent validateEvent(
      int index,
      String partitionKey,
      @Nullable String explicitHashKey,
      ByteString data,
      Instant arrival,
      long arrivalMicros,
      @Nullable Violation rangeViolation,
      @Nullable ValidatedEvent previousEvent) {
    // Events of one record mostly share their producer's strings, context and schema: what the
    // event before read is reused when the bytes (or the schema id) are the same.
    EnvelopeView previous = previousEvent == null ? null : previousEvent.view();
    List<Violation> violations = new ArrayList<>(0);
    if (rangeViolation != null) {
      violations.add(rangeViolation);
    }
    EnvelopeView view = null;
    Envelope envelope = null;
    CompiledSchema schema = null;
    Object payload = null;
    boolean payloadDecoded = true;
    int fallbacks = 0;
    try {
      if (data.isEmpty()) {
        violations.add(
            Violation.of(ViolationKind.INVALID_ENVELOPE, "empty", "envelope", "envelope is empty"));
      } else {
        // The ordinary envelope is read from the wire; anything else by the generated parser.
        view = fromWire ? EnvelopeView.scan(data, previous) : null;
        if (view == null) {
          if (fromWire) {
            fallbacks |= ValidatedEvent.ENVELOPE_FALLBACK;
          }
          envelope = EnvelopeParser.parse(data, violations);
          view = envelope == null ? null : EnvelopeView.of(envelope);
        }
      }
      if (view != null) {
        checkEnvelope(view, arrivalMicros, violations);
        if (view.schemaId != 0L) {
          CompiledSchema reused =
              previous != null && previousEvent != null && previous.schemaId == view.schemaId
                  ? previousEvent.compiledSchema()
                  : null;
          schema = reused != null ? reused : schemas.get(view.schemaId);
          view.nameType(schema == null ? null : schema.entry.getEventType());
          if (schema == null) {
            violations.add(
                Violation.of(
                    ViolationKind.UNKNOWN_SCHEMA,
                    "unknown_schema",
                    "envelope.schema_id",
                    "no catalog holds schema id "
                        + Hex.of(view.schemaId)
                        + " (event_type "
                        + view.eventType
                        + "); add the catalog that defines it"));
          } else if (checkSchema(schema, view, violations)) {
            if (fromWire && schema.certainlyValid(view.payload)) {
              payloadDecoded = false;
            } else {
              if (fromWire && schema.entry.getFormat() == SchemaFormat.PROTOBUF) {
                fallbacks |= ValidatedEvent.PAYLOAD_FALLBACK;
              }
              payload = decode(schema, view, violations);
            }
          }
        } else {
          view.nameType(null);
        }
      }
    } catch (RuntimeException e) {
      // A bug or a hostile input must not stop a validation run: report it as the event's problem.
      violations.add(
          Violation.of(
              ViolationKind.UNDECODABLE_PAYLOAD,
              "internal_error",
              null,
              "validation failed unexpectedly: " + e));
    }
    return new ValidatedEvent(
        index,
        partitionKey,
        explicitHashKey,
        data,
        view,
        envelope,
        schema,
        payload,
        payloadDecoded,
        arrival,
        violations,
        fallbacks);
  }

  private void checkEnvelope(EnvelopeView envelope, long arrivalMicros, List<Violation> out) {
    // Compact envelopes carry no event id, type or format: the producer and sequence are the
    // identity, and the schema id names type and format.
    if (envelope.eventIdLength != 0 && envelope.eventIdLength != Envelopes.ID_LENGTH) {
      out.add(
          envelopeViolation(
              "event_id",
              "event_id must be absent or "
                  + Envelopes.ID_LENGTH
                  + " bytes, was "
                  + envelope.eventIdLength));
    }
    if (envelope.schemaId == 0L) {
      out.add(envelopeViolation("schema_id", "schema_id is missing"));
    }
    if (envelope.producerIdLength != Envelopes.ID_LENGTH) {
      out.add(
          envelopeViolation(
              "producer_id",
              "producer_id must be "
                  + Envelopes.ID_LENGTH
                  + " bytes, was "
                  + envelope.producerIdLength));
    }
    if (envelope.sequence == 0L) {
      out.add(envelopeViolation("sequence", "sequence is missing (sequences start at 1)"));
    }
    if (envelope.eventTimeUs <= 0L) {
      out.add(envelopeViolation("event_time", "event_time_us is missing"));
    } else if (envelope.eventTimeUs - arrivalMicros > clockSkewToleranceMicros) {
      out.add(
          envelopeViolation(
              "event_time_in_future",
              "event_time "
                  + Micros.toInstant(envelope.eventTimeUs)
                  + " is more than "
                  + clockSkewTolerance
                  + " after the arrival time "
                  + Micros.toInstant(arrivalMicros)));
    }
  }

  private static Violation envelopeViolation(String code, String message) {
    String path = code.startsWith("event_time") ? "envelope.event_time_us" : "envelope." + code;
    return Violation.of(ViolationKind.INVALID_ENVELOPE, code, path, "envelope " + message);
  }

  /** Checks the envelope agrees with its schema; false when the payload cannot be decoded. */
  private static boolean checkSchema(
      CompiledSchema schema, EnvelopeView envelope, List<Violation> out) {
    CatalogEntry entry = schema.entry;
    if (!entry.getEventType().equals(envelope.eventType)) {
      out.add(
          envelopeViolation(
              "event_type_mismatch",
              "event_type "
                  + envelope.eventType
                  + " does not match schema id "
                  + Hex.of(envelope.schemaId)
                  + ", which is "
                  + entry.getEventType()));
    }
    if (envelope.format != SchemaFormat.SCHEMA_FORMAT_UNSPECIFIED_VALUE
        && envelope.format != entry.getFormatValue()) {
      out.add(
          envelopeViolation(
              "format_mismatch",
              "format "
                  + formatName(envelope.format)
                  + " does not match the schema's "
                  + entry.getFormat().name()));
      return false;
    }
    String error = schema.error();
    if (error != null) {
      out.add(Violation.of(ViolationKind.UNDECODABLE_PAYLOAD, "schema_unusable", "payload", error));
      return false;
    }
    return true;
  }

  private static String formatName(int format) {
    SchemaFormat value = SchemaFormat.forNumber(format);
    return value == null ? SchemaFormat.UNRECOGNIZED.name() : value.name();
  }

  private static @Nullable Object decode(
      CompiledSchema schema, EnvelopeView envelope, List<Violation> out) {
    Object payload;
    try {
      payload = schema.decode(envelope.payload);
    } catch (Exception e) {
      out.add(
          Violation.of(
              ViolationKind.UNDECODABLE_PAYLOAD,
              "undecodable",
              "payload",
              schema.entry.getEventType()
                  + " payload ("
                  + envelope.payload.size()
                  + " bytes) does not decode: "
                  + e.getMessage()));
      return null;
    }
    schema.check(payload, out);
    return payload;
  }

  /**
   * The sub-record's bytes with every personal field of its payload masked, or the bytes as read
   * when the payload did not decode (nothing to mask by).
   */
  public ByteString maskedData(ValidatedEvent event) {
    Object payload = event.payload();
    Envelope envelope = payload == null ? null : event.envelope();
    EnvelopeView view = event.view();
    if (payload == null || envelope == null || view == null) {
      return event.data();
    }
    CompiledSchema schema = schemas.get(view.schemaId);
    if (schema == null || schema.error() != null) {
      return event.data();
    }
    try {
      return envelope.toBuilder().setPayload(schema.mask(payload)).build().toByteString();
    } catch (RuntimeException e) {
      return event.data();
    }
  }

  /** The violation of a sub-record outside the shard's range, or null when it is inside. */
  private static @Nullable Violation checkRange(
      String partitionKey, @Nullable String explicitHashKey, HashKeyRange range) {
    BigInteger hashKey;
    if (explicitHashKey != null) {
      try {
        hashKey = new BigInteger(explicitHashKey);
      } catch (NumberFormatException e) {
        return Violation.of(
            ViolationKind.OUTSIDE_SHARD_RANGE,
            "explicit_hash_key",
            null,
            "explicit hash key '" + explicitHashKey + "' is not a decimal integer");
      }
    } else {
      hashKey = hashKey(partitionKey);
    }
    if (range.contains(hashKey)) {
      return null;
    }
    return Violation.of(
        ViolationKind.OUTSIDE_SHARD_RANGE,
        "outside_shard_range",
        null,
        "hash key "
            + hashKey
            + (explicitHashKey != null ? " (explicit)" : " (MD5 of partition key)")
            + " is outside the shard's range "
            + range
            + "; KCL consumers drop this sub-record's whole aggregate");
  }

  /** The hash key Kinesis derives from a partition key: MD5 of its UTF-8 bytes, unsigned. */
  public static BigInteger hashKey(String partitionKey) {
    return HashKeys.of(partitionKey);
  }

  private static long micros(Duration duration) {
    return duration.toNanos() / 1000L;
  }

  /** Configures a {@link Validator}; each setter checks its argument at once. */
  public static final class Builder {
    private final SchemaRegistry registry;
    private Duration clockSkewTolerance = DEFAULT_CLOCK_SKEW_TOLERANCE;
    private long schemaCacheSize = DEFAULT_SCHEMA_CACHE_SIZE;
    private boolean fromWire = true;
    private final EnumSet<PiiClass> forbiddenInClear = EnumSet.noneOf(PiiClass.class);

    private Builder(SchemaRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** How far in the future of its arrival an event time may lie; default 10 minutes. */
    public Builder clockSkewTolerance(Duration tolerance) {
      Objects.requireNonNull(tolerance, "clockSkewTolerance");
      if (tolerance.isNegative()) {
        throw new IllegalArgumentException(
            "clockSkewTolerance must not be negative, was " + tolerance);
      }
      this.clockSkewTolerance = tolerance;
      return this;
    }

    /**
     * PII classes that must not arrive in clear text: a field tagged with one of them ({@code
     * (tideline.v1.field) = {pii: ...}}, Avro {@code "tideline.pii"}) may arrive unset, empty, or
     * as a string in the hashed form the SDK's {@code PiiPolicy} writes ({@code hmac-sha256:} and
     * 64 hex digits); anything else is a {@link ViolationKind#PII_IN_CLEAR} violation, reported
     * without the value. Default: none. Replaces earlier calls.
     *
     * @throws IllegalArgumentException if a class is not a PII class ({@code
     *     PII_CLASS_UNSPECIFIED}, {@code PII_NONE}, {@code UNRECOGNIZED})
     */
    public Builder forbidClearPii(Collection<PiiClass> classes) {
      Objects.requireNonNull(classes, "forbidClearPii");
      for (PiiClass piiClass : classes) {
        Objects.requireNonNull(piiClass, "forbidClearPii class");
        if (piiClass == PiiClass.PII_CLASS_UNSPECIFIED
            || piiClass == PiiClass.PII_NONE
            || piiClass == PiiClass.UNRECOGNIZED) {
          throw new IllegalArgumentException(
              "forbidClearPii takes PII_IDENTIFIER, PII_CONTACT, PII_LOCATION, PII_FINANCIAL or"
                  + " PII_SENSITIVE, was "
                  + piiClass.name());
        }
      }
      forbiddenInClear.clear();
      forbiddenInClear.addAll(classes);
      return this;
    }

    /** How many compiled schemas to keep; default {@link #DEFAULT_SCHEMA_CACHE_SIZE}. */
    public Builder schemaCacheSize(long size) {
      if (size <= 0) {
        throw new IllegalArgumentException("schemaCacheSize must be positive, was " + size);
      }
      this.schemaCacheSize = size;
      return this;
    }

    /**
     * Whether ordinary events are judged straight from the wire ({@link EnvelopeView}, {@link
     * WireCheck}); on by default. Off, every envelope and payload is decoded: tests compare both.
     */
    Builder fromWire(boolean fromWire) {
      this.fromWire = fromWire;
      return this;
    }

    /** The validator. */
    public Validator build() {
      return new Validator(this);
    }
  }
}
