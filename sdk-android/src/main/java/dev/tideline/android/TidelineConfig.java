package dev.tideline.android;

import dev.tideline.android.aws.AndroidKinesisSink;
import dev.tideline.android.aws.CredentialsProvider;
import dev.tideline.sdk.SpoolConfig;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.TrackerBuilder;
import dev.tideline.sdk.TrackerListener;
import dev.tideline.sdk.sink.RecordSink;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * How {@link Tideline} runs in an app: the stream and the transport, the spool, sessions, the
 * standard events and when to flush. Immutable; built with {@link #builder()}, whose setters check
 * their arguments at once. Everything but the stream name and the sink has a default.
 *
 * <pre>{@code
 * TidelineConfig config = TidelineConfig.builder()
 *     .streamName("app-events")
 *     .sink(sink)
 *     .build();
 * }</pre>
 */
public final class TidelineConfig {
  /**
   * 32 MiB: about 130,000 events of 250 bytes, days of a typical app's logging without a network,
   * and small next to what an app may keep in its own storage. When it is full, the newest events
   * are refused and counted ({@code TrackerMetrics.dropped()}), never dropped silently.
   */
  public static final long DEFAULT_SPOOL_MAX_BYTES = 32L * 1024 * 1024;

  /** 1 MiB segment files, so that acknowledged space goes back to the app in small steps. */
  public static final long DEFAULT_SPOOL_SEGMENT_BYTES = 1024L * 1024;

  /** 30 minutes in background end a session, as in the common analytics tools. */
  public static final long DEFAULT_SESSION_TIMEOUT_MILLIS = 30L * 60 * 1000;

  /**
   * 30 seconds between flushes while the app is in foreground: events reach the stream within half
   * a minute, while the radio wakes at most twice a minute, and never in background.
   */
  public static final long DEFAULT_FLUSH_INTERVAL_MILLIS = 30_000;

  /**
   * 1,000 events logged before the tracker is ready (it opens the spool off the main thread, in
   * tens of milliseconds) are kept in memory; past that, {@code log()} answers {@code BUFFER_FULL}.
   */
  public static final int DEFAULT_MAX_PENDING_EVENTS = 1000;

  /** The id of the JobScheduler job that drains the spool in background ("td" in ASCII). */
  public static final int DEFAULT_JOB_ID = 0x7464_0001;

  /** Adjusts the tracker before it is built, for settings this class does not name. */
  public interface TrackerOptions {
    /** Called once, on Tideline's own thread, with the builder of the tracker being built. */
    void apply(TrackerBuilder builder);
  }

  final String streamName;
  final RecordSink sink;
  final boolean spoolEnabled;
  final long spoolMaxBytes;
  final @Nullable SpoolConfig spool; // null: the default spool, or none
  final long sessionTimeoutMillis;
  final long flushIntervalMillis;
  final boolean flushOnConnectivity;
  final boolean backgroundJob;
  final int jobId;
  final boolean installEvents;
  final boolean openEvents;
  final boolean backgroundForegroundEvents;
  final boolean screenViews;
  final int maxPendingEvents;
  final TrackerListener listener;
  final @Nullable TrackerOptions trackerOptions;

  private TidelineConfig(Builder b) {
    this.streamName = b.streamName;
    this.sink = b.sink;
    this.spoolEnabled = b.spoolEnabled;
    this.spoolMaxBytes = b.spoolMaxBytes;
    this.spool = b.spool;
    this.sessionTimeoutMillis = b.sessionTimeoutMillis;
    this.flushIntervalMillis = b.flushIntervalMillis;
    this.flushOnConnectivity = b.flushOnConnectivity;
    this.backgroundJob = b.backgroundJob;
    this.jobId = b.jobId;
    this.installEvents = b.installEvents;
    this.openEvents = b.openEvents;
    this.backgroundForegroundEvents = b.backgroundForegroundEvents;
    this.screenViews = b.screenViews;
    this.maxPendingEvents = b.maxPendingEvents;
    this.listener = b.listener;
    this.trackerOptions = b.trackerOptions;
  }

  /** A builder; {@link Builder#streamName} and {@link Builder#sink} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The stream events go to. */
  public String streamName() {
    return streamName;
  }

  /** The session timeout in milliseconds. */
  public long sessionTimeoutMillis() {
    return sessionTimeoutMillis;
  }

  /** The foreground flush interval in milliseconds; 0 when periodic flushing is off. */
  public long flushIntervalMillis() {
    return flushIntervalMillis;
  }

  /** Builds a {@link TidelineConfig}. Not thread-safe. */
  public static final class Builder {
    private String streamName;
    private RecordSink sink;
    private boolean spoolEnabled = true;
    private long spoolMaxBytes = DEFAULT_SPOOL_MAX_BYTES;
    private @Nullable SpoolConfig spool;
    private long sessionTimeoutMillis = DEFAULT_SESSION_TIMEOUT_MILLIS;
    private long flushIntervalMillis = DEFAULT_FLUSH_INTERVAL_MILLIS;
    private boolean flushOnConnectivity = true;
    private boolean backgroundJob = true;
    private int jobId = DEFAULT_JOB_ID;
    private boolean installEvents = true;
    private boolean openEvents = true;
    private boolean backgroundForegroundEvents = true;
    private boolean screenViews = true;
    private int maxPendingEvents = DEFAULT_MAX_PENDING_EVENTS;
    private TrackerListener listener = TrackerListener.noop();
    private @Nullable TrackerOptions trackerOptions;

    // streamName and sink have no default: build() refuses a builder without them.
    @SuppressWarnings("NullAway.Init")
    private Builder() {}

    /**
     * The Kinesis stream, by name or ARN (checked as {@link TrackerBuilder#streamName} does).
     * Required.
     *
     * @throws IllegalArgumentException if the name or ARN is malformed, saying which part
     */
    public Builder streamName(String streamName) {
      Tracker.builder().streamName(streamName); // the tracker's own checks, now, not at init
      this.streamName = streamName;
      return this;
    }

    /** Where records go: the Android Kinesis transport, or any {@link RecordSink}. Required. */
    public Builder sink(RecordSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Sends to Kinesis in that region through the Android transport ({@link AndroidKinesisSink},
     * signed with SigV4), with credentials from the provider, for example {@link
     * Tideline#cognitoCredentials}. The same as {@code sink(AndroidKinesisSink.builder(region,
     * credentials).build())}; build the sink yourself for other settings.
     */
    public Builder kinesis(String region, CredentialsProvider credentials) {
      return sink(AndroidKinesisSink.builder(region, credentials).build());
    }

    /**
     * Whether accepted events are kept on disk until Kinesis acknowledged them, in the app's
     * no-backup files folder ({@code getNoBackupFilesDir()/tideline}). Default true: an app killed
     * in background loses nothing it had logged.
     */
    public Builder spoolEnabled(boolean spoolEnabled) {
      this.spoolEnabled = spoolEnabled;
      return this;
    }

    /**
     * The most bytes the spool may take on disk, at least 2 MiB. Default {@link
     * #DEFAULT_SPOOL_MAX_BYTES}.
     */
    public Builder spoolMaxBytes(long spoolMaxBytes) {
      if (spoolMaxBytes < 2 * DEFAULT_SPOOL_SEGMENT_BYTES) {
        throw new IllegalArgumentException(
            "spoolMaxBytes must be at least "
                + 2 * DEFAULT_SPOOL_SEGMENT_BYTES
                + ", was "
                + spoolMaxBytes);
      }
      this.spoolMaxBytes = spoolMaxBytes;
      return this;
    }

    /**
     * A spool configured in full (another directory, other segment or commit settings), instead of
     * the default one. Turns the spool on.
     */
    public Builder spool(SpoolConfig spool) {
      this.spool = Objects.requireNonNull(spool, "spool");
      this.spoolEnabled = true;
      return this;
    }

    /**
     * How long the app may stay in background before the next foreground starts a new session; at
     * least one second. Default {@link #DEFAULT_SESSION_TIMEOUT_MILLIS}.
     */
    public Builder sessionTimeout(long timeout, TimeUnit unit) {
      long millis = Objects.requireNonNull(unit, "sessionTimeout unit").toMillis(timeout);
      if (millis < 1000) {
        throw new IllegalArgumentException(
            "sessionTimeout must be at least 1 second, was " + timeout + " " + unit);
      }
      this.sessionTimeoutMillis = millis;
      return this;
    }

    /**
     * How often to flush while the app is in foreground; 0 turns periodic flushing off (the
     * tracker's linger time still sends). Never runs in background. Default {@link
     * #DEFAULT_FLUSH_INTERVAL_MILLIS}.
     */
    public Builder flushInterval(long interval, TimeUnit unit) {
      long millis = Objects.requireNonNull(unit, "flushInterval unit").toMillis(interval);
      if (interval < 0 || (interval > 0 && millis < 100)) {
        throw new IllegalArgumentException(
            "flushInterval must be 0 (off) or at least 100 ms, was " + interval + " " + unit);
      }
      this.flushIntervalMillis = millis;
      return this;
    }

    /** Whether to flush when the default network becomes available again. Default true. */
    public Builder flushOnConnectivity(boolean flushOnConnectivity) {
      this.flushOnConnectivity = flushOnConnectivity;
      return this;
    }

    /**
     * Whether to schedule a JobScheduler job, with a network constraint, that sends what is left
     * once the app went to background (it also runs after the process was killed). Needs {@link
     * TidelineJobService} declared in the app's manifest. Default true.
     */
    public Builder backgroundJob(boolean backgroundJob) {
      this.backgroundJob = backgroundJob;
      return this;
    }

    /** The job's id, unique among the app's JobScheduler jobs. Default {@link #DEFAULT_JOB_ID}. */
    public Builder jobId(int jobId) {
      this.jobId = jobId;
      return this;
    }

    /** Whether to log {@code AppLifecycle} INSTALL and UPDATE. Default true. */
    public Builder installEvents(boolean on) {
      this.installEvents = on;
      return this;
    }

    /** Whether to log {@code AppLifecycle} OPEN at the process's first foreground. Default true. */
    public Builder openEvents(boolean on) {
      this.openEvents = on;
      return this;
    }

    /** Whether to log {@code AppLifecycle} BACKGROUND and FOREGROUND. Default true. */
    public Builder backgroundForegroundEvents(boolean on) {
      this.backgroundForegroundEvents = on;
      return this;
    }

    /** Whether to log a {@code ScreenView} each time an activity is resumed. Default true. */
    public Builder screenViews(boolean on) {
      this.screenViews = on;
      return this;
    }

    /**
     * How many events logged before the tracker is ready are kept in memory, positive. Default
     * {@link #DEFAULT_MAX_PENDING_EVENTS}.
     */
    public Builder maxPendingEvents(int maxPendingEvents) {
      if (maxPendingEvents <= 0) {
        throw new IllegalArgumentException(
            "maxPendingEvents must be positive, was " + maxPendingEvents);
      }
      this.maxPendingEvents = maxPendingEvents;
      return this;
    }

    /**
     * Receives refusals, acknowledgements, drops, dead letters and storage problems (including the
     * ones Tideline meets itself, such as a spool it could not open). Default: none.
     */
    public Builder listener(TrackerListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Adjusts the tracker's other settings (linger time, buffer size, retries...) before it is
     * built. Tideline sets the stream, sink, context, listener and spool itself.
     */
    public Builder trackerOptions(TrackerOptions trackerOptions) {
      this.trackerOptions = Objects.requireNonNull(trackerOptions, "trackerOptions");
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalStateException if the stream name or the sink is missing
     */
    public TidelineConfig build() {
      if (streamName == null) {
        throw new IllegalStateException("streamName is required");
      }
      if (sink == null) {
        throw new IllegalStateException("sink is required");
      }
      return new TidelineConfig(this);
    }
  }
}
