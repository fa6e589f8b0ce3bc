package dev.tideline.sdk;

import java.util.Collections;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a tracker's counters since it was built ({@link Tracker#metrics()}). Counters are
 * read one by one without a global lock, so a snapshot taken while events flow may be off by the
 * events in motion; each counter on its own is exact.
 *
 * <p>Immutable.
 */
public final class TrackerMetrics {
  /** Kinesis bills PUT payload units of 25 KB ("Amazon Kinesis Data Streams pricing"). */
  public static final int PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;

  final long eventsAccepted;
  final Map<LogOutcome, Long> rejected;
  final long eventsSent;
  final long eventsDeadLettered;
  final Map<DropReason, Long> dropped;
  final long bytesAccepted;
  final long bytesSent;
  final long recordsSent;
  final long aggregatedRecordsSent;
  final long putRecordsCalls;
  final long putPayloadUnits;
  final Map<String, Long> retriesByErrorCode;
  final Map<String, Long> throttlesByShard;
  final long bufferedBytes;
  final long bufferedEvents;
  final long oldestEventAgeMicros;
  final long maxRecordBytes;
  final long misroutedResent;
  final long shardMapRefreshes;
  final long listenerErrors;
  final LatencySnapshot latency;

  // Set by the tracker before the snapshot is handed out.
  @Nullable SpoolMetrics spool;
  long storageProblems;
  long partitionKeyFallbacks;
  long requestWindowShrinks;
  long eventsWithIllFormedStrings;
  long piiValuesHashed;
  long piiValuesDropped;

  TrackerMetrics(
      long eventsAccepted,
      Map<LogOutcome, Long> rejected,
      long eventsSent,
      long eventsDeadLettered,
      Map<DropReason, Long> dropped,
      long bytesAccepted,
      long bytesSent,
      long recordsSent,
      long aggregatedRecordsSent,
      long putRecordsCalls,
      long putPayloadUnits,
      Map<String, Long> retriesByErrorCode,
      Map<String, Long> throttlesByShard,
      long bufferedBytes,
      long bufferedEvents,
      long oldestEventAgeMicros,
      long maxRecordBytes,
      long misroutedResent,
      long shardMapRefreshes,
      long listenerErrors,
      LatencySnapshot latency) {
    this.eventsAccepted = eventsAccepted;
    this.rejected = Collections.unmodifiableMap(rejected);
    this.eventsSent = eventsSent;
    this.eventsDeadLettered = eventsDeadLettered;
    this.dropped = Collections.unmodifiableMap(dropped);
    this.bytesAccepted = bytesAccepted;
    this.bytesSent = bytesSent;
    this.recordsSent = recordsSent;
    this.aggregatedRecordsSent = aggregatedRecordsSent;
    this.putRecordsCalls = putRecordsCalls;
    this.putPayloadUnits = putPayloadUnits;
    this.retriesByErrorCode = Collections.unmodifiableMap(retriesByErrorCode);
    this.throttlesByShard = Collections.unmodifiableMap(throttlesByShard);
    this.bufferedBytes = bufferedBytes;
    this.bufferedEvents = bufferedEvents;
    this.oldestEventAgeMicros = oldestEventAgeMicros;
    this.maxRecordBytes = maxRecordBytes;
    this.misroutedResent = misroutedResent;
    this.shardMapRefreshes = shardMapRefreshes;
    this.listenerErrors = listenerErrors;
    this.latency = latency;
  }

  /** Events {@link Tracker#log(Object)} accepted (each got a sequence number). */
  public long eventsAccepted() {
    return eventsAccepted;
  }

  /** Events {@link Tracker#log(Object)} refused, by outcome; only outcomes that occurred. */
  public Map<LogOutcome, Long> rejected() {
    return rejected;
  }

  /** All refused events. */
  public long eventsRejected() {
    return sum(rejected);
  }

  /** Events Kinesis acknowledged. */
  public long eventsSent() {
    return eventsSent;
  }

  /** Events given up after retries (also counted in {@link #dropped()}). */
  public long eventsFailed() {
    return eventsDeadLettered;
  }

  /** Accepted events that were not delivered, by reason; only reasons that occurred. */
  public Map<DropReason, Long> dropped() {
    return dropped;
  }

  /** All dropped events. */
  public long eventsDropped() {
    return sum(dropped);
  }

  /** Bytes of envelopes accepted. */
  public long bytesAccepted() {
    return bytesAccepted;
  }

  /** Bytes of acknowledged Kinesis records, data plus partition key (what Kinesis counts). */
  public long bytesSent() {
    return bytesSent;
  }

  /** Kinesis records acknowledged (aggregated or not). */
  public long recordsSent() {
    return recordsSent;
  }

  /** Of {@link #recordsSent()}, those in the KPL aggregated format. */
  public long aggregatedRecordsSent() {
    return aggregatedRecordsSent;
  }

  /** PutRecords calls made, including retries. */
  public long putRecordsCalls() {
    return putRecordsCalls;
  }

  /** PUT payload units of acknowledged records: each record's size rounded up to 25 KB units. */
  public long putPayloadUnits() {
    return putPayloadUnits;
  }

  /**
   * How full acknowledged records were: bytes sent divided by records sent times the maximum record
   * size (0 when nothing was sent).
   */
  public double aggregationFillRatio() {
    return recordsSent == 0 ? 0.0 : (double) bytesSent / ((double) recordsSent * maxRecordBytes);
  }

  /** Events per acknowledged Kinesis record (0 when nothing was sent). */
  public double eventsPerRecord() {
    return recordsSent == 0 ? 0.0 : (double) eventsSent / recordsSent;
  }

  /** Records resent after a failed entry, by error code. */
  public Map<String, Long> retriesByErrorCode() {
    return retriesByErrorCode;
  }

  /** Throttled entries by shard id ("unknown" while no shard map is known). */
  public Map<String, Long> throttlesByShard() {
    return throttlesByShard;
  }

  /** Bytes accepted and not yet acknowledged or dropped (buffered, aggregating or in flight). */
  public long bufferedBytes() {
    return bufferedBytes;
  }

  /** Events accepted and not yet acknowledged or dropped. */
  public long bufferedEvents() {
    return bufferedEvents;
  }

  /** Age of the oldest event not yet acknowledged or dropped, in microseconds; 0 if none. */
  public long oldestEventAgeMicros() {
    return oldestEventAgeMicros;
  }

  /** Sub-records resent because their record landed in another shard than predicted. */
  public long misroutedResent() {
    return misroutedResent;
  }

  /** Times the shard map was loaded. */
  public long shardMapRefreshes() {
    return shardMapRefreshes;
  }

  /** The spool's counters, or null when the tracker has no spool. */
  public @Nullable SpoolMetrics spool() {
    return spool;
  }

  /**
   * Problems with the spool's disk reported so far (see {@link TrackerListener#onStorageProblem}).
   */
  public long storageProblems() {
    return storageProblems;
  }

  /**
   * Events sent with the producer's key because the {@link PartitionKeyStrategy} threw or returned
   * a key that is null, empty or longer than 256 characters (logged once per cause).
   */
  public long partitionKeyFallbacks() {
    return partitionKeyFallbacks;
  }

  /**
   * How many times PutRecords calls that did not complete (timed out, connection failed) made the
   * tracker halve the size and number of its calls; they grow back as calls complete (logged once).
   */
  public long requestWindowShrinks() {
    return requestWindowShrinks;
  }

  /**
   * Accepted events with at least one string holding a lone UTF-16 surrogate (half of a character
   * outside the Basic Multilingual Plane, such as an emoji cut in two): protobuf cannot encode it
   * as UTF-8 and sends {@code ?} in its place. The event is sent, not refused; see {@link
   * TrackerListener#onIllFormedStrings} and docs/decisions/0105-ill-formed-strings.md.
   */
  public long eventsWithIllFormedStrings() {
    return eventsWithIllFormedStrings;
  }

  /**
   * String values of accepted events that the {@link PiiPolicy} replaced by their keyed hash
   * ({@link PiiPolicy.Action#HASH}).
   */
  public long piiValuesHashed() {
    return piiValuesHashed;
  }

  /**
   * Field values of accepted events that the {@link PiiPolicy} cleared ({@link
   * PiiPolicy.Action#DROP}, and {@link PiiPolicy.Action#HASH} of a field that is not a string); a
   * repeated field counts once per occurrence on the wire.
   */
  public long piiValuesDropped() {
    return piiValuesDropped;
  }

  /** Exceptions thrown by the listener (swallowed). */
  public long listenerErrors() {
    return listenerErrors;
  }

  /** End-to-end latency: from {@code log()} to the acknowledgement. */
  public LatencySnapshot latency() {
    return latency;
  }

  private static long sum(Map<?, Long> counts) {
    long total = 0;
    for (Long count : counts.values()) {
      total += count;
    }
    return total;
  }

  @Override
  public String toString() {
    return "TrackerMetrics{accepted="
        + eventsAccepted
        + ", rejected="
        + rejected
        + ", sent="
        + eventsSent
        + ", failed="
        + eventsDeadLettered
        + ", dropped="
        + dropped
        + ", records="
        + recordsSent
        + ", calls="
        + putRecordsCalls
        + ", buffered="
        + bufferedBytes
        + "B, retries="
        + retriesByErrorCode
        + ", latency="
        + latency
        + "}";
  }

  /**
   * A latency distribution in microseconds, from a histogram with power-of-two buckets (so
   * percentiles are upper bounds within a factor of two).
   */
  public static final class LatencySnapshot {
    final long count;
    final long sumMicros;
    final long maxMicros;
    final long[] buckets;

    LatencySnapshot(long count, long sumMicros, long maxMicros, long[] buckets) {
      this.count = count;
      this.sumMicros = sumMicros;
      this.maxMicros = maxMicros;
      this.buckets = buckets;
    }

    /** Events measured. */
    public long count() {
      return count;
    }

    /** Mean latency, µs (0 if none). */
    public long meanMicros() {
      return count == 0 ? 0 : sumMicros / count;
    }

    /** Largest latency seen, µs. */
    public long maxMicros() {
      return maxMicros;
    }

    /**
     * An upper bound of the given percentile, µs (0 if none).
     *
     * @param percentile 0 to 100
     */
    public long percentileMicros(double percentile) {
      if (count == 0) {
        return 0;
      }
      long rank = (long) Math.ceil(percentile / 100.0 * count);
      long seen = 0;
      for (int i = 0; i < buckets.length; i++) {
        seen += buckets[i];
        if (seen >= rank && buckets[i] > 0) {
          return Math.min(maxMicros, i == 0 ? 1 : (1L << i));
        }
      }
      return maxMicros;
    }

    @Override
    public String toString() {
      return "{count="
          + count
          + ", mean="
          + meanMicros()
          + "us, p99<="
          + percentileMicros(99)
          + "us, max="
          + maxMicros
          + "us}";
    }
  }
}
