package dev.tideline.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.robolectric.Shadows.shadowOf;

import android.app.Activity;
import android.content.pm.PackageInfo;
import android.os.Build;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.events.v1.AppLifecycle;
import dev.tideline.events.v1.ScreenView;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.Platform;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.sink.InMemorySink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;
import org.robolectric.shadows.ShadowSystemClock;

/** Context, sessions and the standard events, driven by real activity lifecycles. */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = {24, 34})
public class LifecycleTest {
  /** Names each envelope's event type from its schema id. */
  private static final SchemaRegistry EVENT_TYPES = SchemaRegistry.fromClasspath();

  @Rule public final TidelineRule rule = new TidelineRule();

  private static List<AppLifecycle.Kind> kinds(List<Envelope> envelopes) {
    List<AppLifecycle.Kind> kinds = new ArrayList<>();
    for (Envelope envelope : envelopes) {
      try {
        kinds.add(AppLifecycle.parseFrom(envelope.getPayload()).getKind());
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }
    return kinds;
  }

  private static ScreenView screen(Envelope envelope) throws InvalidProtocolBufferException {
    return ScreenView.parseFrom(envelope.getPayload());
  }

  @Test
  public void anActivityLogsInstallOpenScreensBackgroundAndForeground() throws Exception {
    Tideline tideline = rule.initReady(rule.quiet().build());
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    activity.pause().stop();
    activity.restart().resume();
    assertThat(tideline.flush().await(20, TimeUnit.SECONDS)).isTrue();

    assertThat(kinds(rule.stored("AppLifecycle")))
        .containsExactly(
            AppLifecycle.Kind.INSTALL,
            AppLifecycle.Kind.OPEN,
            AppLifecycle.Kind.BACKGROUND,
            AppLifecycle.Kind.FOREGROUND);
    AppLifecycle open = AppLifecycle.parseFrom(rule.stored("AppLifecycle").get(1).getPayload());
    assertThat(open.getColdStart()).isTrue();
    List<Envelope> screens = rule.stored("ScreenView");
    assertThat(screens).hasSize(2);
    assertThat(screen(screens.get(0)).getScreenName()).isEqualTo("Activity");
    assertThat(screen(screens.get(0)).getScreenClass()).isEqualTo("android.app.Activity");
    assertThat(screen(screens.get(1)).getPreviousScreen()).isEqualTo("Activity");
  }

  @Test
  public void everyEnvelopeCarriesTheAppAndDeviceContext() {
    Tideline tideline = rule.initReady(rule.quiet().build());
    tideline.setUserId("u-42");
    tideline.log(TidelineRule.click("a"));
    assertThat(tideline.flush().await(20, TimeUnit.SECONDS)).isTrue();

    Context context = rule.stored("Click").get(0).getContext();
    assertThat(context.getAppId()).isEqualTo(rule.app().getPackageName());
    assertThat(context.getPlatform()).isEqualTo(Platform.ANDROID);
    assertThat(context.getOsName()).isEqualTo("Android");
    assertThat(context.getOsVersion()).isEqualTo(Build.VERSION.RELEASE);
    assertThat(context.getDeviceManufacturer()).isEqualTo(Build.MANUFACTURER);
    assertThat(context.getDeviceModel()).isEqualTo(Build.MODEL);
    assertThat(context.getLocale()).isEqualTo(Locale.getDefault().toLanguageTag());
    assertThat(context.getTimeZone()).isEqualTo(TimeZone.getDefault().getID());
    assertThat(context.getSdkVersion()).isEqualTo(Tideline.SDK_VERSION);
    assertThat(context.getSessionId()).isEqualTo(tideline.sessionId()).isNotEmpty();
    assertThat(context.getUserId()).isEqualTo("u-42");
  }

  @Test
  public void theSessionRotatesOnlyAfterTheTimeoutInBackground() {
    Tideline tideline = rule.initReady(rule.quiet().sessionTimeout(30, TimeUnit.MINUTES).build());
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    String first = tideline.sessionId();

    activity.pause().stop();
    ShadowSystemClock.advanceBy(Duration.ofMinutes(29));
    activity.restart().resume();
    assertThat(tideline.sessionId()).isEqualTo(first);
    tideline.log(TidelineRule.click("same-session"));

    activity.pause().stop();
    long before = android.os.SystemClock.elapsedRealtime();
    ShadowSystemClock.advanceBy(Duration.ofMinutes(31));
    assertThat(android.os.SystemClock.elapsedRealtime() - before).isEqualTo(31 * 60_000L);
    activity.restart().resume();
    String second = tideline.sessionId();
    assertThat(second).isNotEqualTo(first);
    tideline.log(TidelineRule.click("new-session"));
    assertThat(tideline.flush().await(20, TimeUnit.SECONDS)).isTrue();

    List<Envelope> clicks = rule.stored("Click");
    assertThat(clicks.get(0).getContext().getSessionId()).isEqualTo(first);
    assertThat(clicks.get(1).getContext().getSessionId()).isEqualTo(second);
  }

  @Test
  public void aFlushWithNothingLoggedCompletes() {
    Tideline tideline = rule.initReady(rule.quiet().installEvents(false).build());
    assertThat(tideline.flush().await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  public void eachStandardEventCanBeSwitchedOff() {
    Tideline tideline =
        rule.initReady(
            rule.quiet()
                .installEvents(false)
                .openEvents(false)
                .backgroundForegroundEvents(false)
                .screenViews(false)
                .build());
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    activity.pause().stop();
    activity.restart().resume();
    tideline.log(TidelineRule.click("only"));
    assertThat(tideline.flush().await(20, TimeUnit.SECONDS)).isTrue();

    assertThat(rule.stored("AppLifecycle")).isEmpty();
    assertThat(rule.stored("ScreenView")).isEmpty();
    assertThat(rule.clicks()).containsExactly("only");
  }

  @Test
  public void anUpdateIsLoggedOnceWithThePreviousVersion() throws Exception {
    PackageInfo info =
        shadowOf(rule.app().getPackageManager())
            .getInternalMutablePackageInfo(rule.app().getPackageName());
    info.versionName = "1.0";
    info.firstInstallTime = 1_000;
    info.lastUpdateTime = 1_000;

    List<AppLifecycle.Kind> seen = new ArrayList<>();
    List<String> previous = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      if (run == 2) {
        info.versionName = "1.1";
        info.lastUpdateTime = 2_000;
      }
      InMemorySink sink = InMemorySink.create();
      Tideline tideline = rule.initReady(rule.quiet().sink(sink).build());
      assertThat(tideline.flush().await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(tideline.close(5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS)).isTrue();
      for (Envelope envelope : sink.storedEnvelopes()) {
        if (EVENT_TYPES.eventType(envelope).equals("tideline.events.v1.AppLifecycle")) {
          AppLifecycle event = AppLifecycle.parseFrom(envelope.getPayload());
          seen.add(event.getKind());
          previous.add(event.getPreviousVersion());
          assertThat(envelope.getContext().getAppVersion()).isEqualTo(info.versionName);
        }
      }
    }
    assertThat(seen).containsExactly(AppLifecycle.Kind.INSTALL, AppLifecycle.Kind.UPDATE);
    assertThat(previous).containsExactly("", "1.0");
  }
}
