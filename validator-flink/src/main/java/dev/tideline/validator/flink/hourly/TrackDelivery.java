package dev.tideline.validator.flink.hourly;

import dev.tideline.validator.DeliveryLedger;
import dev.tideline.validator.TallyEntry;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps the delivery ledger of a bucket of producers across hours, keyed by the bucket of the
 * producer id, so that a gap between two event-time hours shows. At the end of each arrival hour in
 * which the bucket's producers sent events (plus the result delay, in arrival-time watermarks) it
 * forgets producers idle longer than the idle timeout and sends its whole ledger to {@link
 * MergeDelivery}.
 */
final class TrackDelivery extends KeyedProcessFunction<Integer, TallyEntry, DeliveryResult> {
  private static final long serialVersionUID = 1L;

  private final long resultDelayMs;
  private final long idleTimeoutMs;

  @SuppressWarnings("NullAway.Init") // made in open()
  private transient ValueState<DeliveryLedger> ledger;

  TrackDelivery(long resultDelayMs, long idleTimeoutMs) {
    this.resultDelayMs = resultDelayMs;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  @Override
  public void open(OpenContext context) {
    ledger =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "tideline-delivery-ledger", HourlyValidation.LEDGER_TYPE));
  }

  @Override
  public void processElement(TallyEntry entry, Context context, Collector<DeliveryResult> out)
      throws Exception {
    DeliveryLedger current = ledger.value();
    if (current == null) {
      current = new DeliveryLedger();
    }
    current.add(entry);
    ledger.update(current);
    context.timerService().registerEventTimeTimer(reportTime(entry.arrivalTime().toEpochMilli()));
  }

  @Override
  public void onTimer(long time, OnTimerContext context, Collector<DeliveryResult> out)
      throws Exception {
    DeliveryLedger current = ledger.value();
    if (current == null) {
      return;
    }
    long asOf = time - resultDelayMs;
    current.forgetIdleBefore(Instant.ofEpochMilli(asOf - idleTimeoutMs));
    out.collect(new DeliveryResult(asOf, current, context.getCurrentKey()));
    if (current.isEmpty()) {
      ledger.clear();
    } else {
      ledger.update(current);
    }
  }

  /** When the ledger is reported for an arrival: the end of its hour plus the result delay. */
  private long reportTime(long arrivalMs) {
    long hourMs = HourlyResult.HOUR.toMillis();
    return Math.floorDiv(arrivalMs, hourMs) * hourMs + hourMs + resultDelayMs;
  }
}
