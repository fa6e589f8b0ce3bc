package dev.tideline.validator.flink.hourly;

import dev.tideline.validator.DeliveryLedger;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins the buckets' delivery ledgers into one result per arrival hour. It keeps each bucket's
 * latest ledger (a bucket that had no events in an hour sends none, and its latest still holds) and
 * answers a report time with an event-time timer at that time, which fires once every upstream
 * task's watermark passed it, so once every bucket that reported then has sent its ledger. Keyed by
 * a single key: it holds all producers once, and runs once per hour.
 */
final class MergeDelivery extends KeyedProcessFunction<Integer, DeliveryResult, DeliveryResult> {
  private static final long serialVersionUID = 1L;

  private final long resultDelayMs;
  private final long idleTimeoutMs;

  @SuppressWarnings("NullAway.Init") // made in open()
  private transient MapState<Integer, DeliveryLedger> ledgers;

  MergeDelivery(long resultDelayMs, long idleTimeoutMs) {
    this.resultDelayMs = resultDelayMs;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  @Override
  public void open(OpenContext context) {
    ledgers =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "tideline-bucket-ledgers", Types.INT, HourlyValidation.LEDGER_TYPE));
  }

  @Override
  public void processElement(DeliveryResult partial, Context context, Collector<DeliveryResult> out)
      throws Exception {
    ledgers.put(partial.bucket, partial.ledger());
    context.timerService().registerEventTimeTimer(partial.asOfMs() + resultDelayMs);
  }

  @Override
  public void onTimer(long time, OnTimerContext context, Collector<DeliveryResult> out)
      throws Exception {
    long asOf = time - resultDelayMs;
    Instant idleBefore = Instant.ofEpochMilli(asOf - idleTimeoutMs);
    DeliveryLedger merged = new DeliveryLedger();
    for (Map.Entry<Integer, DeliveryLedger> bucket : ledgers.entries()) {
      DeliveryLedger ledger = bucket.getValue();
      // A bucket quiet this hour forgets its idle producers here, counted once in its ledger.
      if (ledger.forgetIdleBefore(idleBefore) > 0) {
        bucket.setValue(ledger);
      }
      merged.merge(ledger);
    }
    out.collect(new DeliveryResult(asOf, merged, -1));
  }
}
