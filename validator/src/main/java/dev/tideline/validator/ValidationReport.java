package dev.tideline.validator;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a validation run found, as an immutable value: the model behind the JSON, console and HTML
 * reports. Its JSON form (snake_case field names) is specified in
 * docs/formats/validation-report.md; {@link #FORMAT} and {@link #VERSION} name the schema.
 *
 * <p>Immutable: every part is read through fluent accessors named as its JSON field in camelCase
 * (Jackson serializes the private fields), and collections are unmodifiable. Thread-safe.
 */
@JsonPropertyOrder({"format", "version"})
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public final class ValidationReport {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "tideline-validation-report";

  /** The schema version; bumped on any incompatible change. */
  public static final int VERSION = 1;

  private final String format = FORMAT;
  private final int version = VERSION;
  private final String generatedAt;
  private final String source;
  private final Settings settings;
  private final Totals totals;
  private final Map<String, Long> malformedRecordsByReason;
  private final Lateness lateness;
  private final List<TypeSummary> byEventType;
  private final List<Row> byEventHour;
  private final List<Row> byArrivalHour;
  private final List<Completeness> completeness;
  private final List<ViolationSummary> violations;
  private final List<Producer> producers;
  private final Delivery delivery;
  private final Damage sourceDamage;
  private final FastPath fastPath;

  /** {@code format} in the JSON report. */
  public String format() {
    return format;
  }

  /** {@code version} in the JSON report. */
  public int version() {
    return version;
  }

  /** {@code generated_at} in the JSON report. */
  public String generatedAt() {
    return generatedAt;
  }

  /** {@code source} in the JSON report. */
  public String source() {
    return source;
  }

  /** {@code settings} in the JSON report. */
  public Settings settings() {
    return settings;
  }

  /** {@code totals} in the JSON report. */
  public Totals totals() {
    return totals;
  }

  /** {@code malformed_records_by_reason} in the JSON report. */
  public Map<String, Long> malformedRecordsByReason() {
    return malformedRecordsByReason;
  }

  /** {@code lateness} in the JSON report. */
  public Lateness lateness() {
    return lateness;
  }

  /** {@code by_event_type} in the JSON report. */
  public List<TypeSummary> byEventType() {
    return byEventType;
  }

  /** {@code by_event_hour} in the JSON report. */
  public List<Row> byEventHour() {
    return byEventHour;
  }

  /** {@code by_arrival_hour} in the JSON report. */
  public List<Row> byArrivalHour() {
    return byArrivalHour;
  }

  /** {@code completeness} in the JSON report. */
  public List<Completeness> completeness() {
    return completeness;
  }

  /** {@code violations} in the JSON report. */
  public List<ViolationSummary> violations() {
    return violations;
  }

  /** {@code producers} in the JSON report. */
  public List<Producer> producers() {
    return producers;
  }

  /** {@code delivery} in the JSON report. */
  public Delivery delivery() {
    return delivery;
  }

  /** {@code source_damage} in the JSON report. */
  public Damage sourceDamage() {
    return sourceDamage;
  }

  /** {@code fast_path} in the JSON report. */
  public FastPath fastPath() {
    return fastPath;
  }

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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class Settings {
    private final long clockSkewToleranceSeconds;
    private final long dedupWindowSize;
    private final boolean piiMasked;
    private final List<String> latenessBuckets;
    private final List<String> completenessCheckpoints;

    /** {@code settings.clock_skew_tolerance_seconds} in the JSON report. */
    public long clockSkewToleranceSeconds() {
      return clockSkewToleranceSeconds;
    }

    /** {@code settings.dedup_window_size} in the JSON report. */
    public long dedupWindowSize() {
      return dedupWindowSize;
    }

    /** {@code settings.pii_masked} in the JSON report. */
    public boolean piiMasked() {
      return piiMasked;
    }

    /** {@code settings.lateness_buckets} in the JSON report. */
    public List<String> latenessBuckets() {
      return latenessBuckets;
    }

    /** {@code settings.completeness_checkpoints} in the JSON report. */
    public List<String> completenessCheckpoints() {
      return completenessCheckpoints;
    }

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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class Totals {
    private final long records;
    private final long recordsMalformed;
    private final long events;
    private final long valid;
    private final long invalid;
    private final long duplicates;
    private final long dedupWindowEvictions;
    private final Map<String, Long> invalidByReason;
    private final @Nullable String firstArrival;
    private final @Nullable String lastArrival;

    /** {@code totals.records} in the JSON report. */
    public long records() {
      return records;
    }

    /** {@code totals.records_malformed} in the JSON report. */
    public long recordsMalformed() {
      return recordsMalformed;
    }

    /** {@code totals.events} in the JSON report. */
    public long events() {
      return events;
    }

    /** {@code totals.valid} in the JSON report. */
    public long valid() {
      return valid;
    }

    /** {@code totals.invalid} in the JSON report. */
    public long invalid() {
      return invalid;
    }

    /** {@code totals.duplicates} in the JSON report. */
    public long duplicates() {
      return duplicates;
    }

    /** {@code totals.dedup_window_evictions} in the JSON report. */
    public long dedupWindowEvictions() {
      return dedupWindowEvictions;
    }

    /** {@code totals.invalid_by_reason} in the JSON report. */
    public Map<String, Long> invalidByReason() {
      return invalidByReason;
    }

    /** {@code totals.first_arrival} in the JSON report. */
    public @Nullable String firstArrival() {
      return firstArrival;
    }

    /** {@code totals.last_arrival} in the JSON report. */
    public @Nullable String lastArrival() {
      return lastArrival;
    }

    Totals(
        long records,
        long recordsMalformed,
        long events,
        long valid,
        long invalid,
        long duplicates,
        long dedupWindowEvictions,
        Map<String, Long> invalidByReason,
        @Nullable String firstArrival,
        @Nullable String lastArrival) {
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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class Buckets {
    private final long hot;

    @JsonProperty("le_1h")
    private final long le1h;

    @JsonProperty("le_6h")
    private final long le6h;

    private final long cold;

    /** The {@code hot} bucket of lateness buckets in the JSON report. */
    public long hot() {
      return hot;
    }

    /** The {@code le_1h} bucket of lateness buckets in the JSON report. */
    public long le1h() {
      return le1h;
    }

    /** The {@code le_6h} bucket of lateness buckets in the JSON report. */
    public long le6h() {
      return le6h;
    }

    /** The {@code cold} bucket of lateness buckets in the JSON report. */
    public long cold() {
      return cold;
    }

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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class Percentiles {
    private final long count;
    private final long p50;
    private final long p90;
    private final long p99;
    private final long p999;
    private final long max;

    /** {@code count} of lateness percentiles in the JSON report. */
    public long count() {
      return count;
    }

    /** {@code p50} of lateness percentiles in the JSON report. */
    public long p50() {
      return p50;
    }

    /** {@code p90} of lateness percentiles in the JSON report. */
    public long p90() {
      return p90;
    }

    /** {@code p99} of lateness percentiles in the JSON report. */
    public long p99() {
      return p99;
    }

    /** {@code p999} of lateness percentiles in the JSON report. */
    public long p999() {
      return p999;
    }

    /** {@code max} of lateness percentiles in the JSON report. */
    public long max() {
      return max;
    }

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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class Lateness {
    private final Buckets buckets;
    private final Percentiles percentilesMs;
    private final Buckets rawBuckets;
    private final Percentiles rawPercentilesMs;

    /** {@code lateness.buckets} in the JSON report. */
    public Buckets buckets() {
      return buckets;
    }

    /** {@code lateness.percentiles_ms} in the JSON report. */
    public Percentiles percentilesMs() {
      return percentilesMs;
    }

    /** {@code lateness.raw_buckets} in the JSON report. */
    public Buckets rawBuckets() {
      return rawBuckets;
    }

    /** {@code lateness.raw_percentiles_ms} in the JSON report. */
    public Percentiles rawPercentilesMs() {
      return rawPercentilesMs;
    }

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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class TypeSummary {
    private final String eventType;
    private final long events;
    private final long valid;
    private final long invalid;
    private final long duplicates;
    private final Map<String, Long> invalidByReason;
    private final Buckets lateness;
    private final Percentiles latenessPercentilesMs;

    /** {@code by_event_type[].event_type} in the JSON report. */
    public String eventType() {
      return eventType;
    }

    /** {@code by_event_type[].events} in the JSON report. */
    public long events() {
      return events;
    }

    /** {@code by_event_type[].valid} in the JSON report. */
    public long valid() {
      return valid;
    }

    /** {@code by_event_type[].invalid} in the JSON report. */
    public long invalid() {
      return invalid;
    }

    /** {@code by_event_type[].duplicates} in the JSON report. */
    public long duplicates() {
      return duplicates;
    }

    /** {@code by_event_type[].invalid_by_reason} in the JSON report. */
    public Map<String, Long> invalidByReason() {
      return invalidByReason;
    }

    /** {@code by_event_type[].lateness} in the JSON report. */
    public Buckets lateness() {
      return lateness;
    }

    /** {@code by_event_type[].lateness_percentiles_ms} in the JSON report. */
    public Percentiles latenessPercentilesMs() {
      return latenessPercentilesMs;
    }

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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class Row {
    private final String hour;
    private final String eventType;
    private final String platform;
    private final String appVersion;
    private final long events;
    private final long valid;
    private final long invalid;
    private final long duplicates;
    private final Map<String, Long> invalidByReason;
    private final Buckets lateness;

    /** {@code by_event_hour[].hour} in the JSON report. */
    public String hour() {
      return hour;
    }

    /** {@code by_event_hour[].event_type} in the JSON report. */
    public String eventType() {
      return eventType;
    }

    /** {@code by_event_hour[].platform} in the JSON report. */
    public String platform() {
      return platform;
    }

    /** {@code by_event_hour[].app_version} in the JSON report. */
    public String appVersion() {
      return appVersion;
    }

    /** {@code by_event_hour[].events} in the JSON report. */
    public long events() {
      return events;
    }

    /** {@code by_event_hour[].valid} in the JSON report. */
    public long valid() {
      return valid;
    }

    /** {@code by_event_hour[].invalid} in the JSON report. */
    public long invalid() {
      return invalid;
    }

    /** {@code by_event_hour[].duplicates} in the JSON report. */
    public long duplicates() {
      return duplicates;
    }

    /** {@code by_event_hour[].invalid_by_reason} in the JSON report. */
    public Map<String, Long> invalidByReason() {
      return invalidByReason;
    }

    /** {@code by_event_hour[].lateness} in the JSON report. */
    public Buckets lateness() {
      return lateness;
    }

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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class Completeness {
    private final String hour;
    private final String eventType;
    private final long events;
    private final Map<String, Long> arrivedBy;
    private final Map<String, Double> shareBy;

    /** {@code completeness[].hour} in the JSON report. */
    public String hour() {
      return hour;
    }

    /** {@code completeness[].event_type} in the JSON report. */
    public String eventType() {
      return eventType;
    }

    /** {@code completeness[].events} in the JSON report. */
    public long events() {
      return events;
    }

    /** {@code completeness[].arrived_by} in the JSON report. */
    public Map<String, Long> arrivedBy() {
      return arrivedBy;
    }

    /** {@code completeness[].share_by} in the JSON report. */
    public Map<String, Double> shareBy() {
      return shareBy;
    }

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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class ViolationSummary {
    private final @Nullable String eventType;
    private final String reason;
    private final String code;
    private final @Nullable String path;
    private final long count;
    private final @Nullable String exampleEventId;
    private final @Nullable String expected;
    private final @Nullable String actual;
    private final String message;

    /** {@code violations[].event_type} in the JSON report. */
    public @Nullable String eventType() {
      return eventType;
    }

    /** {@code violations[].reason} in the JSON report. */
    public String reason() {
      return reason;
    }

    /** {@code violations[].code} in the JSON report. */
    public String code() {
      return code;
    }

    /** {@code violations[].path} in the JSON report. */
    public @Nullable String path() {
      return path;
    }

    /** {@code violations[].count} in the JSON report. */
    public long count() {
      return count;
    }

    /** {@code violations[].example_event_id} in the JSON report. */
    public @Nullable String exampleEventId() {
      return exampleEventId;
    }

    /** {@code violations[].expected} in the JSON report. */
    public @Nullable String expected() {
      return expected;
    }

    /** {@code violations[].actual} in the JSON report. */
    public @Nullable String actual() {
      return actual;
    }

    /** {@code violations[].message} in the JSON report. */
    public String message() {
      return message;
    }

    ViolationSummary(
        @Nullable String eventType,
        String reason,
        String code,
        @Nullable String path,
        long count,
        @Nullable String exampleEventId,
        @Nullable String expected,
        @Nullable String actual,
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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class Producer {
    private final String producerId;
    private final long events;
    private final long firstSequence;
    private final long lastSequence;
    private final long distinctSequences;
    private final long missing;
    private final long gapCount;
    private final List<long[]> gaps;
    private final long repeats;
    private final boolean audited;
    private final long reportedDropped;
    private final long lost;
    private final List<TypeDelivery> byType;

    /** {@code producers[].producer_id} in the JSON report. */
    public String producerId() {
      return producerId;
    }

    /** {@code producers[].events} in the JSON report. */
    public long events() {
      return events;
    }

    /** {@code producers[].first_sequence} in the JSON report. */
    public long firstSequence() {
      return firstSequence;
    }

    /** {@code producers[].last_sequence} in the JSON report. */
    public long lastSequence() {
      return lastSequence;
    }

    /** {@code producers[].distinct_sequences} in the JSON report. */
    public long distinctSequences() {
      return distinctSequences;
    }

    /** {@code producers[].missing} in the JSON report. */
    public long missing() {
      return missing;
    }

    /** {@code producers[].gap_count} in the JSON report. */
    public long gapCount() {
      return gapCount;
    }

    /** {@code producers[].gaps} in the JSON report. */
    public List<long[]> gaps() {
      return gaps;
    }

    /** {@code producers[].repeats} in the JSON report. */
    public long repeats() {
      return repeats;
    }

    /** {@code producers[].audited} in the JSON report. */
    public boolean audited() {
      return audited;
    }

    /** {@code producers[].reported_dropped} in the JSON report. */
    public long reportedDropped() {
      return reportedDropped;
    }

    /** {@code producers[].lost} in the JSON report. */
    public long lost() {
      return lost;
    }

    /** {@code producers[].by_type} in the JSON report. */
    public List<TypeDelivery> byType() {
      return byType;
    }

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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class TypeDelivery {
    private final String eventType;
    private final long accepted;
    private final long sent;
    private final long arrived;
    private final long dropped;
    private final Map<String, Long> droppedByReason;
    private final long lost;

    /** {@code producers[].by_type[].event_type} in the JSON report. */
    public String eventType() {
      return eventType;
    }

    /** {@code producers[].by_type[].accepted} in the JSON report. */
    public long accepted() {
      return accepted;
    }

    /** {@code producers[].by_type[].sent} in the JSON report. */
    public long sent() {
      return sent;
    }

    /** {@code producers[].by_type[].arrived} in the JSON report. */
    public long arrived() {
      return arrived;
    }

    /** {@code producers[].by_type[].dropped} in the JSON report. */
    public long dropped() {
      return dropped;
    }

    /** {@code producers[].by_type[].dropped_by_reason} in the JSON report. */
    public Map<String, Long> droppedByReason() {
      return droppedByReason;
    }

    /** {@code producers[].by_type[].lost} in the JSON report. */
    public long lost() {
      return lost;
    }

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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class FastPath {
    private final long envelopeFallbacks;

    private final long payloadFallbacks;

    private final long validFallbacks;

    /** Events whose envelope the wire reader gave up on, so the generated parser read it. */
    public long envelopeFallbacks() {
      return envelopeFallbacks;
    }

    /** Events whose protobuf payload the wire check was not sure of, so it was decoded. */
    public long payloadFallbacks() {
      return payloadFallbacks;
    }

    /** Valid events among those: each one took the slow path without being uncommon. */
    public long validFallbacks() {
      return validFallbacks;
    }

    FastPath(long envelopeFallbacks, long payloadFallbacks, long validFallbacks) {
      this.envelopeFallbacks = envelopeFallbacks;
      this.payloadFallbacks = payloadFallbacks;
      this.validFallbacks = validFallbacks;
    }
  }

  /** Delivery totals over all producers. */
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class Delivery {
    private final long producers;
    private final long auditedProducers;
    private final long sequenceGaps;
    private final long missing;
    private final long reportedDropped;
    private final long lost;

    /** {@code delivery.producers} in the JSON report. */
    public long producers() {
      return producers;
    }

    /** {@code delivery.audited_producers} in the JSON report. */
    public long auditedProducers() {
      return auditedProducers;
    }

    /** {@code delivery.sequence_gaps} in the JSON report. */
    public long sequenceGaps() {
      return sequenceGaps;
    }

    /** {@code delivery.missing} in the JSON report. */
    public long missing() {
      return missing;
    }

    /** {@code delivery.reported_dropped} in the JSON report. */
    public long reportedDropped() {
      return reportedDropped;
    }

    /** {@code delivery.lost} in the JSON report. */
    public long lost() {
      return lost;
    }

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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class Damage {
    private final long tornTails;
    private final long corrupt;
    private final long bytesSkipped;
    private final List<SourceDamage> regions;

    /** {@code source_damage.torn_tails} in the JSON report. */
    public long tornTails() {
      return tornTails;
    }

    /** {@code source_damage.corrupt} in the JSON report. */
    public long corrupt() {
      return corrupt;
    }

    /** {@code source_damage.bytes_skipped} in the JSON report. */
    public long bytesSkipped() {
      return bytesSkipped;
    }

    /** {@code source_damage.regions} in the JSON report. */
    public List<SourceDamage> regions() {
      return regions;
    }

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
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  public static final class SourceDamage {
    /** A file ending inside a record, as a writer killed mid-write leaves it. */
    public static final String TORN_TAIL = "torn_tail";

    /** Bytes that are no valid record, followed by a valid one or by too little to be torn. */
    public static final String CORRUPT = "corrupt";

    private final String kind;

    private final String file;

    private final long offset;

    private final long bytes;

    private final long afterRecord;

    private final String message;

    /** {@link #TORN_TAIL} or {@link #CORRUPT}. */
    public String kind() {
      return kind;
    }

    /** {@code source_damage.regions[].file} in the JSON report. */
    public String file() {
      return file;
    }

    /** Where the skipped bytes start, from the start of the file. */
    public long offset() {
      return offset;
    }

    /** {@code source_damage.regions[].bytes} in the JSON report. */
    public long bytes() {
      return bytes;
    }

    /** How many records of the file were read before the region. */
    public long afterRecord() {
      return afterRecord;
    }

    /** A sentence naming the file, the offset and what is wrong. */
    public String message() {
      return message;
    }

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
