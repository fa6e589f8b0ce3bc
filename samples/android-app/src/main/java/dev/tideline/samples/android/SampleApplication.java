package dev.tideline.samples.android;

import android.app.Application;
import dev.tideline.android.Tideline;
import dev.tideline.android.TidelineConfig;

/**
 * Starts Tideline once, when the process starts: before any activity (so the first screen and the
 * app open are seen) and before the background job runs after a kill. {@code init} returns at once;
 * the spool is opened on Tideline's own thread.
 */
public final class SampleApplication extends Application {
  /** The Cognito identity pool whose unauthenticated role may call kinesis:PutRecords. */
  static final String IDENTITY_POOL = "eu-west-1:11111111-2222-3333-4444-555555555555";

  @Override
  public void onCreate() {
    super.onCreate();
    Tideline.init(
        this,
        TidelineConfig.builder()
            .streamName("app-events")
            .kinesis("eu-west-1", Tideline.cognitoCredentials(this, IDENTITY_POOL))
            .build());
  }
}
