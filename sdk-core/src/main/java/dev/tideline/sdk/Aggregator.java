package dev.tideline.sdk;

import com.google.protobuf.CodedOutputStream;
import dev.tideline.sdk.sink.SinkRecord;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.KplRecords;
import dev.tideline.wire.WireTags;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds one KPL aggregated record for one shard, keeping its exact size as events are added so the
 * record never exceeds the maximum record size counting data and partition key. Sub-records carry
 * no explicit hash key: each is routed, and checked by the KCL, by the MD5 of its own partition
 * key. The record's explicit hash key is its first sub-record's hash key, inside the predicted
 * shard's range.
 *
 * <p><b>Send delay.</b> Each envelope's {@code send_delay_us} (sent time − event time) is stamped
 * when the record is built for sending, not when the aggregate opened, so it grows while the
 * aggregate lingers. Sizes are kept within the limit while events are added by reserving, per
 * event, room for a delay 128 times the one at opening and at least 268 s ({@link
 * #reservedDelaySize}). At build time every event gets its true delay when all of them fit the room
 * reserved in total (the unused room of some makes up for the longer delays of others); otherwise
 * (a nearly full record built long after it opened) an event whose delay outgrew its own room gets
 * its delay at opening. The record is written at its exact size, never above the one it was checked
 * at.
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
   * @param openedMicros the clock when the aggregate opens, from which the room for each event's
   *     send delay is reserved
   */
  Aggregator(int maxRecordBytes, long openedMicros) {
    this.maxRecordBytes = maxRecordBytes;
    this.openedMicros = openedMicros;
  }

  /**
   * The least varint room reserved for a send delay: 4 bytes, delays up to 268 s, so that a worker
   * stalled for seconds still stamps true delays. Typical delays (16 ms to 2 s) take 3, so a full
   * record carries about 0.4% fewer 200-byte events than it could.
   */
  private static final int MIN_RESERVED_DELAY_VARINT = 4;

  /**
   * The bytes reserved for the {@code send_delay_us} field of an event whose delay is {@code
   * delayMicros} when the aggregate opens: its tag and a varint one byte longer than that delay
   * needs (room for a delay 128 times as long), and at least {@value #MIN_RESERVED_DELAY_VARINT}
   * bytes.
   */
  static int reservedDelaySize(long delayMicros) {
    int needed = delayMicros <= 0L ? 1 : CodedOutputStream.computeInt64SizeNoTag(delayMicros) + 1;
    return WireTags.TAG_SIZE + Math.max(MIN_RESERVED_DELAY_VARINT, needed);
  }

  /**
   * The send delay to stamp on an event of a record built at {@code builtMicros}: its true delay if
   * that fits the room reserved at {@code openedMicros}, else its delay at opening.
   */
  static long delay(TrackedEvent event, long openedMicros, long builtMicros) {
    long built = event.delayAt(builtMicros);
    long opened = event.delayAt(openedMicros);
    return Envelopes.sendDelaySize(built) <= reservedDelaySize(opened) ? built : opened;
  }

  /** The size an event takes in the aggregate, its send delay's room reserved. */
  private int reservedDataSize(TrackedEvent event) {
    return event.dataSize(Envelopes.NO_SEND_DELAY) + reservedDelaySize(event.delayAt(openedMicros));
  }

  /** Adds the event if the record still fits the limit; false (and unchanged) otherwise. */
  boolean tryAdd(TrackedEvent event) {
    String sentKey = event.sentKey();
    Integer index = keyIndex.get(sentKey);
    byte[] key = null;
    int added = 0;
    int keyIndexValue;
    if (index == null) {
      key = sentKey.getBytes(StandardCharsets.UTF_8);
      added += KplRecords.partitionKeySize(key.length);
      keyIndexValue = keys.size();
    } else {
      keyIndexValue = index;
    }
    added += KplRecords.recordSize(keyIndexValue, reservedDataSize(event));
    int recordKeyBytes = events.isEmpty() ? (key != null ? key.length : 0) : firstKeyBytes;
    long total = (long) KplRecords.OVERHEAD + bodySize + added + recordKeyBytes;
    if (total > maxRecordBytes) {
      return false;
    }
    if (key != null) {
      keyIndex.put(sentKey, keyIndexValue);
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
   * The record, each envelope stamped with its send delay at {@code builtMicros} (see {@link
   * #delay}): aggregated when it holds two or more events, otherwise the single envelope (as the
   * KPL does, saving the 20-byte frame and letting consumers read it without deaggregation).
   */
  OutRecord build(String laneKey, long builtMicros) {
    TrackedEvent first = events.get(0);
    if (events.size() == 1) {
      return single(first, laneKey, delay(first, openedMicros, builtMicros));
    }
    int keysSize = 0;
    for (byte[] key : keys) {
      keysSize += KplRecords.partitionKeySize(key.length);
    }
    long[] delays = new long[events.size()];
    int size = keysSize;
    for (int i = 0; i < delays.length; i++) {
      TrackedEvent event = events.get(i);
      delays[i] = event.delayAt(builtMicros);
      size += KplRecords.recordSize(keyIndexOf(event), event.dataSize(delays[i]));
    }
    if (size > bodySize) {
      // The true delays need more than the room reserved for all of them (a nearly full record
      // built long after it opened): fall back, where an event's outgrew its own room.
      size = keysSize;
      for (int i = 0; i < delays.length; i++) {
        TrackedEvent event = events.get(i);
        delays[i] = delay(event, openedMicros, builtMicros);
        size += KplRecords.recordSize(keyIndexOf(event), event.dataSize(delays[i]));
      }
    }
    byte[] out =
        KplRecords.encode(
            size,
            coded -> {
              for (byte[] key : keys) {
                KplRecords.writePartitionKey(coded, key);
              }
              for (int i = 0; i < delays.length; i++) {
                TrackedEvent event = events.get(i);
                KplRecords.writeRecordHeader(coded, keyIndexOf(event), event.dataSize(delays[i]));
                event.writeData(coded, delays[i]);
              }
            });
    SinkRecord record = SinkRecord.of(first.sentKey(), first.hashKey().toString(), out);
    // The aggregate is done with once built: its record takes the list as it is.
    return new OutRecord(events, record, laneKey, true);
  }

  /** The index of an added event's partition key among the record's keys (tryAdd recorded it). */
  private int keyIndexOf(TrackedEvent event) {
    return Objects.requireNonNull(keyIndex.get(event.sentKey()));
  }

  /** One event as its own Kinesis record, routed by its partition key. */
  static OutRecord single(TrackedEvent event, String laneKey, long delayMicros) {
    List<TrackedEvent> one = new ArrayList<>(1);
    one.add(event);
    return new OutRecord(
        one, SinkRecord.of(event.sentKey(), event.data(delayMicros)), laneKey, false);
  }
}
