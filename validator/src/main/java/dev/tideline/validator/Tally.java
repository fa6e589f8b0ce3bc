package dev.tideline.validator;

import java.io.Serializable;
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
 * <p>Tallies of parts of a run (such as its hours, or groups of event ids) {@link #merge} into the
 * tally of the whole; a tally is {@link Serializable}, so it can be kept and shipped between them.
 *
 * <p>Not thread-safe: feed it from one thread, then call {@link #report}.
 */
public final class Tally implements Serializable {
  /** Event ids remembered for duplicate detection: about 100 MB of heap at most. */
  public static final long DEFAULT_DEDUP_WINDOW = 1_000_000;

  /** The event type of the SDK's own delivery audit records. */
  public static final String AUDIT_EVENT_TYPE = "tideline.events.v1.ProducerAudit";

  /** The event type counted for an event whose envelope cannot be read. */
  static final String UNREADABLE_TYPE = "(unreadable)";

  private static final long serialVersionUID = 1L;

  // Filled from each event of add(RecordResult), so that both add methods count through count().
  private transient @Nullable TallyEntry scratch;
  private final DedupWindow seen;
  private final Duration clockSkewTolerance;
  // A copy without event ids (countsOnly()): it reports and merges, but cannot count events.
  private final boolean countsOnly;

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

  private Tally(DedupWindow seen, Duration clockSkewTolerance, boolean countsOnly) {
    this.seen = seen;
    this.clockSkewTolerance = clockSkewTolerance;
    this.countsOnly = countsOnly;
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
    return new Tally(new DedupWindow(dedupWindow), clockSkewTolerance, false);
  }

  /**
   * A copy of the counts without the event ids remembered to find duplicates, which are most of a
   * tally's size: for reports, and for merges into tallies of other event ids (other hours, other
   * groups of ids), as a stream processor sends its partial results on. It reports as this tally
   * does; it cannot count events, since duplicates of the ones it counted could not be found, and
   * merged into a tally it adds no ids to it.
   */
  public Tally countsOnly() {
    Tally copy = new Tally(seen.withoutIds(), clockSkewTolerance, true);
    copy.mergeCounts(this);
    return copy;
  }

  private void checkCounting() {
    if (countsOnly) {
      throw new IllegalStateException(
          "a counts-only tally cannot count events: the ids to find their duplicates are gone");
    }
  }

  /**
   * Counts a record and its events.
   *
   * @throws IllegalStateException if this is a {@link #countsOnly()} copy
   */
  public void add(RecordResult result) {
    checkCounting();
    Instant arrival = result.arrivalTime();
    if (countRecord(arrival, result.violations())) {
      return;
    }
    long arrivalMs = TallyEntry.clampedMillis(arrival);
    TallyEntry entry = scratch;
    if (entry == null) {
      entry = new TallyEntry();
      scratch = entry;
    }
    for (ValidatedEvent event : result.events()) {
      entry.set(event, arrival, arrivalMs);
      count(entry);
    }
  }

  /**
   * Counts an entry of a record validated elsewhere: the record too when the entry is its first.
   * The entries of a record counted by one tally, or spread over tallies that are then {@link
   * #merge merged}, count as {@link #add(RecordResult)} counts the record.
   *
   * @throws IllegalStateException if this is a {@link #countsOnly()} copy
   */
  public void add(TallyEntry entry) {
    checkCounting();
    if (entry.countsRecord && countRecord(entry.arrival, entry.recordViolations)) {
      return;
    }
    if (entry.hasEvent) {
      count(entry);
    }
  }

  /** Counts a record; true when it is malformed (its violations counted, no events). */
  private boolean countRecord(Instant arrival, List<Violation> recordViolations) {
    records++;
    if (firstArrival == null || arrival.isBefore(firstArrival)) {
      firstArrival = arrival;
    }
    if (lastArrival == null || arrival.isAfter(lastArrival)) {
      lastArrival = arrival;
    }
    if (recordViolations.isEmpty()) {
      return false;
    }
    malformedRecords++;
    malformedByReason.merge(recordViolations.get(0).kind().id(), 1L, Long::sum);
    for (Violation violation : recordViolations) {
      violations.add(null, null, violation);
    }
    return true;
  }

  /** Counts an event: the one path for records counted here and entries counted elsewhere. */
  private void count(TallyEntry event) {
    events++;
    UUID eventId = event.eventId;
    boolean duplicate = eventId != null && seen.seen(eventId);
    if (duplicate) {
      duplicates++;
    }
    boolean isValid = event.violations.isEmpty();
    int fallbacks = event.fallbacks;
    if (fallbacks != 0) {
      countFallbacks(fallbacks, isValid);
    }
    @Nullable String reason = isValid ? null : event.violations.get(0).kind().id();
    if (isValid) {
      valid++;
    } else {
      invalidByReason.merge(reason, 1L, Long::sum);
      for (Violation violation : event.violations) {
        violations.add(event.envelopeType, event.eventIdString, violation);
      }
    }
    String type = event.type;
    long arrivalMs = event.arrivalMs;
    long eventUs = event.eventTimeUs;
    boolean timed = isValid && !duplicate && eventUs > 0;
    long latenessMs = timed ? lateness.add(eventUs, event.sentTimeUs, arrivalMs) : -1;
    byType.add(type, reason, duplicate, latenessMs);
    byArrivalHour.add(
        Math.floorDiv(arrivalMs, VolumeRows.HOUR_MS),
        type,
        event.platform,
        event.appVersion,
        reason,
        duplicate,
        latenessMs);
    if (eventUs > 0) {
      long eventHour = Math.floorDiv(eventUs, VolumeRows.HOUR_MS * 1000L);
      byEventHour.add(
          eventHour, type, event.platform, event.appVersion, reason, duplicate, latenessMs);
      if (timed) {
        completeness.add(eventHour, type, arrivalMs);
      }
    }
    if (event.hasProducer) {
      delivery.add(
          event.producerHigh,
          event.producerLow,
          event.sequence,
          type,
          !duplicate && isValid && AUDIT_EVENT_TYPE.equals(type) ? event.payload : null,
          arrivalMs,
          false);
    }
  }

  /**
   * Adds another tally's counts to this one's, as if this tally had counted the other's records
   * too, and remembers its event ids for duplicate detection. Duplicates are found within each
   * tally, not between them: merge tallies of disjoint sets of event ids (such as tallies of
   * different event-time hours, or of different groups of event ids) to count as one tally of all
   * their records would. A violation's example is this tally's when both have one.
   *
   * @throws IllegalArgumentException if other is this tally
   */
  public void merge(Tally other) {
    if (other == this) {
      throw new IllegalArgumentException("a tally cannot merge itself");
    }
    mergeCounts(other);
    seen.merge(other.seen);
  }

  /** Adds the other tally's counts, all but its event ids. */
  private void mergeCounts(Tally other) {
    records += other.records;
    malformedRecords += other.malformedRecords;
    other.malformedByReason.forEach((k, v) -> malformedByReason.merge(k, v, Long::sum));
    events += other.events;
    valid += other.valid;
    duplicates += other.duplicates;
    other.invalidByReason.forEach((k, v) -> invalidByReason.merge(k, v, Long::sum));
    if (other.firstArrival != null
        && (firstArrival == null || other.firstArrival.isBefore(firstArrival))) {
      firstArrival = other.firstArrival;
    }
    if (other.lastArrival != null
        && (lastArrival == null || other.lastArrival.isAfter(lastArrival))) {
      lastArrival = other.lastArrival;
    }
    envelopeFallbacks += other.envelopeFallbacks;
    payloadFallbacks += other.payloadFallbacks;
    validFallbacks += other.validFallbacks;
    byEventHour.merge(other.byEventHour);
    byArrivalHour.merge(other.byArrivalHour);
    byType.merge(other.byType);
    lateness.merge(other.lateness);
    completeness.merge(other.completeness);
    violations.merge(other.violations);
    delivery.merge(other.delivery);
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
