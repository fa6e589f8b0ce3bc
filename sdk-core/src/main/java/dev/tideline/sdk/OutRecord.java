package dev.tideline.sdk;

import dev.tideline.sdk.sink.SinkRecord;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One Kinesis record on its way: the events it holds and its delivery state. Worker-owned. */
final class OutRecord {
  final List<TrackedEvent> events;
  final SinkRecord record;
  final int billedSize;
  final String laneKey;
  final boolean aggregated;
  final long firstAcceptedNanos;

  int attempts;
  long notBeforeNanos;
  @Nullable String lastErrorCode; // of the last failed attempt
  @Nullable String lastErrorMessage;
  boolean abandoned;

  OutRecord(List<TrackedEvent> events, SinkRecord record, String laneKey, boolean aggregated) {
    this.events = events;
    this.record = record;
    this.billedSize = record.billedSize();
    this.laneKey = laneKey;
    this.aggregated = aggregated;
    long first = Long.MAX_VALUE;
    for (TrackedEvent event : events) {
      first = Math.min(first, event.acceptedNanos);
    }
    this.firstAcceptedNanos = first;
  }
}
