package dev.tideline.validator.flink.hourly;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Fires an hour's window at three kinds of event times: hot (the window's end plus the result
 * delay), updated (after a late element, at the next multiple of the update interval, so late
 * events trickling in make one result per interval), and cold (the end plus the allowed lateness,
 * when the window operator then purges the window). Each firing records its time in the window's
 * state, where {@link EmitPartial} reads it.
 */
final class HourlyTrigger extends Trigger<Object, TimeWindow> {
  private static final long serialVersionUID = 1L;

  /** The event time of the timer that fired the window, shared with {@link EmitPartial}. */
  static final ValueStateDescriptor<Long> FIRING_TIME =
      new ValueStateDescriptor<>("tideline-firing-time", Types.LONG);

  private final long delayMs;
  private final long latenessMs;
  private final long intervalMs;

  HourlyTrigger(long delayMs, long latenessMs, long intervalMs) {
    this.delayMs = delayMs;
    this.latenessMs = latenessMs;
    this.intervalMs = intervalMs;
  }

  static long hotTime(TimeWindow window, long delayMs) {
    return window.maxTimestamp() + delayMs;
  }

  static long coldTime(TimeWindow window, long latenessMs) {
    return window.maxTimestamp() + latenessMs;
  }

  @Override
  public TriggerResult onElement(
      Object element, long timestamp, TimeWindow window, TriggerContext ctx) {
    long hot = hotTime(window, delayMs);
    long cold = coldTime(window, latenessMs);
    long watermark = ctx.getCurrentWatermark();
    if (watermark < hot) {
      ctx.registerEventTimeTimer(hot);
    } else {
      long next = (Math.floorDiv(watermark, intervalMs) + 1) * intervalMs;
      ctx.registerEventTimeTimer(Math.min(cold, next));
    }
    ctx.registerEventTimeTimer(cold);
    return TriggerResult.CONTINUE;
  }

  @Override
  public TriggerResult onEventTime(long time, TimeWindow window, TriggerContext ctx)
      throws Exception {
    if (time < hotTime(window, delayMs) || time > coldTime(window, latenessMs)) {
      return TriggerResult.CONTINUE;
    }
    ValueState<Long> firing = ctx.getPartitionedState(FIRING_TIME);
    firing.update(time);
    return TriggerResult.FIRE;
  }

  @Override
  public TriggerResult onProcessingTime(long time, TimeWindow window, TriggerContext ctx) {
    return TriggerResult.CONTINUE;
  }

  @Override
  public void clear(TimeWindow window, TriggerContext ctx) throws Exception {
    ctx.deleteEventTimeTimer(hotTime(window, delayMs));
    ctx.deleteEventTimeTimer(coldTime(window, latenessMs));
    ctx.getPartitionedState(FIRING_TIME).clear();
  }

  @Override
  public String toString() {
    return "HourlyTrigger{delay=" + delayMs + "ms, lateness=" + latenessMs + "ms}";
  }
}
