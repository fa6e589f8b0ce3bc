package dev.tideline.validator;

import dev.tideline.wire.Envelopes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Counts what a validation run saw: valid and invalid events per event type × hour × platform × app
 * version (by event-time hour and by arrival hour), duplicates within a bounded window, lateness
 * buckets and percentiles, completeness of each event-time hour, and the delivery audit per
 * producer (sequence gaps, and reconciliation with {@code ProducerAudit} records).
 *
 * <p>Each concern has a class of its own: {@link DedupWindow}, {@link VolumeRows}, {@link
 * TypeTotals}, {@link LatenessTally}, {@link CompletenessCounts}, {@link ViolationTally} and {@link
 * DeliveryAudit}; this class keeps the run's totals, feeds each event to them, and assembles their
 * parts into the report.
 *
 * <p>Lateness and completeness count valid first copies only: an invalid event's times cannot be
 * trusted and a duplicate's lateness says nothing about the hour's completeness.
 *
 * <p>Not thread-safe: feed it from one thread, then call {@link #report}.
 */
public final class Tally {
  /** Event ids remembered for duplicate detection: about 100 MB of heap at most. */
  public static final long DEFAULT_DEDUP_WINDOW = 1_000_000;

  /** The event type of the SDK's own delivery audit records. */
  public static final String AUDIT_EVENT_TYPE = "tideline.events.v1.ProducerAudit";

  private static final Instant MIN_MILLIS = Instant.ofEpochMilli(Long.MIN_VALUE);
  private static final Instant MAX_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE);

  private final DedupWindow seen;
  private final Duration clockSkewTolerance;

  private long records;
  private long malformedRecords;
  private final Map<String, Long> malformedByReason = new TreeMap<>();
  private long events;
  private long valid;
  private long duplicates;
  private final Map<String, Long> invalidByReason = new TreeMap<>();
  private @Nullable Instant firstArrival;
  private @Nullable Instant lastArrival;
  private long envelopeFallbacks;
  private long payloadFallbacks;
  private long validFallbacks;

  private final VolumeRows byEventHour = new VolumeRows();
  private final VolumeRows byArrivalHour = new VolumeRows();
  private final TypeTotals byType = new TypeTotals();
  private final LatenessTally lateness = new LatenessTally();
  private final CompletenessCounts completeness = new CompletenessCounts();
  private final ViolationTally violations = new ViolationTally();
  private final DeliveryAudit delivery = new DeliveryAudit();

  private Tally(DedupWindow seen, Duration clockSkewTolerance) {
    this.seen = seen;
    this.clockSkewTolerance = clockSkewTolerance;
  }

  /** A tally with the default dedup window, for a validator with the default skew tolerance. */
  public static Tally create() {
    return create(DEFAULT_DEDUP_WINDOW, Validator.DEFAULT_CLOCK_SKEW_TOLERANCE);
  }

  /**
   * A tally remembering up to {@code dedupWindow} event ids.
   *
   * @param clockSkewTolerance the validator's, shown in the report's settings
   * @throws IllegalArgumentException if dedupWindow is not positive
   */
  public static Tally create(long dedupWindow, Duration clockSkewTolerance) {
    Objects.requireNonNull(clockSkewTolerance, "clockSkewTolerance");
    return new Tally(new DedupWindow(dedupWindow), clockSkewTolerance);
  }

  /** Counts a record and its events. */
  public void add(RecordResult result) {
    records++;
    Instant arrival = result.arrivalTime();
    if (firstArrival == null || arrival.isBefore(firstArrival)) {
      firstArrival = arrival;
    }
    if (lastArrival == null || arrival.isAfter(lastArrival)) {
      lastArrival = arrival;
    }
    if (!result.violations().isEmpty()) {
      malformedRecords++;
      malformedByReason.merge(result.violations().get(0).kind().id(), 1L, Long::sum);
      for (Violation violation : result.violations()) {
        violations.add(null, null, violation);
      }
      return;
    }
    // Clamped: an arrival time beyond a long of millis must not throw.
    long arrivalMs =
        arrival.isBefore(MIN_MILLIS)
            ? Long.MIN_VALUE
            : arrival.isAfter(MAX_MILLIS) ? Long.MAX_VALUE : arrival.toEpochMilli();
    for (ValidatedEvent event : result.events()) {
      add(event, arrivalMs);
    }
  }

  private void add(ValidatedEvent event, long arrivalMs) {
    events++;
    EnvelopeView envelope = event.view();
    UUID eventId = envelope == null ? null : envelope.eventUuid();
    boolean duplicate = eventId != null && seen.seen(eventId);
    if (duplicate) {
      duplicates++;
    }
    boolean isValid = event.isValid();
    int fallbacks = event.fastPathFallbacks();
    if (fallbacks != 0) {
      countFallbacks(fallbacks, isValid);
    }
    ViolationKind kind = event.reason(); // null when valid
    String reason = kind == null ? null : kind.id();
    if (isValid) {
      valid++;
    } else {
      invalidByReason.merge(reason, 1L, Long::sum);
      for (Violation violation : event.violations()) {
        violations.add(event.eventType(), event.eventIdString(), violation);
      }
    }
    String type = envelope == null ? "(unreadable)" : envelope.eventType;
    String platform = envelope == null ? "" : envelope.platformName();
    String appVersion = envelope == null ? "" : envelope.appVersion;
    long eventUs = envelope == null ? 0 : envelope.eventTimeUs;
    boolean timed = isValid && !duplicate && eventUs > 0;
    long latenessMs =
        timed && envelope != null ? lateness.add(eventUs, envelope.sentTimeUs, arrivalMs) : -1;
    byType.add(type, reason, duplicate, latenessMs);
    byArrivalHour.add(
        Math.floorDiv(arrivalMs, VolumeRows.HOUR_MS),
        type,
        platform,
        appVersion,
        reason,
        duplicate,
        latenessMs);
    if (eventUs > 0) {
      long eventHour = Math.floorDiv(eventUs, VolumeRows.HOUR_MS * 1000L);
      byEventHour.add(eventHour, type, platform, appVersion, reason, duplicate, latenessMs);
      if (timed) {
        completeness.add(eventHour, type, arrivalMs);
      }
    }
    if (envelope != null
        && envelope.producerIdLength == Envelopes.ID_LENGTH
        && envelope.sequence != 0) {
      delivery.add(envelope, type, !duplicate && isValid && AUDIT_EVENT_TYPE.equals(type));
    }
  }

  /** Counts where the validator's fast path handed an event to a parser. */
  private void countFallbacks(int fallbacks, boolean isValid) {
    if ((fallbacks & ValidatedEvent.ENVELOPE_FALLBACK) != 0) {
      envelopeFallbacks++;
    }
    if ((fallbacks & ValidatedEvent.PAYLOAD_FALLBACK) != 0) {
      payloadFallbacks++;
    }
    if (isValid) {
      validFallbacks++;
    }
  }

  /** Events counted so far. */
  public long events() {
    return events;
  }

  /** Records counted so far. */
  public long records() {
    return records;
  }

  /** Invalid events counted so far. */
  public long invalid() {
    return events - valid;
  }

  /**
   * The report of what was counted so far.
   *
   * @param source what was read, for the report's header
   * @param showPii whether to show values of fields tagged as personal data; masked otherwise
   */
  public ValidationReport report(String source, boolean showPii) {
    ValidationReport.Settings settings =
        new ValidationReport.Settings(
            clockSkewTolerance.toSeconds(),
            seen.size(),
            !showPii,
            LatenessCounts.BUCKETS,
            CompletenessCounts.CHECKPOINTS);
    ValidationReport.Totals totals =
        new ValidationReport.Totals(
            records,
            malformedRecords,
            events,
            valid,
            events - valid,
            duplicates,
            seen.evictions(),
            new TreeMap<>(invalidByReason),
            firstArrival == null ? null : firstArrival.toString(),
            lastArrival == null ? null : lastArrival.toString());
    List<ValidationReport.Producer> producers = delivery.producers();
    return new ValidationReport(
        Instant.now().toString(),
        source,
        settings,
        totals,
        new TreeMap<>(malformedByReason),
        lateness.report(),
        byType.report(),
        byEventHour.report(),
        byArrivalHour.report(),
        completeness.report(),
        violations.report(showPii),
        producers,
        DeliveryAudit.totals(producers),
        new ValidationReport.FastPath(envelopeFallbacks, payloadFallbacks, validFallbacks));
  }
}
