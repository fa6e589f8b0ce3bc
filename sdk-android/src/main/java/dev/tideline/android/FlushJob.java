package dev.tideline.android;

import android.app.job.JobInfo;
import android.app.job.JobScheduler;
import android.content.ComponentName;
import android.content.Context;
import android.util.Log;

/**
 * Schedules the JobScheduler job that sends what is left once the app went to background: it waits
 * for any network, and runs even after the process was killed (the system starts the process again
 * for it, and the app's {@code Application.onCreate()} starts Tideline, which recovers the spool).
 * Tideline's thread only (scheduling is a call into the system).
 */
final class FlushJob {
  private FlushJob() {}

  static void schedule(Tideline tideline) {
    try {
      JobScheduler scheduler =
          (JobScheduler) tideline.app.getSystemService(Context.JOB_SCHEDULER_SERVICE);
      if (scheduler == null) {
        return;
      }
      JobInfo job =
          new JobInfo.Builder(
                  tideline.config.jobId, new ComponentName(tideline.app, TidelineJobService.class))
              .setRequiredNetworkType(JobInfo.NETWORK_TYPE_ANY)
              .build();
      scheduler.schedule(job);
    } catch (RuntimeException e) { // the service is not in the manifest
      Log.w(
          "Tideline",
          "cannot schedule the background flush job ("
              + e
              + "); declare dev.tideline.android.TidelineJobService in the manifest");
    }
  }

  static void cancel(Tideline tideline) {
    try {
      JobScheduler scheduler =
          (JobScheduler) tideline.app.getSystemService(Context.JOB_SCHEDULER_SERVICE);
      if (scheduler != null) {
        scheduler.cancel(tideline.config.jobId);
      }
    } catch (RuntimeException e) {
      // nothing scheduled
    }
  }
}
