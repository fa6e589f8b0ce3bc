package dev.tideline.sdk;

import com.google.protobuf.CodedOutputStream;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.HashKeys;
import java.io.IOException;
import java.math.BigInteger;
import java.util.UUID;

/**
 * One accepted event on its way to Kinesis, as the {@link TrackerListener} sees it: its identity
 * and its serialized envelope (the original event, for dead letters).
 *
 * <p>Immutable to its readers: they see only the read-only accessors below. The fields are
 * package-private because the pipeline (the buffer that accepts the event, then the worker) fills
 * in its sequence, hash key and spool position; the accessors' values are set before a listener
 * ever sees the event. The envelope bytes are built on demand, a new array per call.
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
  BigInteger hashKey() {
    return HashKeys.of(hashHigh, hashLow);
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
    return (long) body.length + Envelopes.appendedSize(0L, sequence) + partitionKeyBytes;
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
    return body.length + Envelopes.appendedSize(sentTimeMicros, sequence);
  }

  /** The serialized envelope with a sent time (0: none). */
  byte[] data(long sentTimeMicros) {
    byte[] out = new byte[dataSize(sentTimeMicros)];
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    try {
      writeData(coded, sentTimeMicros);
      coded.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("writing to an array cannot fail", e);
    }
    return out;
  }

  /** Writes the serialized envelope with a sent time (0: none), {@link #dataSize} bytes. */
  void writeData(CodedOutputStream out, long sentTimeMicros) throws IOException {
    out.writeRawBytes(body);
    Envelopes.writeAppended(out, sentTimeMicros, sequence);
  }

  @Override
  public String toString() {
    return "TrackedEvent{" + eventType + " #" + sequence + " " + eventId() + "}";
  }
}
