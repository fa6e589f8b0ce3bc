package dev.tideline.validator;

import com.google.protobuf.ByteString;
import dev.tideline.wire.Envelopes;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Tally} counts of one event, or of a record that could not be split into events,
 * detached from the record's bytes: so a record can be validated in one place and its events
 * counted in another (another thread, another process), by the same counting code as {@link
 * Tally#add(RecordResult)}. A record's first entry also counts the record itself.
 *
 * <p>An entry keeps only what the counts need: the event's type, platform, app version, times, id,
 * producer and sequence, verdict and violations, and the payload only of a valid {@code
 * ProducerAudit} record (to reconcile it). {@link #writeTo} and {@link #readFrom} give it a compact
 * binary form.
 *
 * <p>Immutable once made by {@link #of} or {@link #readFrom}, and then thread-safe.
 */
public final class TallyEntry {
  private static final byte FORMAT = 1;
  private static final ViolationKind[] KINDS = ViolationKind.values();
  private static final Instant MIN_MILLIS = Instant.ofEpochMilli(Long.MIN_VALUE);
  private static final Instant MAX_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE);

  // Package-private and mutable so that Tally fills one entry per event on its own path, without
  // allocating: see Tally#add(RecordResult).
  boolean countsRecord;
  Instant arrival = Instant.EPOCH;
  long arrivalMs;
  List<Violation> recordViolations = Collections.emptyList();
  boolean hasEvent;
  @Nullable UUID eventId;
  @Nullable String eventIdString;
  int fallbacks;
  List<Violation> violations = Collections.emptyList();
  @Nullable String envelopeType;
  String type = "";
  String platform = "";
  String appVersion = "";
  long eventTimeUs;
  long sentTimeUs;
  boolean hasProducer;
  long producerHigh;
  long producerLow;
  long sequence;
  ByteString payload = ByteString.EMPTY;

  TallyEntry() {}

  /**
   * The entries of a validated record: one per event, the first also counting the record; one for
   * the record alone when it holds no events or could not be split into events.
   */
  public static List<TallyEntry> of(RecordResult result) {
    Instant arrival = result.arrivalTime();
    long arrivalMs = clampedMillis(arrival);
    List<ValidatedEvent> events = result.events();
    if (events.isEmpty() || !result.violations().isEmpty()) {
      TallyEntry entry = new TallyEntry();
      entry.countsRecord = true;
      entry.arrival = arrival;
      entry.arrivalMs = arrivalMs;
      entry.recordViolations = result.violations();
      return Collections.singletonList(entry);
    }
    List<TallyEntry> entries = new ArrayList<>(events.size());
    for (ValidatedEvent event : events) {
      TallyEntry entry = new TallyEntry();
      entry.set(event, arrival, arrivalMs);
      entry.countsRecord = entries.isEmpty();
      if (!(entry.violations.isEmpty() && Tally.AUDIT_EVENT_TYPE.equals(entry.type))) {
        entry.payload = ByteString.EMPTY; // only an audit record's payload is counted
      }
      entries.add(entry);
    }
    return entries;
  }

  /** Fills this entry from an event: no allocation beyond the event id, as before. */
  void set(ValidatedEvent event, Instant arrival, long arrivalMs) {
    this.arrival = arrival;
    this.arrivalMs = arrivalMs;
    hasEvent = true;
    EnvelopeView envelope = event.view();
    violations = event.violations();
    fallbacks = event.fastPathFallbacks();
    envelopeType = event.eventType();
    eventIdString = violations.isEmpty() ? null : event.eventIdString();
    if (envelope == null) {
      eventId = null;
      type = Tally.UNREADABLE_TYPE;
      platform = "";
      appVersion = "";
      eventTimeUs = 0;
      sentTimeUs = 0;
      hasProducer = false;
      payload = ByteString.EMPTY;
      return;
    }
    eventId = envelope.eventUuid();
    type = envelope.eventType;
    platform = envelope.platformName();
    appVersion = envelope.appVersion;
    eventTimeUs = envelope.eventTimeUs;
    sentTimeUs = envelope.sentTimeUs;
    hasProducer = envelope.producerIdLength == Envelopes.ID_LENGTH && envelope.sequence != 0;
    producerHigh = envelope.producerIdHigh;
    producerLow = envelope.producerIdLow;
    sequence = envelope.sequence;
    payload = envelope.payload;
  }

  static long clampedMillis(Instant time) {
    // Clamped: an arrival time beyond a long of millis must not throw.
    return time.isBefore(MIN_MILLIS)
        ? Long.MIN_VALUE
        : time.isAfter(MAX_MILLIS) ? Long.MAX_VALUE : time.toEpochMilli();
  }

  /** When Kinesis accepted the entry's record. */
  public Instant arrivalTime() {
    return arrival;
  }

  /** Whether the entry is an event; false for a record that holds none or could not be split. */
  public boolean isEvent() {
    return hasEvent;
  }

  /**
   * The raw envelope event time in microseconds since the epoch (the one that names the event's
   * hour in the report's {@code by_event_hour}), or 0 when there is none or it cannot be read.
   */
  public long eventTimeMicros() {
    return eventTimeUs > 0 ? eventTimeUs : 0;
  }

  /** The event's deduplication key, or null when it has none. */
  public @Nullable UUID eventId() {
    return eventId;
  }

  /** Whether the event names its producer and sequence, so that its delivery can be audited. */
  public boolean hasProducer() {
    return hasEvent && hasProducer;
  }

  /**
   * The id of the producer that sent the event, when its envelope names one with a sequence (so
   * that its delivery can be audited); else null.
   */
  public @Nullable UUID producerId() {
    return hasEvent && hasProducer ? new UUID(producerHigh, producerLow) : null;
  }

  /** Whether the event is valid; false for a record that could not be split into events. */
  public boolean isValid() {
    return hasEvent && violations.isEmpty();
  }

  /**
   * Writes the entry in its binary form (format 1), which {@link #readFrom} reads.
   *
   * @throws IOException from the output
   */
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(FORMAT);
    out.writeBoolean(countsRecord);
    out.writeLong(arrival.getEpochSecond());
    out.writeInt(arrival.getNano());
    writeViolations(recordViolations, out);
    out.writeBoolean(hasEvent);
    if (!hasEvent) {
      return;
    }
    out.writeBoolean(eventId != null);
    if (eventId != null) {
      out.writeLong(eventId.getMostSignificantBits());
      out.writeLong(eventId.getLeastSignificantBits());
    }
    writeNullable(eventIdString, out);
    out.writeInt(fallbacks);
    writeViolations(violations, out);
    writeNullable(envelopeType, out);
    writeString(type, out);
    writeString(platform, out);
    writeString(appVersion, out);
    out.writeLong(eventTimeUs);
    out.writeLong(sentTimeUs);
    out.writeBoolean(hasProducer);
    if (hasProducer) {
      out.writeLong(producerHigh);
      out.writeLong(producerLow);
      out.writeLong(sequence);
    }
    out.writeInt(payload.size());
    payload.writeTo(
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            out.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }
        });
  }

  /**
   * Reads an entry that {@link #writeTo} wrote.
   *
   * @throws IOException from the input, or when the bytes are not an entry of a known format
   */
  public static TallyEntry readFrom(DataInput in) throws IOException {
    byte format = in.readByte();
    if (format != FORMAT) {
      throw new IOException("not a tally entry of format " + FORMAT + ": " + format);
    }
    TallyEntry entry = new TallyEntry();
    entry.countsRecord = in.readBoolean();
    entry.arrival = Instant.ofEpochSecond(in.readLong(), in.readInt());
    entry.arrivalMs = clampedMillis(entry.arrival);
    entry.recordViolations = readViolations(in);
    entry.hasEvent = in.readBoolean();
    if (!entry.hasEvent) {
      return entry;
    }
    if (in.readBoolean()) {
      entry.eventId = new UUID(in.readLong(), in.readLong());
    }
    entry.eventIdString = readNullable(in);
    entry.fallbacks = in.readInt();
    entry.violations = readViolations(in);
    entry.envelopeType = readNullable(in);
    entry.type = readString(in);
    entry.platform = readString(in);
    entry.appVersion = readString(in);
    entry.eventTimeUs = in.readLong();
    entry.sentTimeUs = in.readLong();
    entry.hasProducer = in.readBoolean();
    if (entry.hasProducer) {
      entry.producerHigh = in.readLong();
      entry.producerLow = in.readLong();
      entry.sequence = in.readLong();
    }
    int size = in.readInt();
    if (size > 0) {
      byte[] bytes = new byte[size];
      in.readFully(bytes);
      entry.payload = ByteString.copyFrom(bytes);
    }
    return entry;
  }

  private static void writeViolations(List<Violation> violations, DataOutput out)
      throws IOException {
    out.writeInt(violations.size());
    for (Violation v : violations) {
      out.writeByte(v.kind().ordinal());
      writeString(v.code(), out);
      writeNullable(v.path(), out);
      writeNullable(v.expected(), out);
      writeNullable(v.actual(), out);
      out.writeBoolean(v.sensitive());
      writeString(v.message(), out);
    }
  }

  private static List<Violation> readViolations(DataInput in) throws IOException {
    int size = in.readInt();
    if (size == 0) {
      return Collections.emptyList();
    }
    List<Violation> violations = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int kind = in.readByte();
      if (kind < 0 || kind >= KINDS.length) {
        throw new IOException("unknown violation kind " + kind);
      }
      violations.add(
          Violation.restore(
              KINDS[kind],
              readString(in),
              readNullable(in),
              readNullable(in),
              readNullable(in),
              in.readBoolean(),
              readString(in)));
    }
    return Collections.unmodifiableList(violations);
  }

  private static void writeNullable(@Nullable String text, DataOutput out) throws IOException {
    out.writeBoolean(text != null);
    if (text != null) {
      writeString(text, out);
    }
  }

  // Not writeUTF: its strings end at 64 KB, and a violation's value may be longer.
  private static void writeString(String text, DataOutput out) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readString(DataInput in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static @Nullable String readNullable(DataInput in) throws IOException {
    return in.readBoolean() ? readString(in) : null;
  }
}
