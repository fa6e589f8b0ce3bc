package dev.tideline.validator.flink.hourly;

import java.io.Serializable;

/**
 * Told of each hourly result by {@link HourlyResultCallbackSink}: for alerting (a webhook, a pager,
 * a metric) on a result's kind and hour, its totals and delivery counts, or its whole JSON report.
 *
 * <pre>{@code
 * results.sinkTo(
 *     HourlyResultCallbackSink.of("stream clickstream", false, report -> {
 *       if (report.result().kind() == HourlyResult.Kind.COLD
 *           && report.report().delivery().lost() > 0) {
 *         Pager.page("events lost in hour " + report.result().hourText(), report.json());
 *       }
 *     }));
 * }</pre>
 *
 * <p>A listener travels with the job, so it must be serializable; each parallel instance of the
 * sink calls its own copy, from one task thread, one result at a time. Create clients (HTTP, SDKs)
 * lazily in a {@code transient} field rather than capturing them.
 *
 * <p>Delivery is at least once: a result fired again after a restore from a checkpoint is reported
 * again. {@link HourlyResult#hourText()}, {@link HourlyResult#kind()} and {@link
 * HourlyResult#revision()} name a result; use them to drop repeats.
 */
@FunctionalInterface
public interface HourlyResultListener extends Serializable {
  /**
   * Called with each result as it reaches the sink.
   *
   * @param report the result, its report and the report's JSON
   * @throws Exception to fail the job, which restarts by its restart strategy and reports the
   *     result again; catch what should not stop the validation
   */
  void onResult(HourlyReport report) throws Exception;
}
