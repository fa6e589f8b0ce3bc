package dev.tideline.android;

import android.app.job.JobParameters;
import android.app.job.JobService;

/**
 * The JobScheduler job that sends the spool's backlog once the app is in background or was killed.
 * Declare it in the app's manifest:
 *
 * <pre>{@code
 * <service
 *     android:name="dev.tideline.android.TidelineJobService"
 *     android:permission="android.permission.BIND_JOB_SERVICE"
 *     android:exported="false" />
 * }</pre>
 *
 * <p>It needs Tideline started by the app ({@code Tideline.init} in {@code Application.onCreate()},
 * which the system runs before the job); without it the job ends at once. The job finishes when the
 * flush completes, and asks to be rescheduled while events are still waiting.
 */
public final class TidelineJobService extends JobService {
  /** Called by the system on the main thread: starts a flush and returns at once. */
  @Override
  public boolean onStartJob(final JobParameters params) {
    final Tideline tideline = Tideline.get();
    if (tideline == null) {
      return false;
    }
    tideline
        .flush()
        .whenComplete(
            (value, failure) -> {
              boolean again = failure != null || tideline.hasBacklog();
              jobFinished(params, again);
            });
    return true;
  }

  /** The system stopped the job (the network went away): run it again later. */
  @Override
  public boolean onStopJob(JobParameters params) {
    return true;
  }
}
