package dev.tideline.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import android.app.Activity;
import android.os.StrictMode;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;

/** Nothing Tideline does on the main thread touches the disk or the network. */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = {24, 34})
public class MainThreadTest {
  @Rule public final TidelineRule tideline = new TidelineRule();

  private MainThreadIoGuard guard;
  private StrictMode.ThreadPolicy previousPolicy;

  @Before
  public void watchTheMainThread() {
    previousPolicy = StrictMode.getThreadPolicy();
    StrictMode.setThreadPolicy(
        new StrictMode.ThreadPolicy.Builder()
            .detectDiskReads()
            .detectDiskWrites()
            .detectNetwork()
            .penaltyDeath()
            .build());
    guard = MainThreadIoGuard.install(new File(tideline.app().getApplicationInfo().dataDir));
  }

  @After
  public void stopWatching() {
    guard.uninstall();
    StrictMode.setThreadPolicy(previousPolicy);
  }

  @Test
  public void initLogFlushAndTheLifecycleStayOffTheMainThread() {
    Tideline tracker = tideline.init(tideline.quiet().build());
    tracker.log(TidelineRule.click("before-ready"));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    assertThat(tracker.ready().await(20, TimeUnit.SECONDS)).isTrue();
    tracker.log(TidelineRule.click("after-ready"));
    tracker.logDurably(TidelineRule.click("durable"));
    assertThat(tracker.flush().await(20, TimeUnit.SECONDS)).isTrue();
    activity.pause().stop();
    activity.restart().resume();
    tracker.onTrimMemory(android.content.ComponentCallbacks2.TRIM_MEMORY_RUNNING_LOW);
    await().atMost(20, TimeUnit.SECONDS).until(() -> tideline.clicks().size() == 3);
    assertThat(tracker.flush().await(20, TimeUnit.SECONDS)).isTrue();
    tracker.close(5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    List<String> violations = new ArrayList<>(guard.violations); // before the test's own reads

    assertThat(violations).isEmpty();
    assertThat(tideline.clicks()).containsExactly("before-ready", "after-ready", "durable");
    assertThat(new File(tideline.app().getNoBackupFilesDir(), Tideline.SPOOL_DIRECTORY))
        .isDirectory();
  }

  @Test
  public void theGuardSeesDiskAccessOnTheMainThread() throws IOException {
    File file = new File(tideline.app().getApplicationInfo().dataDir, "main-thread-write");
    try (FileOutputStream out = new FileOutputStream(file)) {
      out.write(1);
    }
    assertThat(guard.violations).anySatisfy(v -> assertThat(v).startsWith("disk write"));
  }
}
