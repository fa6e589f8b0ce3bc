package dev.tideline.sdk;

import dev.tideline.sdk.sink.SinkRecord;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.KplRecords;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one KPL aggregated record for one shard, keeping its exact size as events are added so the
 * record never exceeds the maximum record size counting data and partition key. Sub-records carry
 * no explicit hash key: each is routed, and checked by the KCL, by the MD5 of its own partition
 * key. The record's explicit hash key is its first sub-record's hash key, inside the predicted
 * shard's range.
 *
 * <p><b>Sent time.</b> Each envelope's {@code sent_time_us} is stamped when the record is built for
 * sending, not when the aggregate opened. Sizes are kept exact while events are added by reserving
 * the sent-time field as the opening time encodes it. The build time is stamped when it encodes to
 * the same size, which holds for every real clock (microseconds since the epoch are 8-byte varints
 * from 1987 to the year 4253); otherwise (only clocks near 0 or negative, in tests) the opening
 * time is kept, so the record never differs from the size it was checked at. See {@link
 * #sentTime(long, long)}.
 *
 * <p>The bytes themselves (framing, sub-records, appended envelope fields) are written by {@link
 * KplRecords} and {@link Envelopes}, the one home of the wire format.
 *
 * <p>Worker-owned.
 */
final class Aggregator {
  private final int maxRecordBytes;
  private final long openedMicros;
  private final List<TrackedEvent> events = new ArrayList<>();
  private final Map<String, Integer> keyIndex = new HashMap<>();
  private final List<byte[]> keys = new ArrayList<>();
  private int bodySize; // serialized AggregatedRecord size
  private int firstKeyBytes;
  private long firstAcceptedNanos = Long.MAX_VALUE;

  /**
   * @param openedMicros the clock when the aggregate opens; its encoded size is reserved for the
   *     sent-time field
   */
  Aggregator(int maxRecordBytes, long openedMicros) {
    this.maxRecordBytes = maxRecordBytes;
    this.openedMicros = openedMicros;
  }

  /**
   * The sent time to stamp on a record built at {@code builtMicros} whose size was reserved with
   * {@code reservedMicros}: the build time if its field has the same size (0: no field), else the
   * reserved time.
   */
  static long sentTime(long reservedMicros, long builtMicros) {
    return Envelopes.sentTimeSize(builtMicros) == Envelopes.sentTimeSize(reservedMicros)
        ? builtMicros
        : reservedMicros;
  }

  /** Adds the event if the record still fits the limit; false (and unchanged) otherwise. */
  boolean tryAdd(TrackedEvent event) {
    Integer index = keyIndex.get(event.partitionKey);
    byte[] key = null;
    int added = 0;
    int keyIndexValue;
    if (index == null) {
      key = event.partitionKey.getBytes(StandardCharsets.UTF_8);
      added += KplRecords.partitionKeySize(key.length);
      keyIndexValue = keys.size();
    } else {
      keyIndexValue = index;
    }
    added += KplRecords.recordSize(keyIndexValue, event.dataSize(openedMicros));
    int recordKeyBytes = events.isEmpty() ? (key != null ? key.length : 0) : firstKeyBytes;
    long total = (long) KplRecords.OVERHEAD + bodySize + added + recordKeyBytes;
    if (total > maxRecordBytes) {
      return false;
    }
    if (key != null) {
      keyIndex.put(event.partitionKey, keyIndexValue);
      keys.add(key);
    }
    if (events.isEmpty()) {
      firstKeyBytes = recordKeyBytes;
    }
    events.add(event);
    bodySize += added;
    firstAcceptedNanos = Math.min(firstAcceptedNanos, event.acceptedNanos);
    return true;
  }

  boolean isEmpty() {
    return events.isEmpty();
  }

  long firstAcceptedNanos() {
    return firstAcceptedNanos;
  }

  /** The events added, in order. */
  List<TrackedEvent> events() {
    return events;
  }

  /**
   * The record, stamped with the sent time for {@code builtMicros} (see {@link #sentTime}):
   * aggregated when it holds two or more events, otherwise the single envelope (as the KPL does,
   * saving the 20-byte frame and letting consumers read it without deaggregation).
   */
  OutRecord build(String laneKey, long builtMicros) {
    long sentTimeMicros = sentTime(openedMicros, builtMicros);
    TrackedEvent first = events.get(0);
    if (events.size() == 1) {
      return single(first, laneKey, sentTimeMicros);
    }
    byte[] out =
        KplRecords.encode(
            bodySize,
            coded -> {
              for (byte[] key : keys) {
                KplRecords.writePartitionKey(coded, key);
              }
              for (TrackedEvent event : events) {
                KplRecords.writeRecordHeader(
                    coded, keyIndex.get(event.partitionKey), event.dataSize(sentTimeMicros));
                event.writeData(coded, sentTimeMicros);
              }
            });
    SinkRecord record = SinkRecord.of(first.partitionKey, first.hashKey().toString(), out);
    return new OutRecord(new ArrayList<>(events), record, laneKey, true);
  }

  /** One event as its own Kinesis record, routed by its partition key. */
  static OutRecord single(TrackedEvent event, String laneKey, long sentTimeMicros) {
    List<TrackedEvent> one = new ArrayList<>(1);
    one.add(event);
    return new OutRecord(
        one, SinkRecord.of(event.partitionKey, event.data(sentTimeMicros)), laneKey, false);
  }
}
