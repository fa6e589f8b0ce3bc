package dev.tideline.validator.flink.hourly;

import dev.tideline.schema.SchemaRegistry;
import dev.tideline.validator.DeliveryLedger;
import dev.tideline.validator.Tally;
import dev.tideline.validator.TallyEntry;
import dev.tideline.validator.Validator;
import dev.tideline.validator.source.SourceRecord;
import java.io.Serializable;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/**
 * The validator's counting as a Flink pipeline: validated events counted per event-time hour, with
 * a hot result when the hour's window closes plus {@link Builder#resultDelay}, updated results as
 * late events arrive within {@link Builder#allowedLateness}, and a cold result when it ends; events
 * later than that counted in too-late results of their hour. See
 * docs/decisions/0304-flink-hourly-results.md.
 *
 * <p>The input's timestamps and watermarks must follow the records' arrival times (as {@code
 * KinesisSource} stamps them, with a bounded-out-of-orderness strategy): the pipeline restamps each
 * event with its event time, so that it lands in its event-time hour, and keeps the arrival-time
 * watermarks, so that an hour closes when its events have arrived.
 *
 * <p>Immutable and serializable; made by {@link #builder()}.
 */
public final class HourlyValidation implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A minute after the hour's end: the report's "hot" lateness bucket. */
  public static final Duration DEFAULT_RESULT_DELAY = Duration.ofMinutes(1);

  /** Six hours after the hour's end: the report's "cold" lateness bucket starts there. */
  public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofHours(6);

  /** A producer not heard from for a week is forgotten by the delivery ledger. */
  public static final Duration DEFAULT_PRODUCER_IDLE_TIMEOUT = Duration.ofDays(7);

  /** At most one updated result per hour per minute of event-time progress. */
  public static final Duration DEFAULT_UPDATE_INTERVAL = Duration.ofMinutes(1);

  /**
   * The quarantine lines of bad events and unreadable records (the CLI's quarantine format), each
   * stamped with its record's arrival time: {@link Streams#quarantine()}.
   */
  static final OutputTag<String> QUARANTINE = new OutputTag<>("quarantine", Types.STRING);

  static final TypeInformation<TallyEntry> ENTRY_TYPE =
      new SerializerTypeInfo<>(TallyEntry.class, TallyEntrySerializer.INSTANCE);
  static final TypeInformation<Tally> TALLY_TYPE =
      new SerializerTypeInfo<>(Tally.class, HourlyResultSerializer.TallySerializer.INSTANCE);
  static final TypeInformation<DeliveryLedger> LEDGER_TYPE =
      new SerializerTypeInfo<>(
          DeliveryLedger.class, HourlyResultSerializer.LedgerSerializer.INSTANCE);
  static final TypeInformation<DeliveryResult> DELIVERY_TYPE =
      new SerializerTypeInfo<>(DeliveryResult.class, DeliveryResult.Serializer.INSTANCE);
  static final TypeInformation<HourlyResult> RESULT_TYPE =
      new SerializerTypeInfo<>(HourlyResult.class, HourlyResultSerializer.INSTANCE);

  private final List<String> schemas;
  private final Duration clockSkewTolerance;
  private final long resultDelayMs;
  private final long allowedLatenessMs;
  private final long updateIntervalMs;
  private final int buckets;
  private final boolean showPii;
  private final long producerIdleTimeoutMs;

  private HourlyValidation(Builder builder) {
    this.schemas = List.copyOf(builder.schemas);
    this.clockSkewTolerance = builder.clockSkewTolerance;
    this.resultDelayMs = builder.resultDelay.toMillis();
    this.allowedLatenessMs = builder.allowedLateness.toMillis();
    this.updateIntervalMs = builder.updateInterval.toMillis();
    this.buckets = builder.buckets;
    this.showPii = builder.showPii;
    this.producerIdleTimeoutMs = builder.producerIdleTimeout.toMillis();
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The hourly results of the records: hot, updated and cold results per event-time hour (one per
   * hour and firing, merged over the event-id buckets), and too-late results.
   *
   * @param records records stamped and watermarked by their arrival times
   */
  public DataStream<HourlyResult> apply(DataStream<SourceRecord> records) {
    return streams(records).results();
  }

  /**
   * The hourly results of the records, the producers' delivery across hours, and the quarantine
   * lines of their bad events.
   *
   * @param records records stamped and watermarked by their arrival times
   */
  public Streams streams(DataStream<SourceRecord> records) {
    int bucketCount = buckets > 0 ? buckets : records.getExecutionEnvironment().getParallelism();
    OutputTag<TallyEntry> tooLate = new OutputTag<>("too-late", ENTRY_TYPE);
    SingleOutputStreamOperator<TallyEntry> entries =
        records
            .transform("validate", ENTRY_TYPE, new ValidateOperator(this))
            .uid("tideline-validate");
    SingleOutputStreamOperator<HourlyResult> partials =
        entries
            .keyBy(new BucketOf(bucketCount), Types.INT)
            .window(TumblingEventTimeWindows.of(HourlyResult.HOUR))
            .allowedLateness(Duration.ofMillis(allowedLatenessMs))
            .trigger(new HourlyTrigger(resultDelayMs, allowedLatenessMs, updateIntervalMs))
            .sideOutputLateData(tooLate)
            .aggregate(
                new Count(clockSkewTolerance),
                new EmitPartial(allowedLatenessMs),
                TALLY_TYPE,
                TALLY_TYPE,
                RESULT_TYPE);
    partials.name("count per hour and bucket").uid("tideline-count-hour-bucket");
    DataStream<HourlyResult> merged =
        partials
            .keyBy(HourlyResult::hourStartMs, Types.LONG)
            .process(new MergeHour(clockSkewTolerance, allowedLatenessMs), RESULT_TYPE)
            .name("merge the hour's buckets")
            .uid("tideline-merge-hour");
    DataStream<HourlyResult> tooLateResults =
        partials
            .getSideOutput(tooLate)
            .keyBy(HourlyValidation::hourOf, Types.LONG)
            .process(new CountTooLate(clockSkewTolerance, updateIntervalMs), RESULT_TYPE)
            .name("count too-late events")
            .uid("tideline-count-too-late");
    DataStream<DeliveryResult> delivery =
        entries
            .filter(TallyEntry::hasProducer)
            .name("events with a producer")
            .uid("tideline-producer-events")
            .keyBy(new ProducerBucket(bucketCount), Types.INT)
            .process(new TrackDelivery(resultDelayMs, producerIdleTimeoutMs), DELIVERY_TYPE)
            .name("track delivery per producer")
            .uid("tideline-track-delivery")
            .keyBy(result -> 0, Types.INT)
            .process(new MergeDelivery(resultDelayMs, producerIdleTimeoutMs), DELIVERY_TYPE)
            .name("merge the producers' delivery")
            .uid("tideline-merge-delivery")
            .setParallelism(1);
    return new Streams(merged.union(tooLateResults), delivery, entries.getSideOutput(QUARANTINE));
  }

  /** The validator the job's tasks use: the catalogs on the classpath and in the schema paths. */
  Validator newValidator() {
    return Validator.builder(registry()).clockSkewTolerance(clockSkewTolerance).build();
  }

  private SchemaRegistry registry() {
    if (schemas.isEmpty()) {
      return SchemaRegistry.fromClasspath();
    }
    List<URL> urls = new ArrayList<>();
    for (String schema : schemas) {
      Path path = Paths.get(schema);
      if (!Files.exists(path)) {
        throw new IllegalArgumentException("schema path " + schema + " does not exist here");
      }
      try {
        urls.add(path.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("schema path " + schema + ": " + e.getMessage(), e);
      }
    }
    // The standard events come from the parent; the users' catalogs from the given paths.
    return SchemaRegistry.fromClassLoader(
        new URLClassLoader(urls.toArray(new URL[0]), SchemaRegistry.class.getClassLoader()));
  }

  /** The element timestamp of an entry: its event time, else its arrival time. */
  static long timestampOf(TallyEntry entry) {
    long eventUs = entry.eventTimeMicros();
    return eventUs > 0 ? Math.floorDiv(eventUs, 1000L) : entry.arrivalTime().toEpochMilli();
  }

  /** Whether quarantine lines keep personal data as read. */
  boolean showPii() {
    return showPii;
  }

  /** The start of the hour an entry is counted in, in epoch millis. */
  static long hourOf(TallyEntry entry) {
    long hourMs = HourlyResult.HOUR.toMillis();
    return Math.floorDiv(timestampOf(entry), hourMs) * hourMs;
  }

  /** A new tally of an hour: duplicates found exactly, since all copies of an event meet in it. */
  static Tally newTally(Duration clockSkewTolerance) {
    return Tally.create(Long.MAX_VALUE, clockSkewTolerance);
  }

  /** The bucket of an entry: by its event id, so that all copies of an event meet. */
  static final class BucketOf
      implements org.apache.flink.api.java.functions.KeySelector<TallyEntry, Integer> {
    private static final long serialVersionUID = 1L;
    private final int buckets;

    BucketOf(int buckets) {
      this.buckets = buckets;
    }

    @Override
    public Integer getKey(TallyEntry entry) {
      Object id = entry.eventId();
      int hash = id != null ? id.hashCode() : Long.hashCode(entry.arrivalTime().toEpochMilli());
      return Math.floorMod(hash, buckets);
    }
  }

  /** The bucket of an event with a producer: by its producer id, so a producer stays in one. */
  static final class ProducerBucket
      implements org.apache.flink.api.java.functions.KeySelector<TallyEntry, Integer> {
    private static final long serialVersionUID = 1L;
    private final int buckets;

    ProducerBucket(int buckets) {
      this.buckets = buckets;
    }

    @Override
    public Integer getKey(TallyEntry entry) {
      return Math.floorMod(Objects.hashCode(entry.producerId()), buckets);
    }
  }

  /** Counts an hour's entries of one bucket in a tally. */
  static final class Count implements AggregateFunction<TallyEntry, Tally, Tally> {
    private static final long serialVersionUID = 1L;
    private final Duration clockSkewTolerance;

    Count(Duration clockSkewTolerance) {
      this.clockSkewTolerance = clockSkewTolerance;
    }

    @Override
    public Tally createAccumulator() {
      return newTally(clockSkewTolerance);
    }

    @Override
    public Tally add(TallyEntry entry, Tally tally) {
      tally.add(entry);
      return tally;
    }

    @Override
    public Tally getResult(Tally tally) {
      return tally;
    }

    @Override
    public Tally merge(Tally a, Tally b) {
      a.merge(b);
      return a;
    }
  }

  /** What {@link #streams} makes of the records. */
  public static final class Streams {
    private final DataStream<HourlyResult> results;
    private final DataStream<DeliveryResult> delivery;
    private final DataStream<String> quarantine;

    Streams(
        DataStream<HourlyResult> results,
        DataStream<DeliveryResult> delivery,
        DataStream<String> quarantine) {
      this.results = results;
      this.delivery = delivery;
      this.quarantine = quarantine;
    }

    /** Hot, updated, cold and too-late results per event-time hour. */
    public DataStream<HourlyResult> results() {
      return results;
    }

    /**
     * The producers' delivery (gaps, repeats, audit reconciliation) over everything that arrived,
     * once per arrival hour in which events with a producer arrived, at its end plus the result
     * delay: gaps between event-time hours show here, where each hourly result sees only its hour.
     * {@link DeliveryReportSink} writes them as files.
     */
    public DataStream<DeliveryResult> delivery() {
      return delivery;
    }

    /**
     * The quarantine lines of bad events and unreadable records, in the CLI's quarantine format
     * (docs/formats/validation-report.md), each stamped with its record's arrival time; {@link
     * QuarantineSink} writes them to files per arrival hour.
     */
    public DataStream<String> quarantine() {
      return quarantine;
    }
  }

  /** Builds {@link HourlyValidation}; each setter checks its argument. */
  public static final class Builder {
    private List<String> schemas = List.of();
    private Duration clockSkewTolerance = Validator.DEFAULT_CLOCK_SKEW_TOLERANCE;
    private Duration resultDelay = DEFAULT_RESULT_DELAY;
    private Duration allowedLateness = DEFAULT_ALLOWED_LATENESS;
    private Duration updateInterval = DEFAULT_UPDATE_INTERVAL;
    private int buckets;
    private boolean showPii;
    private Duration producerIdleTimeout = DEFAULT_PRODUCER_IDLE_TIMEOUT;

    private Builder() {}

    /**
     * Jars or folders holding users' catalogs, beside the catalogs on the job's classpath, as the
     * CLI's {@code --schemas}: they must exist on every task manager.
     */
    public Builder schemas(List<String> schemas) {
      this.schemas = List.copyOf(Objects.requireNonNull(schemas, "schemas"));
      return this;
    }

    /** The validator's clock-skew tolerance, as the CLI's {@code --clock-skew-tolerance}. */
    public Builder clockSkewTolerance(Duration tolerance) {
      this.clockSkewTolerance = nonNegative(tolerance, "clockSkewTolerance");
      return this;
    }

    /** How long after an hour's end its hot result comes (in event time); default 1 minute. */
    public Builder resultDelay(Duration delay) {
      this.resultDelay = nonNegative(delay, "resultDelay");
      return this;
    }

    /**
     * How long after an hour's end its events still update it (in event time); then its cold result
     * comes, and later events are counted as too late; default 6 hours.
     */
    public Builder allowedLateness(Duration lateness) {
      this.allowedLateness = nonNegative(lateness, "allowedLateness");
      return this;
    }

    /** At most one updated result per hour in this much event-time progress; default 1 minute. */
    public Builder updateInterval(Duration interval) {
      Objects.requireNonNull(interval, "updateInterval");
      if (interval.toMillis() <= 0) {
        throw new IllegalArgumentException("updateInterval must be at least 1 ms, was " + interval);
      }
      this.updateInterval = interval;
      return this;
    }

    /**
     * Whether quarantine lines keep personal data as read, as the CLI's {@code --show-pii}; default
     * false: personal fields are masked.
     */
    public Builder showPii(boolean showPii) {
      this.showPii = showPii;
      return this;
    }

    /**
     * How long after its latest event arrived a producer is forgotten by the delivery results
     * (arrival time), so that their state does not grow with every producer ever seen; a gap across
     * a longer silence does not show. Default 7 days.
     */
    public Builder producerIdleTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "producerIdleTimeout");
      if (timeout.toMillis() <= 0) {
        throw new IllegalArgumentException(
            "producerIdleTimeout must be at least 1 ms, was " + timeout);
      }
      this.producerIdleTimeout = timeout;
      return this;
    }

    /**
     * How many groups of event ids each hour is counted in, in parallel; 0 (the default) for the
     * job's parallelism.
     */
    public Builder buckets(int buckets) {
      if (buckets < 0) {
        throw new IllegalArgumentException("buckets must not be negative, was " + buckets);
      }
      this.buckets = buckets;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException if the result delay is longer than the allowed lateness
     */
    public HourlyValidation build() {
      if (resultDelay.compareTo(allowedLateness) > 0) {
        throw new IllegalArgumentException(
            "resultDelay ("
                + resultDelay
                + ") must not be longer than allowedLateness ("
                + allowedLateness
                + ")");
      }
      return new HourlyValidation(this);
    }

    private static Duration nonNegative(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, was " + duration);
      }
      return duration;
    }
  }
}
