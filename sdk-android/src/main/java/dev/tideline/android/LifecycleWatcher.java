package dev.tideline.android;

import android.app.Activity;
import android.app.Application;
import android.content.ComponentCallbacks2;
import android.content.res.Configuration;
import android.os.Bundle;

/**
 * Sees the app's activities come and go (foreground, background, screens) and the system's memory
 * requests, on the main thread, and hands each to {@link Tideline} without touching the disk.
 */
final class LifecycleWatcher
    implements Application.ActivityLifecycleCallbacks, ComponentCallbacks2 {
  private final Tideline tideline;

  // Main thread only.
  private int started;
  private boolean changingConfiguration;

  LifecycleWatcher(Tideline tideline) {
    this.tideline = tideline;
  }

  @Override
  public void onActivityStarted(Activity activity) {
    started++;
    if (started == 1) {
      if (changingConfiguration) {
        changingConfiguration = false; // a rotation, not a return from background
      } else {
        tideline.onForeground();
      }
    }
  }

  @Override
  public void onActivityStopped(Activity activity) {
    if (started == 0) {
      return; // Tideline started while this activity was already running
    }
    started--;
    if (started == 0) {
      if (activity.isChangingConfigurations()) {
        changingConfiguration = true;
      } else {
        tideline.onBackground();
      }
    }
  }

  @Override
  public void onActivityResumed(Activity activity) {
    tideline.onScreen(activity.getClass().getSimpleName(), activity.getClass().getName());
  }

  @Override
  public void onActivityCreated(Activity activity, Bundle savedInstanceState) {}

  @Override
  public void onActivityPaused(Activity activity) {}

  @Override
  public void onActivitySaveInstanceState(Activity activity, Bundle outState) {}

  @Override
  public void onActivityDestroyed(Activity activity) {}

  @Override
  public void onTrimMemory(int level) {
    tideline.onTrimMemory(level);
  }

  @Override
  public void onConfigurationChanged(Configuration newConfig) {}

  // Deprecated on newer Android in favour of onTrimMemory, which we also handle; still called on
  // the older versions this SDK supports (API 24 and up).
  @SuppressWarnings("deprecation")
  @Override
  public void onLowMemory() {
    tideline.onTrimMemory(ComponentCallbacks2.TRIM_MEMORY_COMPLETE);
  }
}
