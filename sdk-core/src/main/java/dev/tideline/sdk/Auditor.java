package dev.tideline.sdk;

import dev.tideline.events.v1.ProducerAudit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Builds the tracker's {@code ProducerAudit} records: per period, the sequence range given and, per
 * event type, the events accepted, sent, dropped (by reason) and refused (by outcome) since the
 * last record, from the tracker's running totals and a baseline of the last record. The tracker
 * logs each record through its own pipeline, so the validator can compare what a producer says it
 * sent with what arrived.
 *
 * <p>Worker-owned.
 */
final class Auditor {
  private final EventBuffer buffer;
  private final Metrics metrics;
  private final Clock clock;
  private long periodNanos; // 0: no audit
  private long nextNanos;
  private long periodStartMicros;
  private long lastSequence;
  private final Map<String, long[]> sentBaseline = new HashMap<>(); // {accepted, sent} per type
  private final Map<String, Long> countBaseline = new HashMap<>(); // dropped and refused counts

  Auditor(long periodNanos, EventBuffer buffer, Metrics metrics, Clock clock) {
    this.periodNanos = periodNanos;
    this.buffer = buffer;
    this.metrics = metrics;
    this.clock = clock;
    // With a spool the sequence continues from an earlier run; its ranges were that run's to audit.
    this.lastSequence = buffer.lastSequence();
  }

  /** Starts the first period now; without the audit schema there is no audit. */
  void start(long nowNanos, boolean schemaKnown) {
    periodStartMicros = clock.currentTimeMicros();
    if (!schemaKnown) {
      periodNanos = 0;
    }
    if (periodNanos > 0) {
      nextNanos = nowNanos + periodNanos;
    }
  }

  boolean isOn() {
    return periodNanos > 0;
  }

  /** Whether a period ended; if so, starts the next one (the caller then logs {@link #record}). */
  boolean periodEnded(long nowNanos) {
    if (periodNanos > 0 && nowNanos >= nextNanos) {
      nextNanos = nowNanos + periodNanos;
      return true;
    }
    return false;
  }

  /** When the current period ends; Long.MAX_VALUE without audit. */
  long nextDueNanos() {
    return periodNanos > 0 ? nextNanos : Long.MAX_VALUE;
  }

  /** The record of the period that ends now; the next period starts. */
  ProducerAudit record() {
    long now = clock.currentTimeMicros();
    ProducerAudit.Builder audit =
        ProducerAudit.newBuilder().setPeriodStartUs(periodStartMicros).setPeriodEndUs(now);
    long last = buffer.lastSequence();
    if (last > lastSequence) {
      audit.setFirstSequence(lastSequence + 1).setLastSequence(last);
    }
    for (Map.Entry<String, Metrics.TypeCounts> entry : metrics.byType.entrySet()) {
      Metrics.TypeCounts counts = entry.getValue();
      String type = entry.getKey();
      long[] base = sentBaseline.get(type);
      if (base == null) {
        base = new long[2];
        sentBaseline.put(type, base);
      }
      long accepted = counts.accepted.sum();
      // Only what this run accepted: events recovered from an earlier run's spool lie outside
      // this run's sequence ranges, and the validator counts sent events inside them.
      long sent = counts.sent.sum() - counts.sentRecovered.sum();
      ProducerAudit.TypeCounts.Builder typeCounts =
          ProducerAudit.TypeCounts.newBuilder()
              .setEventType(type)
              .setAccepted(accepted - base[0])
              .setSent(sent - base[1]);
      base[0] = accepted;
      base[1] = sent;
      boolean any = typeCounts.getAccepted() > 0 || typeCounts.getSent() > 0;
      any |= delta(type, "d:", counts.dropped, typeCounts, true);
      any |= delta(type, "r:", counts.rejected, typeCounts, false);
      if (any) {
        audit.addCounts(typeCounts);
      }
    }
    periodStartMicros = now;
    lastSequence = last;
    return audit.build();
  }

  private boolean delta(
      String type,
      String prefix,
      ConcurrentHashMap<String, LongAdder> counts,
      ProducerAudit.TypeCounts.Builder out,
      boolean dropped) {
    boolean any = false;
    for (Map.Entry<String, LongAdder> entry : counts.entrySet()) {
      String key = prefix + type + "\u0000" + entry.getKey();
      long total = entry.getValue().sum();
      Long base = countBaseline.get(key);
      long delta = total - (base == null ? 0 : base);
      countBaseline.put(key, total);
      if (delta > 0) {
        any = true;
        if (dropped) {
          out.putDropped(entry.getKey(), delta);
        } else {
          out.putRejected(entry.getKey(), delta);
        }
      }
    }
    return any;
  }
}
