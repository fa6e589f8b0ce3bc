package dev.tideline.validator;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What a validation run found, as an immutable value: the model behind the JSON, console and HTML
 * reports. Its JSON form (snake_case field names) is specified in
 * docs/formats/validation-report.md; {@link #FORMAT} and {@link #VERSION} name the schema.
 *
 * <p>Fields are public, final and hold unmodifiable collections. Thread-safe.
 */
@JsonPropertyOrder({"format", "version"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class ValidationReport {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "tideline-validation-report";

  /** The schema version; bumped on any incompatible change. */
  public static final int VERSION = 1;

  public final String format = FORMAT;
  public final int version = VERSION;
  public final String generatedAt;
  public final String source;
  public final Settings settings;
  public final Totals totals;
  public final Map<String, Long> malformedRecordsByReason;
  public final Lateness lateness;
  public final List<TypeSummary> byEventType;
  public final List<Row> byEventHour;
  public final List<Row> byArrivalHour;
  public final List<Completeness> completeness;
  public final List<ViolationSummary> violations;
  public final List<Producer> producers;
  public final Delivery delivery;
  public final Damage sourceDamage;
  public final FastPath fastPath;

  ValidationReport(
      String generatedAt,
      String source,
      Settings settings,
      Totals totals,
      Map<String, Long> malformedRecordsByReason,
      Lateness lateness,
      List<TypeSummary> byEventType,
      List<Row> byEventHour,
      List<Row> byArrivalHour,
      List<Completeness> completeness,
      List<ViolationSummary> violations,
      List<Producer> producers,
      Delivery delivery,
      FastPath fastPath) {
    this(
        generatedAt,
        source,
        settings,
        totals,
        malformedRecordsByReason,
        lateness,
        byEventType,
        byEventHour,
        byArrivalHour,
        completeness,
        violations,
        producers,
        delivery,
        new Damage(Collections.<SourceDamage>emptyList()),
        fastPath);
  }

  private ValidationReport(
      String generatedAt,
      String source,
      Settings settings,
      Totals totals,
      Map<String, Long> malformedRecordsByReason,
      Lateness lateness,
      List<TypeSummary> byEventType,
      List<Row> byEventHour,
      List<Row> byArrivalHour,
      List<Completeness> completeness,
      List<ViolationSummary> violations,
      List<Producer> producers,
      Delivery delivery,
      Damage sourceDamage,
      FastPath fastPath) {
    this.generatedAt = generatedAt;
    this.source = source;
    this.settings = settings;
    this.totals = totals;
    this.malformedRecordsByReason = Collections.unmodifiableMap(malformedRecordsByReason);
    this.lateness = lateness;
    this.byEventType = Collections.unmodifiableList(byEventType);
    this.byEventHour = Collections.unmodifiableList(byEventHour);
    this.byArrivalHour = Collections.unmodifiableList(byArrivalHour);
    this.completeness = Collections.unmodifiableList(completeness);
    this.violations = Collections.unmodifiableList(violations);
    this.producers = Collections.unmodifiableList(producers);
    this.delivery = delivery;
    this.sourceDamage = sourceDamage;
    this.fastPath = fastPath;
  }

  /** This report with the damage its source had to skip (torn tails, corrupt regions). */
  public ValidationReport withSourceDamage(List<SourceDamage> damage) {
    return new ValidationReport(
        generatedAt,
        source,
        settings,
        totals,
        malformedRecordsByReason,
        lateness,
        byEventType,
        byEventHour,
        byArrivalHour,
        completeness,
        violations,
        producers,
        delivery,
        new Damage(damage),
        fastPath);
  }

  /** How the run was configured. */
  public static final class Settings {
    public final long clockSkewToleranceSeconds;
    public final long dedupWindowSize;
    public final boolean piiMasked;
    public final List<String> latenessBuckets;
    public final List<String> completenessCheckpoints;

    Settings(
        long clockSkewToleranceSeconds,
        long dedupWindowSize,
        boolean piiMasked,
        List<String> latenessBuckets,
        List<String> completenessCheckpoints) {
      this.clockSkewToleranceSeconds = clockSkewToleranceSeconds;
      this.dedupWindowSize = dedupWindowSize;
      this.piiMasked = piiMasked;
      this.latenessBuckets = Collections.unmodifiableList(latenessBuckets);
      this.completenessCheckpoints = Collections.unmodifiableList(completenessCheckpoints);
    }
  }

  /** Totals over the whole run. */
  public static final class Totals {
    public final long records;
    public final long recordsMalformed;
    public final long events;
    public final long valid;
    public final long invalid;
    public final long duplicates;
    public final long dedupWindowEvictions;
    public final Map<String, Long> invalidByReason;
    public final String firstArrival;
    public final String lastArrival;

    Totals(
        long records,
        long recordsMalformed,
        long events,
        long valid,
        long invalid,
        long duplicates,
        long dedupWindowEvictions,
        Map<String, Long> invalidByReason,
        String firstArrival,
        String lastArrival) {
      this.records = records;
      this.recordsMalformed = recordsMalformed;
      this.events = events;
      this.valid = valid;
      this.invalid = invalid;
      this.duplicates = duplicates;
      this.dedupWindowEvictions = dedupWindowEvictions;
      this.invalidByReason = Collections.unmodifiableMap(invalidByReason);
      this.firstArrival = firstArrival;
      this.lastArrival = lastArrival;
    }
  }

  /** Counts per lateness bucket: hot (≤ 1 min), ≤ 1 h, ≤ 6 h, cold (> 6 h). */
  @JsonPropertyOrder({"hot", "le_1h", "le_6h", "cold"})
  public static final class Buckets {
    public final long hot;

    @JsonProperty("le_1h")
    public final long le1h;

    @JsonProperty("le_6h")
    public final long le6h;

    public final long cold;

    Buckets(long hot, long le1h, long le6h, long cold) {
      this.hot = hot;
      this.le1h = le1h;
      this.le6h = le6h;
      this.cold = cold;
    }

    /** The sum of the buckets. */
    @JsonIgnore
    public long total() {
      return hot + le1h + le6h + cold;
    }
  }

  /** Lateness percentiles in milliseconds (HdrHistogram, 3 significant digits). */
  public static final class Percentiles {
    public final long count;
    public final long p50;
    public final long p90;
    public final long p99;
    public final long p999;
    public final long max;

    Percentiles(long count, long p50, long p90, long p99, long p999, long max) {
      this.count = count;
      this.p50 = p50;
      this.p90 = p90;
      this.p99 = p99;
      this.p999 = p999;
      this.max = max;
    }
  }

  /**
   * Lateness of valid first copies: by the skew-corrected event time (what the buckets use) and by
   * the raw event time, for comparison.
   */
  public static final class Lateness {
    public final Buckets buckets;
    public final Percentiles percentilesMs;
    public final Buckets rawBuckets;
    public final Percentiles rawPercentilesMs;

    Lateness(
        Buckets buckets,
        Percentiles percentilesMs,
        Buckets rawBuckets,
        Percentiles rawPercentilesMs) {
      this.buckets = buckets;
      this.percentilesMs = percentilesMs;
      this.rawBuckets = rawBuckets;
      this.rawPercentilesMs = rawPercentilesMs;
    }
  }

  /** Totals per event type. */
  public static final class TypeSummary {
    public final String eventType;
    public final long events;
    public final long valid;
    public final long invalid;
    public final long duplicates;
    public final Map<String, Long> invalidByReason;
    public final Buckets lateness;
    public final Percentiles latenessPercentilesMs;

    TypeSummary(
        String eventType,
        long events,
        long valid,
        long invalid,
        long duplicates,
        Map<String, Long> invalidByReason,
        Buckets lateness,
        Percentiles latenessPercentilesMs) {
      this.eventType = eventType;
      this.events = events;
      this.valid = valid;
      this.invalid = invalid;
      this.duplicates = duplicates;
      this.invalidByReason = Collections.unmodifiableMap(invalidByReason);
      this.lateness = lateness;
      this.latenessPercentilesMs = latenessPercentilesMs;
    }
  }

  /** Counts for one event type × hour (UTC) × platform × app version. */
  public static final class Row {
    public final String hour;
    public final String eventType;
    public final String platform;
    public final String appVersion;
    public final long events;
    public final long valid;
    public final long invalid;
    public final long duplicates;
    public final Map<String, Long> invalidByReason;
    public final Buckets lateness;

    Row(
        String hour,
        String eventType,
        String platform,
        String appVersion,
        long events,
        long valid,
        long invalid,
        long duplicates,
        Map<String, Long> invalidByReason,
        Buckets lateness) {
      this.hour = hour;
      this.eventType = eventType;
      this.platform = platform;
      this.appVersion = appVersion;
      this.events = events;
      this.valid = valid;
      this.invalid = invalid;
      this.duplicates = duplicates;
      this.invalidByReason = Collections.unmodifiableMap(invalidByReason);
      this.lateness = lateness;
    }
  }

  /**
   * For one event-time hour and type: of the hour's valid first copies, how many had arrived by
   * each checkpoint after the hour's end, and that share.
   */
  public static final class Completeness {
    public final String hour;
    public final String eventType;
    public final long events;
    public final Map<String, Long> arrivedBy;
    public final Map<String, Double> shareBy;

    Completeness(
        String hour,
        String eventType,
        long events,
        Map<String, Long> arrivedBy,
        Map<String, Double> shareBy) {
      this.hour = hour;
      this.eventType = eventType;
      this.events = events;
      this.arrivedBy = Collections.unmodifiableMap(arrivedBy);
      this.shareBy = Collections.unmodifiableMap(shareBy);
    }
  }

  /** One kind of violation, counted, with the first example. */
  public static final class ViolationSummary {
    public final String eventType;
    public final String reason;
    public final String code;
    public final String path;
    public final long count;
    public final String exampleEventId;
    public final String expected;
    public final String actual;
    public final String message;

    ViolationSummary(
        String eventType,
        String reason,
        String code,
        String path,
        long count,
        String exampleEventId,
        String expected,
        String actual,
        String message) {
      this.eventType = eventType;
      this.reason = reason;
      this.code = code;
      this.path = path;
      this.count = count;
      this.exampleEventId = exampleEventId;
      this.expected = expected;
      this.actual = actual;
      this.message = message;
    }
  }

  /** Delivery audit of one producer: its sequences, and its audit records reconciled. */
  public static final class Producer {
    public final String producerId;
    public final long events;
    public final long firstSequence;
    public final long lastSequence;
    public final long distinctSequences;
    public final long missing;
    public final long gapCount;
    public final List<long[]> gaps;
    public final long repeats;
    public final boolean audited;
    public final long reportedDropped;
    public final long lost;
    public final List<TypeDelivery> byType;

    Producer(
        String producerId,
        long events,
        long firstSequence,
        long lastSequence,
        long distinctSequences,
        long missing,
        long gapCount,
        List<long[]> gaps,
        long repeats,
        boolean audited,
        long reportedDropped,
        long lost,
        List<TypeDelivery> byType) {
      this.producerId = producerId;
      this.events = events;
      this.firstSequence = firstSequence;
      this.lastSequence = lastSequence;
      this.distinctSequences = distinctSequences;
      this.missing = missing;
      this.gapCount = gapCount;
      this.gaps = Collections.unmodifiableList(gaps);
      this.repeats = repeats;
      this.audited = audited;
      this.reportedDropped = reportedDropped;
      this.lost = lost;
      this.byType = Collections.unmodifiableList(byType);
    }
  }

  /**
   * One producer's audit records for one event type against what arrived: lost = sent − arrived
   * (never negative), counting arrivals within the audited sequence ranges.
   */
  public static final class TypeDelivery {
    public final String eventType;
    public final long accepted;
    public final long sent;
    public final long arrived;
    public final long dropped;
    public final Map<String, Long> droppedByReason;
    public final long lost;

    TypeDelivery(
        String eventType,
        long accepted,
        long sent,
        long arrived,
        long dropped,
        Map<String, Long> droppedByReason,
        long lost) {
      this.eventType = eventType;
      this.accepted = accepted;
      this.sent = sent;
      this.arrived = arrived;
      this.dropped = dropped;
      this.droppedByReason = Collections.unmodifiableMap(droppedByReason);
      this.lost = lost;
    }
  }

  /**
   * How often the validator's fast path (events judged straight from the wire) handed an event to a
   * parser instead. Invalid events are expected here (the parsers give their exact messages); valid
   * ones mean the fast path does not know something ordinary, such as a field added to the
   * envelope.
   */
  public static final class FastPath {
    /** Events whose envelope the wire reader gave up on, so the generated parser read it. */
    public final long envelopeFallbacks;

    /** Events whose protobuf payload the wire check was not sure of, so it was decoded. */
    public final long payloadFallbacks;

    /** Valid events among those: each one took the slow path without being uncommon. */
    public final long validFallbacks;

    FastPath(long envelopeFallbacks, long payloadFallbacks, long validFallbacks) {
      this.envelopeFallbacks = envelopeFallbacks;
      this.payloadFallbacks = payloadFallbacks;
      this.validFallbacks = validFallbacks;
    }
  }

  /** Delivery totals over all producers. */
  public static final class Delivery {
    public final long producers;
    public final long auditedProducers;
    public final long sequenceGaps;
    public final long missing;
    public final long reportedDropped;
    public final long lost;

    Delivery(
        long producers,
        long auditedProducers,
        long sequenceGaps,
        long missing,
        long reportedDropped,
        long lost) {
      this.producers = producers;
      this.auditedProducers = auditedProducers;
      this.sequenceGaps = sequenceGaps;
      this.missing = missing;
      this.reportedDropped = reportedDropped;
      this.lost = lost;
    }
  }

  /** What the source had to skip: totals and each region. */
  public static final class Damage {
    public final long tornTails;
    public final long corrupt;
    public final long bytesSkipped;
    public final List<SourceDamage> regions;

    Damage(List<SourceDamage> regions) {
      long torn = 0;
      long bad = 0;
      long bytes = 0;
      for (SourceDamage region : regions) {
        if (region.kind.equals(SourceDamage.TORN_TAIL)) {
          torn++;
        } else {
          bad++;
        }
        bytes += region.bytes;
      }
      this.tornTails = torn;
      this.corrupt = bad;
      this.bytesSkipped = bytes;
      this.regions = Collections.unmodifiableList(new java.util.ArrayList<>(regions));
    }
  }

  /** One region of a record file that was skipped. Immutable. */
  public static final class SourceDamage {
    /** A file ending inside a record, as a writer killed mid-write leaves it. */
    public static final String TORN_TAIL = "torn_tail";

    /** Bytes that are no valid record, followed by a valid one or by too little to be torn. */
    public static final String CORRUPT = "corrupt";

    /** {@link #TORN_TAIL} or {@link #CORRUPT}. */
    public final String kind;

    public final String file;

    /** Where the skipped bytes start, from the start of the file. */
    public final long offset;

    public final long bytes;

    /** How many records of the file were read before the region. */
    public final long afterRecord;

    /** A sentence naming the file, the offset and what is wrong. */
    public final String message;

    /** A region; {@code kind} is {@link #TORN_TAIL} or {@link #CORRUPT}. */
    public SourceDamage(
        String kind, String file, long offset, long bytes, long afterRecord, String message) {
      if (!kind.equals(TORN_TAIL) && !kind.equals(CORRUPT)) {
        throw new IllegalArgumentException("kind must be torn_tail or corrupt, was " + kind);
      }
      this.kind = kind;
      this.file = file;
      this.offset = offset;
      this.bytes = bytes;
      this.afterRecord = afterRecord;
      this.message = message;
    }
  }
}
