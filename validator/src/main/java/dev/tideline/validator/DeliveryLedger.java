package dev.tideline.validator;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The delivery audit of producers over a long run, fed with {@link TallyEntry entries} counted
 * elsewhere: sequence gaps and repeats, and reconciliation with the producers' own {@code
 * ProducerAudit} records, found across whatever boundaries split the events into tallies (hours,
 * groups of event ids). The rules are the {@link Tally}'s; an audit record is kept once per
 * sequence, since the ledger does not keep event ids. Producers not heard from for a while can be
 * forgotten, so that a long run's state stays bounded.
 *
 * <p>Not thread-safe. Serializable, for stream processors' state.
 */
public final class DeliveryLedger implements Serializable {
  private static final long serialVersionUID = 1L;

  private final DeliveryAudit audit = new DeliveryAudit();
  private long forgotten;
  private long lastArrivalMs = Long.MIN_VALUE;

  /** Counts an entry's producer and sequence; entries that name no producer are ignored. */
  public void add(TallyEntry entry) {
    if (!entry.hasEvent || !entry.hasProducer) {
      return;
    }
    boolean audit = entry.violations.isEmpty() && Tally.AUDIT_EVENT_TYPE.equals(entry.type);
    this.audit.add(
        entry.producerHigh,
        entry.producerLow,
        entry.sequence,
        entry.type,
        audit ? entry.payload : null,
        entry.arrivalMs,
        true);
    lastArrivalMs = Math.max(lastArrivalMs, entry.arrivalMs);
  }

  /**
   * Adds what the other ledger saw: a producer in both is audited over both, a sequence in both is
   * a repeat.
   *
   * @throws IllegalArgumentException if other is this ledger
   */
  public void merge(DeliveryLedger other) {
    if (other == this) {
      throw new IllegalArgumentException("a ledger cannot merge itself");
    }
    audit.merge(other.audit);
    forgotten += other.forgotten;
    lastArrivalMs = Math.max(lastArrivalMs, other.lastArrivalMs);
  }

  /**
   * Forgets the producers whose latest event arrived before a time: a later event of such a
   * producer starts its audit afresh (a gap across the forgotten time does not show).
   *
   * @return how many producers were forgotten now
   */
  public int forgetIdleBefore(Instant time) {
    int now = audit.forgetIdleBefore(TallyEntry.clampedMillis(time));
    forgotten += now;
    return now;
  }

  /** True when the ledger knows no producer. */
  public boolean isEmpty() {
    return audit.isEmpty();
  }

  /**
   * The delivery report of the producers known, as of a time.
   *
   * @param source what was read, for the report's header
   * @param asOf up to when events arrived, for the report's header
   */
  public DeliveryReport report(String source, Instant asOf) {
    List<ValidationReport.Producer> producers = audit.producers();
    return new DeliveryReport(
        Objects.requireNonNull(source, "source"),
        asOf.toString(),
        lastArrivalMs == Long.MIN_VALUE ? null : Instant.ofEpochMilli(lastArrivalMs).toString(),
        forgotten,
        DeliveryAudit.totals(producers),
        producers);
  }
}
