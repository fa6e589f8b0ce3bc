package dev.tideline.validator;

import com.google.protobuf.ByteString;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

/**
 * What one Kinesis record held: its events with their verdicts, or, when the record itself is
 * unreadable (a malformed aggregate, a bad checksum), the record-level violation and no events.
 *
 * <p>Immutable and thread-safe.
 */
public final class RecordResult {
  private final ByteString data;
  private final String partitionKey;
  private final Instant arrivalTime;
  private final boolean aggregated;
  private final List<ValidatedEvent> events;
  private final List<Violation> violations;

  RecordResult(
      ByteString data,
      String partitionKey,
      Instant arrivalTime,
      boolean aggregated,
      List<ValidatedEvent> events,
      List<Violation> violations) {
    this.data = data;
    this.partitionKey = partitionKey;
    this.arrivalTime = arrivalTime;
    this.aggregated = aggregated;
    this.events = Collections.unmodifiableList(events);
    this.violations = Collections.unmodifiableList(violations);
  }

  /** The record's bytes. */
  public ByteString data() {
    return data;
  }

  /** The record's partition key. */
  public String partitionKey() {
    return partitionKey;
  }

  /** When Kinesis accepted the record. */
  public Instant arrivalTime() {
    return arrivalTime;
  }

  /** Whether the record starts with the KPL magic bytes. */
  public boolean aggregated() {
    return aggregated;
  }

  /** The events in record order; empty when the record is unreadable. */
  public List<ValidatedEvent> events() {
    return events;
  }

  /** Problems with the record as a whole; empty when it could be split into events. */
  public List<Violation> violations() {
    return violations;
  }

  /** Whether the record and all its events are valid. */
  public boolean isValid() {
    if (!violations.isEmpty()) {
      return false;
    }
    for (ValidatedEvent event : events) {
      if (!event.isValid()) {
        return false;
      }
    }
    return true;
  }
}
