package dev.tideline.sdk.micrometer;

import dev.tideline.sdk.DropReason;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.TrackerMetrics;
import dev.tideline.sdk.sink.ErrorCodes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Publishes a tracker's {@link TrackerMetrics} as Micrometer meters, tagged with the stream name
 * (and any extra tags): counters {@code tideline.events.accepted/sent/failed}, {@code
 * tideline.events.rejected} by {@code outcome}, {@code tideline.events.dropped} by {@code reason},
 * {@code tideline.records.sent}, {@code tideline.bytes.sent}, {@code tideline.putrecords.calls},
 * {@code tideline.put.payload.units}, {@code tideline.retries} by {@code error.code}, and gauges
 * {@code tideline.buffer.bytes}, {@code tideline.buffer.events}, {@code tideline.oldest.event.age},
 * {@code tideline.aggregation.fill.ratio}, {@code tideline.latency.mean} and {@code
 * tideline.latency.max}.
 *
 * <p>Meters read the tracker's counters when the registry polls them. Thread-safe.
 *
 * <pre>{@code
 * new TrackerMeterBinder(tracker).bindTo(registry);
 * }</pre>
 */
public final class TrackerMeterBinder implements MeterBinder {
  private static final String[] RETRY_CODES = {
    ErrorCodes.THROTTLED,
    ErrorCodes.KMS_THROTTLED,
    ErrorCodes.LIMIT_EXCEEDED,
    ErrorCodes.INTERNAL_FAILURE,
    ErrorCodes.TRANSPORT_ERROR,
    ErrorCodes.SINK_ERROR
  };

  private final Tracker tracker;
  private final Tags tags;

  /** A binder tagging meters with {@code stream=<stream name>}. */
  public TrackerMeterBinder(Tracker tracker) {
    this(tracker, Tags.empty());
  }

  /**
   * A binder tagging meters with {@code stream=<stream name>} and the extra tags.
   *
   * @throws NullPointerException if an argument is null
   */
  public TrackerMeterBinder(Tracker tracker, Iterable<Tag> extraTags) {
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.tags =
        Tags.of(Objects.requireNonNull(extraTags, "extraTags")).and("stream", tracker.streamName());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(
        registry,
        "tideline.events.accepted",
        "events log() accepted",
        Tags.empty(),
        TrackerMetrics::eventsAccepted);
    counter(
        registry,
        "tideline.events.sent",
        "events Kinesis acknowledged",
        Tags.empty(),
        TrackerMetrics::eventsSent);
    counter(
        registry,
        "tideline.events.failed",
        "events dead-lettered after retries",
        Tags.empty(),
        TrackerMetrics::eventsFailed);
    for (final LogOutcome outcome : LogOutcome.values()) {
      if (outcome == LogOutcome.ACCEPTED) {
        continue;
      }
      counter(
          registry,
          "tideline.events.rejected",
          "events log() refused",
          Tags.of("outcome", outcome.name().toLowerCase(Locale.ROOT)),
          m -> count(m.rejected().get(outcome)));
    }
    for (final DropReason reason : DropReason.values()) {
      counter(
          registry,
          "tideline.events.dropped",
          "accepted events not delivered",
          Tags.of("reason", reason.key()),
          m -> count(m.dropped().get(reason)));
    }
    counter(
        registry,
        "tideline.records.sent",
        "Kinesis records acknowledged",
        Tags.empty(),
        TrackerMetrics::recordsSent);
    counter(
        registry,
        "tideline.bytes.sent",
        "bytes acknowledged, data plus partition keys",
        Tags.empty(),
        TrackerMetrics::bytesSent);
    counter(
        registry,
        "tideline.putrecords.calls",
        "PutRecords calls made",
        Tags.empty(),
        TrackerMetrics::putRecordsCalls);
    counter(
        registry,
        "tideline.put.payload.units",
        "25 KB PUT payload units acknowledged",
        Tags.empty(),
        TrackerMetrics::putPayloadUnits);
    counter(
        registry,
        "tideline.events.ill_formed_strings",
        "accepted events sent with '?' for a lone UTF-16 surrogate",
        Tags.empty(),
        TrackerMetrics::eventsWithIllFormedStrings);
    counter(
        registry,
        "tideline.pii.values",
        "personal values the PII policy changed",
        Tags.of("action", "hashed"),
        TrackerMetrics::piiValuesHashed);
    counter(
        registry,
        "tideline.pii.values",
        "personal values the PII policy changed",
        Tags.of("action", "dropped"),
        TrackerMetrics::piiValuesDropped);
    for (final String code : RETRY_CODES) {
      counter(
          registry,
          "tideline.retries",
          "records resent after a failed entry",
          Tags.of("error.code", code),
          m -> count(m.retriesByErrorCode().get(code)));
    }
    gauge(
        registry,
        "tideline.buffer.bytes",
        "bytes accepted and not yet acknowledged or dropped",
        "bytes",
        TrackerMetrics::bufferedBytes);
    gauge(
        registry,
        "tideline.buffer.events",
        "events accepted and not yet acknowledged or dropped",
        null,
        TrackerMetrics::bufferedEvents);
    gauge(
        registry,
        "tideline.aggregation.fill.ratio",
        "bytes sent per record over the maximum record size",
        null,
        TrackerMetrics::aggregationFillRatio);
    timeGauge(
        registry,
        "tideline.oldest.event.age",
        "age of the oldest undelivered event",
        TrackerMetrics::oldestEventAgeMicros);
    timeGauge(
        registry,
        "tideline.latency.mean",
        "mean time from log() to acknowledgement",
        m -> m.latency().meanMicros());
    timeGauge(
        registry,
        "tideline.latency.max",
        "longest time from log() to acknowledgement",
        m -> m.latency().maxMicros());
  }

  private static double count(@Nullable Long value) {
    return value == null ? 0.0 : value;
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      Tags extra,
      final ToDoubleFunction<TrackerMetrics> read) {
    FunctionCounter.builder(name, tracker, t -> read.applyAsDouble(t.metrics()))
        .description(description)
        .tags(tags.and(extra))
        .register(registry);
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String description,
      @Nullable String unit,
      final ToDoubleFunction<TrackerMetrics> read) {
    Gauge.Builder<Tracker> builder =
        Gauge.builder(name, tracker, t -> read.applyAsDouble(t.metrics()))
            .description(description)
            .tags(tags);
    if (unit != null) {
      builder.baseUnit(unit);
    }
    builder.register(registry);
  }

  private void timeGauge(
      MeterRegistry registry,
      String name,
      String description,
      final ToDoubleFunction<TrackerMetrics> readMicros) {
    TimeGauge.builder(
            name, tracker, TimeUnit.MICROSECONDS, t -> readMicros.applyAsDouble(t.metrics()))
        .description(description)
        .tags(tags)
        .register(registry);
  }
}
