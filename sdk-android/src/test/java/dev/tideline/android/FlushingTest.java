package dev.tideline.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.robolectric.Shadows.shadowOf;

import android.app.Activity;
import android.app.job.JobInfo;
import android.app.job.JobScheduler;
import android.content.ComponentCallbacks2;
import android.content.Context;
import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import dev.tideline.proto.v1.NetworkType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;
import org.robolectric.shadows.ShadowNetwork;
import org.robolectric.shadows.ShadowNetworkCapabilities;

/**
 * When events leave: on background, when the network returns, periodically in foreground only, from
 * the background job, and when the system asks for memory. The tracker's own linger is an hour
 * here, so nothing else sends.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = {24, 34})
public class FlushingTest {
  @Rule public final TidelineRule rule = new TidelineRule();

  private JobScheduler jobs() {
    return (JobScheduler) rule.app().getSystemService(Context.JOB_SCHEDULER_SERVICE);
  }

  @Test
  @SuppressWarnings("deprecation") // JobInfo.getNetworkType: the API-24 way to read it
  public void goingToBackgroundFlushesAndSchedulesTheNetworkJob() {
    Tideline tideline = rule.initReady(rule.quiet().build());
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    tideline.log(TidelineRule.click("a"));
    assertThat(rule.clicks()).isEmpty();

    activity.pause().stop();
    await().atMost(20, TimeUnit.SECONDS).until(() -> rule.clicks().size() == 1);
    await().atMost(20, TimeUnit.SECONDS).until(() -> !jobs().getAllPendingJobs().isEmpty());
    JobInfo job = jobs().getAllPendingJobs().get(0);
    assertThat(job.getId()).isEqualTo(TidelineConfig.DEFAULT_JOB_ID);
    assertThat(job.getNetworkType()).isEqualTo(JobInfo.NETWORK_TYPE_ANY);
    assertThat(job.getService().getClassName()).isEqualTo(TidelineJobService.class.getName());

    activity.restart().resume();
    await().atMost(20, TimeUnit.SECONDS).until(() -> jobs().getAllPendingJobs().isEmpty());
  }

  @Test
  public void theJobSendsWhatWaitsAndFinishes() {
    Tideline tideline = rule.initReady(rule.quiet().build());
    tideline.log(TidelineRule.click("a"));
    TidelineJobService service = Robolectric.setupService(TidelineJobService.class);

    assertThat(service.onStartJob(null)).isTrue();
    await().atMost(20, TimeUnit.SECONDS).until(() -> shadowOf(service).getIsJobFinished());
    assertThat(rule.clicks()).containsExactly("a");
    assertThat(shadowOf(service).getIsRescheduleNeeded()).isFalse();
  }

  @Test
  public void theJobEndsAtOnceWithoutTideline() {
    TidelineJobService service = Robolectric.setupService(TidelineJobService.class);
    assertThat(service.onStartJob(null)).isFalse();
  }

  @Test
  public void theNetworkComingBackFlushesAndTheContextFollowsItsType() {
    Tideline tideline = rule.initReady(rule.quiet().build());
    ConnectivityManager connectivity =
        (ConnectivityManager) rule.app().getSystemService(Context.CONNECTIVITY_SERVICE);
    await()
        .atMost(20, TimeUnit.SECONDS)
        .until(() -> !shadowOf(connectivity).getNetworkCallbacks().isEmpty());
    List<ConnectivityManager.NetworkCallback> callbacks =
        new ArrayList<>(shadowOf(connectivity).getNetworkCallbacks());
    Network network = ShadowNetwork.newInstance(7);

    for (ConnectivityManager.NetworkCallback callback : callbacks) {
      callback.onLost(network);
    }
    assertThat(tideline.context().getNetwork()).isEqualTo(NetworkType.NETWORK_NONE);
    tideline.log(TidelineRule.click("offline"));
    assertThat(rule.clicks()).isEmpty();

    NetworkCapabilities wifi = ShadowNetworkCapabilities.newInstance();
    shadowOf(wifi).addTransportType(NetworkCapabilities.TRANSPORT_WIFI);
    for (ConnectivityManager.NetworkCallback callback : callbacks) {
      callback.onAvailable(network);
      callback.onCapabilitiesChanged(network, wifi);
    }
    await().atMost(20, TimeUnit.SECONDS).until(() -> rule.clicks().size() == 1);
    assertThat(rule.stored("Click").get(0).getContext().getNetwork())
        .isEqualTo(NetworkType.NETWORK_NONE);
    assertThat(tideline.context().getNetwork()).isEqualTo(NetworkType.WIFI);
  }

  @Test
  public void periodicFlushesRunOnlyInForeground() {
    Tideline tideline =
        rule.initReady(
            rule.quiet().flushInterval(200, TimeUnit.MILLISECONDS).backgroundJob(false).build());
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    tideline.log(TidelineRule.click("foreground"));
    await().atMost(20, TimeUnit.SECONDS).until(() -> rule.clicks().size() == 1);

    activity.pause().stop();
    await().atMost(20, TimeUnit.SECONDS).until(() -> rule.stored("AppLifecycle").size() == 3);
    tideline.log(TidelineRule.click("background"));
    await()
        .during(1500, TimeUnit.MILLISECONDS)
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> rule.clicks().size() == 1);

    activity.restart().resume();
    await().atMost(20, TimeUnit.SECONDS).until(() -> rule.clicks().size() == 2);
  }

  @Test
  public void aMemoryWarningSendsWhatIsHeld() {
    rule.initReady(rule.quiet().build()).log(TidelineRule.click("a"));
    rule.app().onTrimMemory(ComponentCallbacks2.TRIM_MEMORY_RUNNING_LOW);
    await().atMost(20, TimeUnit.SECONDS).until(() -> rule.clicks().size() == 1);
  }
}
