package dev.tideline.validator.flink.source;

import dev.tideline.validator.source.SourceRecord;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/**
 * Emits each record with its arrival time (ApproximateArrivalTimestamp) as its event-time
 * timestamp, and moves its split's position past it. No watermarks: the job adds them (see {@link
 * KinesisSource}).
 */
final class SourceRecordEmitter
    implements RecordEmitter<SourceRecord, SourceRecord, ShardSplitState> {
  @Override
  public void emitRecord(
      SourceRecord record, SourceOutput<SourceRecord> output, ShardSplitState split) {
    output.collect(record, record.arrivalTime().toEpochMilli());
    split.emitted(record.sequenceNumber());
  }
}
