package dev.tideline.validator.flink.hourly;

import dev.tideline.validator.QuarantineLines;
import dev.tideline.validator.RecordResult;
import dev.tideline.validator.TallyEntry;
import dev.tideline.validator.Validator;
import dev.tideline.validator.source.SourceRecord;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Validates each record with the validator library and emits its {@link TallyEntry entries}, each
 * stamped with its event time (its arrival time when it has none), so that it lands in its
 * event-time hour. An operator rather than a function because a function cannot restamp: the
 * watermarks, which follow the arrival times, pass through unchanged.
 *
 * <p>The quarantine lines of bad events and unreadable records go to the {@link
 * HourlyValidation#QUARANTINE} side output, stamped with the record's arrival time.
 */
final class ValidateOperator extends AbstractStreamOperator<TallyEntry>
    implements OneInputStreamOperator<SourceRecord, TallyEntry> {
  private static final long serialVersionUID = 1L;

  private final HourlyValidation settings;

  @SuppressWarnings("NullAway.Init") // made in open()
  private transient Validator validator;

  @SuppressWarnings("NullAway.Init") // made in open()
  private transient QuarantineLines quarantine;

  ValidateOperator(HourlyValidation settings) {
    this.settings = settings;
  }

  @Override
  public void open() throws Exception {
    super.open();
    validator = settings.newValidator();
    quarantine = new QuarantineLines(validator, settings.showPii());
  }

  @Override
  public void processElement(StreamRecord<SourceRecord> element) {
    SourceRecord record = element.getValue();
    RecordResult result =
        validator.validate(
            record.data(), record.partitionKey(), record.arrivalTime(), record.shardRange());
    for (TallyEntry entry : TallyEntry.of(result)) {
      output.collect(new StreamRecord<>(entry, HourlyValidation.timestampOf(entry)));
    }
    if (!result.isValid()) {
      long arrivalMs =
          element.hasTimestamp() ? element.getTimestamp() : record.arrivalTime().toEpochMilli();
      for (String line : quarantine.of(result, record.shardId(), record.sequenceNumber())) {
        output.collect(HourlyValidation.QUARANTINE, new StreamRecord<>(line, arrivalMs));
      }
    }
  }
}
