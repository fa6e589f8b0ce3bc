package dev.tideline.validator.flink.hourly;

import dev.tideline.validator.Tally;
import dev.tideline.validator.TallyEntry;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts the events that came after their hour's cold result (the window operator's late-data side
 * output), keyed by hour, and emits them as too-late results: each holds the events since the
 * previous one, at most one per update interval of event-time progress. So no event is dropped
 * silently: the hour's cold result and its too-late results together count every event of it.
 */
final class CountTooLate extends KeyedProcessFunction<Long, TallyEntry, HourlyResult> {
  private static final long serialVersionUID = 1L;

  private final Duration clockSkewTolerance;
  private final long intervalMs;

  @SuppressWarnings("NullAway.Init") // made in open()
  private transient ValueState<Tally> tally;

  @SuppressWarnings("NullAway.Init") // made in open()
  private transient ValueState<Integer> revision;

  CountTooLate(Duration clockSkewTolerance, long intervalMs) {
    this.clockSkewTolerance = clockSkewTolerance;
    this.intervalMs = intervalMs;
  }

  @Override
  public void open(OpenContext context) {
    tally =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("tideline-too-late", HourlyValidation.TALLY_TYPE));
    revision =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("tideline-too-late-revision", Types.INT));
  }

  @Override
  public void processElement(TallyEntry entry, Context context, Collector<HourlyResult> out)
      throws Exception {
    Tally counts = tally.value();
    if (counts == null) {
      counts = HourlyValidation.newTally(clockSkewTolerance);
    }
    counts.add(entry);
    tally.update(counts);
    long watermark = context.timerService().currentWatermark();
    long next =
        watermark >= Long.MAX_VALUE - intervalMs
            ? Long.MAX_VALUE
            : (Math.floorDiv(watermark, intervalMs) + 1) * intervalMs;
    context.timerService().registerEventTimeTimer(next);
  }

  @Override
  public void onTimer(long time, OnTimerContext context, Collector<HourlyResult> out)
      throws Exception {
    Tally counts = tally.value();
    if (counts == null) {
      return;
    }
    Integer done = revision.value();
    int next = done == null ? 0 : done;
    out.collect(
        new HourlyResult(
            context.getCurrentKey(), HourlyResult.Kind.TOO_LATE, next, counts, -1, time));
    revision.update(next + 1);
    tally.clear();
  }
}
