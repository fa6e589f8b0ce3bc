package dev.tideline.sdk;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.util.UUID;

/**
 * One accepted event on its way to Kinesis, as the {@link TrackerListener} sees it: its identity
 * and its serialized envelope (the original event, for dead letters).
 *
 * <p>Immutable to its readers. The envelope bytes are built on demand.
 */
public final class TrackedEvent {
  // Envelope fields written at log() time: everything but sequence and sent time, which are
  // appended (protobuf allows fields in any order) when the sequence is known and when sending.
  final byte[] body;
  final String eventType;
  final String partitionKey;
  final int partitionKeyBytes;
  final long eventTimeMicros;
  final long idHigh;
  final long idLow;

  // Set once, by the EventBuffer that accepts the event, under its lock (never for a refused one).
  long sequence;
  long acceptedNanos;

  /** What the event holds in the buffer: envelope without sent time, plus partition key. */
  int bufferedSize;

  /** The flush epoch the event was accepted in; see FlushBarriers. */
  long epoch;

  /** Where the spool holds the event's frame (a SpoolBuffer position), or a negative marker. */
  long spoolPosition = -1;

  int spoolFrameBytes;

  /** The receipt of {@link Tracker#logDurably(Object)}; null for plain log() calls. */
  LogReceipt receipt;

  /** The MD5 hash key of the partition key as unsigned halves; set by the worker. */
  long hashHigh;

  long hashLow;

  /** The hash key as a number (for explicit hash keys and range checks; not per event). */
  java.math.BigInteger hashKey() {
    java.math.BigInteger high = new java.math.BigInteger(Long.toHexString(hashHigh), 16);
    java.math.BigInteger low = new java.math.BigInteger(Long.toHexString(hashLow), 16);
    return high.shiftLeft(64).or(low);
  }

  /**
   * An event prepared by log(), not yet accepted: the buffer gives it its sequence number and
   * acceptance time with {@link #accept} if it takes it.
   *
   * @param body the envelope without sequence and sent time
   * @param partitionKeyBytes the partition key's UTF-8 size
   */
  TrackedEvent(
      byte[] body,
      String eventType,
      String partitionKey,
      int partitionKeyBytes,
      long eventTimeMicros,
      long idHigh,
      long idLow) {
    this.body = body;
    this.eventType = eventType;
    this.partitionKey = partitionKey;
    this.partitionKeyBytes = partitionKeyBytes;
    this.eventTimeMicros = eventTimeMicros;
    this.idHigh = idHigh;
    this.idLow = idLow;
  }

  /** The size the event would hold in the buffer with that sequence number. */
  long bufferedSizeWith(long sequence) {
    return (long) body.length
        + 1
        + CodedOutputStream.computeUInt64SizeNoTag(sequence)
        + partitionKeyBytes;
  }

  /** Called once, by the buffer that accepts the event. */
  void accept(long sequence, long acceptedNanos) {
    this.sequence = sequence;
    this.acceptedNanos = acceptedNanos;
    this.bufferedSize = (int) bufferedSizeWith(sequence);
  }

  /** The fully qualified event type, for example "tideline.events.v1.Payment". */
  public String eventType() {
    return eventType;
  }

  /** The producer sequence number the tracker gave the event when it accepted it (from 1). */
  public long sequence() {
    return sequence;
  }

  /** The event id (UUIDv7), the deduplication key. */
  public UUID eventId() {
    return new UUID(idHigh, idLow);
  }

  /** When the event was logged, microseconds since the epoch (client clock). */
  public long eventTimeMicros() {
    return eventTimeMicros;
  }

  /** The partition key it was sent with. */
  public String partitionKey() {
    return partitionKey;
  }

  /** The serialized envelope (without sent time), as {@code Envelopes.decode} reads it. */
  public byte[] envelope() {
    return data(0L);
  }

  /** The envelope's size in bytes with a sent time of that value (0: none). */
  int dataSize(long sentTimeMicros) {
    int size = body.length + 1 + CodedOutputStream.computeUInt64SizeNoTag(sequence);
    if (sentTimeMicros != 0L) {
      size += 1 + CodedOutputStream.computeInt64SizeNoTag(sentTimeMicros);
    }
    return size;
  }

  /** The serialized envelope with a sent time (0: none). */
  byte[] data(long sentTimeMicros) {
    byte[] out = new byte[dataSize(sentTimeMicros)];
    System.arraycopy(body, 0, out, 0, body.length);
    CodedOutputStream coded =
        CodedOutputStream.newInstance(out, body.length, out.length - body.length);
    try {
      if (sentTimeMicros != 0L) {
        coded.writeInt64(6, sentTimeMicros);
      }
      coded.writeUInt64(8, sequence);
      coded.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("writing to an array cannot fail", e);
    }
    return out;
  }

  @Override
  public String toString() {
    return "TrackedEvent{" + eventType + " #" + sequence + " " + eventId() + "}";
  }
}
