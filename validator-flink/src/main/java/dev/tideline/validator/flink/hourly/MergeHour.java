package dev.tideline.validator.flink.hourly;

import dev.tideline.validator.Tally;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins the buckets' tallies of an hour into one result per firing. Keyed by hour: it keeps each
 * bucket's latest tally, and answers a firing time with an event-time timer at that time, which
 * fires once every upstream task's watermark passed it, so once every bucket that fired then has
 * sent its tally. The first result is hot, the last cold, the ones between updated.
 */
final class MergeHour extends KeyedProcessFunction<Long, HourlyResult, HourlyResult> {
  private static final long serialVersionUID = 1L;

  private final Duration clockSkewTolerance;
  private final long latenessMs;

  @SuppressWarnings("NullAway.Init") // made in open()
  private transient MapState<Integer, HourlyResult> partials;

  @SuppressWarnings("NullAway.Init") // made in open()
  private transient ValueState<Integer> revision;

  MergeHour(Duration clockSkewTolerance, long latenessMs) {
    this.clockSkewTolerance = clockSkewTolerance;
    this.latenessMs = latenessMs;
  }

  @Override
  public void open(OpenContext context) {
    partials =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "tideline-bucket-tallies", Types.INT, HourlyValidation.RESULT_TYPE));
    revision =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("tideline-hour-revision", Types.INT));
  }

  @Override
  public void processElement(HourlyResult partial, Context context, Collector<HourlyResult> out)
      throws Exception {
    partials.put(partial.bucket, partial);
    context.timerService().registerEventTimeTimer(partial.firingTime);
  }

  @Override
  public void onTimer(long time, OnTimerContext context, Collector<HourlyResult> out)
      throws Exception {
    long hour = context.getCurrentKey();
    Tally merged = HourlyValidation.newTally(clockSkewTolerance);
    boolean any = false;
    for (Map.Entry<Integer, HourlyResult> partial : partials.entries()) {
      merged.merge(partial.getValue().tally());
      any = true;
    }
    if (!any) {
      return;
    }
    Integer done = revision.value();
    int next = done == null ? 0 : done;
    long coldTime = hour + HourlyResult.HOUR.toMillis() - 1 + latenessMs;
    HourlyResult.Kind kind =
        time >= coldTime
            ? HourlyResult.Kind.COLD
            : next == 0 ? HourlyResult.Kind.HOT : HourlyResult.Kind.UPDATED;
    out.collect(new HourlyResult(hour, kind, next, merged, -1, time));
    if (kind == HourlyResult.Kind.COLD) {
      partials.clear();
      revision.clear();
    } else {
      revision.update(next + 1);
    }
  }
}
