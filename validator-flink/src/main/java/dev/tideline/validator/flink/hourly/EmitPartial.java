package dev.tideline.validator.flink.hourly;

import dev.tideline.validator.Tally;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Emits a bucket's tally of an hour when {@link HourlyTrigger} fires: the whole tally so far (the
 * window is not purged until cold), with the firing time, which {@link MergeHour} waits for.
 */
final class EmitPartial extends ProcessWindowFunction<Tally, HourlyResult, Integer, TimeWindow> {
  private static final long serialVersionUID = 1L;

  private final long latenessMs;

  EmitPartial(long latenessMs) {
    this.latenessMs = latenessMs;
  }

  @Override
  public void process(
      Integer bucket, Context context, Iterable<Tally> tallies, Collector<HourlyResult> out)
      throws Exception {
    TimeWindow window = context.window();
    Long fired = context.windowState().getState(HourlyTrigger.FIRING_TIME).value();
    long firingTime = fired != null ? fired : context.currentWatermark();
    HourlyResult.Kind kind =
        firingTime >= HourlyTrigger.coldTime(window, latenessMs)
            ? HourlyResult.Kind.COLD
            : HourlyResult.Kind.UPDATED;
    for (Tally tally : tallies) {
      // Without the hour's event ids, which stay in the window: the merge needs counts only (the
      // buckets hold disjoint ids), and the ids are most of what would be serialized.
      out.collect(
          new HourlyResult(window.getStart(), kind, 0, tally.countsOnly(), bucket, firingTime));
    }
  }

  @Override
  public void clear(Context context) throws Exception {
    context.windowState().getState(HourlyTrigger.FIRING_TIME).clear();
  }
}
