package dev.tideline.sdk;

import com.google.protobuf.CodedOutputStream;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.HashKeys;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

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
  // Envelope fields written at log() time: everything but sequence and send delay, which are
  // appended (protobuf allows fields in any order) when the sequence is known and when sending.
  final byte[] body;
  final String eventType;
  // The key the strategy chose, or null for "any shard": the worker then picks a shard and sends
  // the event with that shard's key (routedKey), shared by every such event of the shard.
  final @Nullable String partitionKey;
  final int partitionKeyBytes;
  final long eventTimeMicros;
  // The producer id's halves, from which the event id derives with the sequence; or, for an
  // envelope recovered from a spool written before the compact envelope, its own event id.
  final long idHigh;
  final long idLow;
  final boolean ownEventId;

  // Set once, by the EventBuffer that accepts the event, under its lock (never for a refused one).
  long sequence;
  long acceptedNanos;

  /** What the event holds in the buffer: envelope without send delay, plus partition key. */
  int bufferedSize;

  /** The flush epoch the event was accepted in; see FlushBarriers. */
  long epoch;

  /** Where the spool holds the event's frame (a SpoolBuffer position), or a negative marker. */
  long spoolPosition = -1;

  int spoolFrameBytes;

  /** The receipt of {@link Tracker#logDurably(Object)}; null for plain log() calls. */
  @Nullable LogReceipt receipt;

  /** The key an event logged without one is sent with; set by the worker when it routes it. */
  @Nullable String routedKey;

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
   * @param body the envelope without sequence and send delay
   * @param partitionKeyBytes the partition key's UTF-8 size
   * @param producerHigh the producer id's first 8 bytes, big-endian
   * @param producerLow the producer id's last 8 bytes
   */
  TrackedEvent(
      byte[] body,
      String eventType,
      @Nullable String partitionKey,
      int partitionKeyBytes,
      long eventTimeMicros,
      long producerHigh,
      long producerLow) {
    this(
        body,
        eventType,
        partitionKey,
        partitionKeyBytes,
        eventTimeMicros,
        producerHigh,
        producerLow,
        false);
  }

  /**
   * @param ownEventId whether {@code idHigh} and {@code idLow} are the envelope's own {@code
   *     event_id} (an envelope written before the compact envelope) rather than its producer id
   */
  TrackedEvent(
      byte[] body,
      String eventType,
      @Nullable String partitionKey,
      int partitionKeyBytes,
      long eventTimeMicros,
      long idHigh,
      long idLow,
      boolean ownEventId) {
    this.body = body;
    this.eventType = eventType;
    this.partitionKey = partitionKey;
    this.partitionKeyBytes = partitionKeyBytes;
    this.eventTimeMicros = eventTimeMicros;
    this.idHigh = idHigh;
    this.idLow = idLow;
    this.ownEventId = ownEventId;
  }

  /** The size the event would hold in the buffer with that sequence number. */
  long bufferedSizeWith(long sequence) {
    return (long) body.length
        + Envelopes.appendedSize(Envelopes.NO_SEND_DELAY, sequence)
        + partitionKeyBytes;
  }

  /** The most bytes of a key routing gives an event logged without one: 16 hex digits. */
  static final int ROUTED_KEY_MAX_BYTES = 16;

  /**
   * The size of the event's record, data plus partition key, alone and without send delay, with
   * that sequence number: what must fit the stream's maximum record size.
   */
  long recordSizeWith(long sequence) {
    return (long) body.length
        + Envelopes.appendedSize(Envelopes.NO_SEND_DELAY, sequence)
        + (partitionKey != null ? partitionKeyBytes : ROUTED_KEY_MAX_BYTES);
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

  /**
   * The event id, the deduplication key, as the validator reads it: derived from the producer id
   * and the sequence ({@code Envelopes.eventId}), since compact envelopes carry no id of their own.
   */
  public UUID eventId() {
    return ownEventId ? new UUID(idHigh, idLow) : Envelopes.eventId(idHigh, idLow, sequence);
  }

  /** When the event was logged, microseconds since the epoch (client clock). */
  public long eventTimeMicros() {
    return eventTimeMicros;
  }

  /**
   * The partition key it was sent with; null for an event logged without a key ({@link
   * PartitionKeyStrategy#perEvent()}) until the tracker routes it to a shard.
   */
  public @Nullable String partitionKey() {
    return partitionKey != null ? partitionKey : routedKey;
  }

  /**
   * The key the event is sent with: its own, or the one routing gave it. The worker routes every
   * event before it hashes, aggregates or sends it.
   */
  String sentKey() {
    return Objects.requireNonNull(partitionKey(), "an event is routed before it is sent");
  }

  /** The serialized envelope (without send delay), as {@code Envelopes.decode} reads it. */
  public byte[] envelope() {
    return data(Envelopes.NO_SEND_DELAY);
  }

  /**
   * The send delay of the event sent at {@code sentTimeMicros}, as {@code send_delay_us} carries
   * it: sent time − event time; {@link Envelopes#NO_SEND_DELAY} when not sent (0) or when the clock
   * stepped back.
   */
  long delayAt(long sentTimeMicros) {
    long delay = sentTimeMicros - eventTimeMicros;
    return sentTimeMicros == 0L || delay < 0L ? Envelopes.NO_SEND_DELAY : delay;
  }

  /** The envelope's size in bytes with that send delay ({@link Envelopes#NO_SEND_DELAY}: none). */
  int dataSize(long delayMicros) {
    return body.length + Envelopes.appendedSize(delayMicros, sequence);
  }

  /** The serialized envelope with a send delay ({@link Envelopes#NO_SEND_DELAY}: none). */
  byte[] data(long delayMicros) {
    byte[] out = new byte[dataSize(delayMicros)];
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    try {
      writeData(coded, delayMicros);
      coded.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("writing to an array cannot fail", e);
    }
    return out;
  }

  /**
   * Writes the serialized envelope with a send delay ({@link Envelopes#NO_SEND_DELAY}: none),
   * {@link #dataSize} bytes.
   */
  void writeData(CodedOutputStream out, long delayMicros) throws IOException {
    out.writeRawBytes(body);
    Envelopes.writeAppended(out, delayMicros, sequence);
  }

  @Override
  public String toString() {
    return "TrackedEvent{" + eventType + " #" + sequence + " " + eventId() + "}";
  }
}
