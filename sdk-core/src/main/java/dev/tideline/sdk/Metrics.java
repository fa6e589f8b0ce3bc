package dev.tideline.sdk;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** The tracker's counters. Thread-safe; updates are lock-free. */
final class Metrics {
  /** Counts of one event type, for the audit record. */
  static final class TypeCounts {
    final LongAdder accepted = new LongAdder();
    final LongAdder sent = new LongAdder();
    // Sent events that an earlier run accepted (recovered from the spool): not this run's to audit.
    final LongAdder sentRecovered = new LongAdder();
    final ConcurrentHashMap<String, LongAdder> dropped = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, LongAdder> rejected = new ConcurrentHashMap<>();
  }

  final LongAdder accepted = new LongAdder();
  final LongAdder bytesAccepted = new LongAdder();
  final LongAdder[] rejected = adders(LogOutcome.values().length);
  final LongAdder sent = new LongAdder();
  final LongAdder deadLettered = new LongAdder();
  final LongAdder[] dropped = adders(DropReason.values().length);
  final LongAdder bytesSent = new LongAdder();
  final LongAdder recordsSent = new LongAdder();
  final LongAdder aggregatedRecordsSent = new LongAdder();
  final LongAdder putRecordsCalls = new LongAdder();
  final LongAdder putPayloadUnits = new LongAdder();
  final ConcurrentHashMap<String, LongAdder> retries = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, LongAdder> throttles = new ConcurrentHashMap<>();
  final LongAdder misroutedResent = new LongAdder();
  final LongAdder shardMapRefreshes = new LongAdder();
  final LongAdder listenerErrors = new LongAdder();
  final LongAdder storageProblems = new LongAdder();
  final LongAdder partitionKeyFallbacks = new LongAdder();
  final LongAdder requestWindowShrinks = new LongAdder();
  final LongAdder eventsWithIllFormedStrings = new LongAdder();
  final LongAdder piiValuesHashed = new LongAdder();
  final LongAdder piiValuesDropped = new LongAdder();
  final ConcurrentHashMap<String, TypeCounts> byType = new ConcurrentHashMap<>();

  // Latency, written by the worker only.
  final AtomicLong latencyCount = new AtomicLong();
  final AtomicLong latencySum = new AtomicLong();
  final AtomicLong latencyMax = new AtomicLong();
  final AtomicLongArray latencyBuckets = new AtomicLongArray(64);

  private static LongAdder[] adders(int n) {
    LongAdder[] out = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      out[i] = new LongAdder();
    }
    return out;
  }

  TypeCounts type(String eventType) {
    TypeCounts counts = byType.get(eventType);
    if (counts == null) {
      counts = new TypeCounts();
      TypeCounts raced = byType.putIfAbsent(eventType, counts);
      if (raced != null) {
        counts = raced;
      }
    }
    return counts;
  }

  static void increment(ConcurrentHashMap<String, LongAdder> map, String key, long n) {
    LongAdder adder = map.get(key);
    if (adder == null) {
      adder = new LongAdder();
      LongAdder raced = map.putIfAbsent(key, adder);
      if (raced != null) {
        adder = raced;
      }
    }
    adder.add(n);
  }

  void latency(long micros) {
    if (micros < 0) {
      micros = 0;
    }
    latencyCount.incrementAndGet();
    latencySum.addAndGet(micros);
    if (micros > latencyMax.get()) {
      latencyMax.set(micros); // worker-only writer
    }
    int bucket = micros == 0 ? 0 : 64 - Long.numberOfLeadingZeros(micros);
    latencyBuckets.incrementAndGet(Math.min(63, bucket));
  }

  TrackerMetrics snapshot(
      long bufferedBytes, long bufferedEvents, long oldestAgeMicros, long maxRecordBytes) {
    Map<LogOutcome, Long> rejectedMap = new EnumMap<>(LogOutcome.class);
    for (LogOutcome outcome : LogOutcome.values()) {
      long n = rejected[outcome.ordinal()].sum();
      if (n > 0) {
        rejectedMap.put(outcome, n);
      }
    }
    Map<DropReason, Long> droppedMap = new EnumMap<>(DropReason.class);
    for (DropReason reason : DropReason.values()) {
      long n = dropped[reason.ordinal()].sum();
      if (n > 0) {
        droppedMap.put(reason, n);
      }
    }
    long[] buckets = new long[64];
    for (int i = 0; i < 64; i++) {
      buckets[i] = latencyBuckets.get(i);
    }
    return new TrackerMetrics(
        accepted.sum(),
        rejectedMap,
        sent.sum(),
        deadLettered.sum(),
        droppedMap,
        bytesAccepted.sum(),
        bytesSent.sum(),
        recordsSent.sum(),
        aggregatedRecordsSent.sum(),
        putRecordsCalls.sum(),
        putPayloadUnits.sum(),
        sums(retries),
        sums(throttles),
        bufferedBytes,
        bufferedEvents,
        oldestAgeMicros,
        maxRecordBytes,
        misroutedResent.sum(),
        shardMapRefreshes.sum(),
        listenerErrors.sum(),
        new TrackerMetrics.LatencySnapshot(
            latencyCount.get(), latencySum.get(), latencyMax.get(), buckets));
  }

  static Map<String, Long> sums(ConcurrentHashMap<String, LongAdder> map) {
    Map<String, Long> out = new TreeMap<>();
    for (Map.Entry<String, LongAdder> entry : map.entrySet()) {
      out.put(entry.getKey(), entry.getValue().sum());
    }
    return out;
  }
}
