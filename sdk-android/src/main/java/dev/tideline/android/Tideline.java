package dev.tideline.android;

import android.app.Application;
import android.content.Context;
import android.content.pm.PackageInfo;
import android.os.Process;
import android.os.SystemClock;
import android.util.Log;
import dev.tideline.android.aws.CognitoCredentialsProvider;
import dev.tideline.android.aws.CredentialsProvider;
import dev.tideline.android.aws.IdentityStore;
import dev.tideline.events.v1.AppLifecycle;
import dev.tideline.events.v1.ScreenView;
import dev.tideline.proto.v1.NetworkType;
import dev.tideline.sdk.Completion;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.LogReceipt;
import dev.tideline.sdk.SpoolConfig;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.TrackerBuilder;
import dev.tideline.sdk.TrackerMetrics;
import java.io.File;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Tideline in an Android app: call {@link #init(Context, TidelineConfig)} once, in {@code
 * Application.onCreate()}, then {@link #log(Object)} generated event messages from anywhere.
 *
 * <pre>{@code
 * Tideline tideline = Tideline.init(this, TidelineConfig.builder()
 *     .streamName("app-events")
 *     .sink(sink)
 *     .build());
 * tideline.log(Click.newBuilder().setElementId("buy").setScreenName("cart").build());
 * }</pre>
 *
 * <p>On its own, Tideline keeps accepted events in a spool in the app's no-backup files folder
 * until Kinesis acknowledged them; fills each envelope's context (app, OS, device, locale, time
 * zone, network, session); logs the standard events (install or update, open, background,
 * foreground, screen views); and flushes when the app goes to background, when the network comes
 * back, periodically in foreground only, and from a JobScheduler job after the app went to
 * background or was killed.
 *
 * <p>Thread-safe. No method touches the disk or the network on the calling thread: {@code init}
 * returns at once and opens the spool on Tideline's own thread; events logged before that are kept
 * in a small bounded queue. Nothing here throws into the app at run time: storage trouble is
 * reported to the listener ({@link dev.tideline.sdk.TrackerListener#onStorageProblem}) and the
 * events are kept in memory instead.
 */
public final class Tideline {
  /** The SDK's version, sent in every envelope's context. */
  public static final String SDK_VERSION = "0.1.0";

  /** The spool's folder under {@code getNoBackupFilesDir()}. */
  public static final String SPOOL_DIRECTORY = "tideline";

  /** Tideline's own small state (the app version last seen), beside the spool. */
  static final String STATE_DIRECTORY = "tideline-state";

  private static final String TAG = "Tideline";

  private static final Object INSTANCE_LOCK = new Object();
  private static @Nullable Tideline instance; // guarded by INSTANCE_LOCK

  final Context app;
  final TidelineConfig config;
  private final ScheduledThreadPoolExecutor executor;
  private final LifecycleWatcher lifecycle;
  private final Completion<Tracker> ready = Completion.create();
  private final AtomicLong ownStorageProblems = new AtomicLong();
  private final AtomicLong pendingRefused = new AtomicLong();

  private final Object lock = new Object();
  private volatile @Nullable Tracker tracker; // written under lock
  private final ArrayDeque<Pending> pending = new ArrayDeque<>(); // guarded by lock
  private dev.tideline.proto.v1.Context context; // guarded by lock
  private boolean closed; // guarded by lock
  private @Nullable Completion<Void> closing; // guarded by lock

  // Main thread only (lifecycle callbacks).
  private long backgroundSinceMillis = -1;
  private boolean openLogged;
  private String lastScreen = "";

  // Executor thread only.
  private @Nullable ScheduledFuture<?> periodicFlush;
  private @Nullable ConnectivityWatcher connectivity;

  private static final class Pending {
    final Object event;
    final @Nullable Completion<LogReceipt> durable; // null: a plain log()

    Pending(Object event, @Nullable Completion<LogReceipt> durable) {
      this.event = event;
      this.durable = durable;
    }
  }

  private Tideline(Context app, TidelineConfig config) {
    this.app = app;
    this.config = config;
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "tideline-android");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    this.lifecycle = new LifecycleWatcher(this);
    this.context =
        dev.tideline.proto.v1.Context.newBuilder()
            .setAppId(app.getPackageName())
            .setPlatform(dev.tideline.proto.v1.Platform.ANDROID)
            .setSdkVersion(SDK_VERSION)
            .setSessionId(newSessionId())
            .build();
  }

  /**
   * Starts Tideline for this app, once per process; later calls return the same instance (until it
   * is closed). Returns at once: the spool is opened and the device read on Tideline's own thread.
   * Call it from {@code Application.onCreate()} so that the first activity is seen.
   *
   * @param context any context of the app (its application context is kept)
   * @throws NullPointerException if an argument is null
   */
  public static Tideline init(Context context, TidelineConfig config) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(config, "config");
    synchronized (INSTANCE_LOCK) {
      if (instance != null) {
        if (instance.config != config) {
          Log.w(TAG, "Tideline.init was called again; the first configuration stays in effect");
        }
        return instance;
      }
      Context app = context.getApplicationContext();
      Tideline tideline = new Tideline(app != null ? app : context, config);
      instance = tideline;
      tideline.start();
      return tideline;
    }
  }

  /**
   * Temporary AWS credentials for unauthenticated identities of a Cognito identity pool, the
   * install's identity id kept in the app's no-backup folder. Touches neither the disk nor the
   * network here: the transport fetches credentials on its own threads.
   *
   * @param identityPoolId for example {@code "eu-west-1:11111111-2222-3333-4444-555555555555"}
   * @throws IllegalArgumentException if the pool id is not {@code region:id}
   */
  public static CredentialsProvider cognitoCredentials(Context context, String identityPoolId) {
    // getNoBackupFilesDir() may create the folder (disk I/O); its path is known without it.
    File noBackup = new File(context.getApplicationInfo().dataDir, "no_backup");
    return CognitoCredentialsProvider.builder(
            identityPoolId, IdentityStore.file(new File(noBackup, "tideline-cognito-identity")))
        .build();
  }

  /** The running instance, or null before {@link #init} and after {@link #close}. */
  public static @Nullable Tideline get() {
    synchronized (INSTANCE_LOCK) {
      return instance;
    }
  }

  private void start() {
    if (app instanceof Application) {
      ((Application) app).registerActivityLifecycleCallbacks(lifecycle);
    }
    app.registerComponentCallbacks(lifecycle);
    executor.execute(this::open);
  }

  /**
   * Logs an event: a generated protobuf message whose schema is in a catalog on the classpath (the
   * standard events, or the app's own). Cheap and non-blocking; safe on the main thread.
   *
   * @return {@link LogOutcome#ACCEPTED} (before the tracker is ready: queued), or why not
   * @throws NullPointerException if event is null
   */
  public LogOutcome log(Object event) {
    Objects.requireNonNull(event, "event");
    Tracker ready = tracker;
    if (ready == null) {
      synchronized (lock) {
        ready = tracker;
        if (ready == null) {
          return enqueue(new Pending(event, null));
        }
      }
    }
    return ready.log(event);
  }

  /**
   * Logs an event that must not be lost, such as a purchase ({@link Tracker#logDurably}). The
   * returned handle completes with the tracker's receipt as soon as the tracker took the event (at
   * once when it is ready); the receipt's {@code written()} completes once the event is synced to
   * the spool, its {@code acknowledged()} once Kinesis stored it.
   *
   * @throws NullPointerException if event is null
   */
  public Completion<LogReceipt> logDurably(Object event) {
    Objects.requireNonNull(event, "event");
    Tracker ready = tracker;
    if (ready == null) {
      synchronized (lock) {
        ready = tracker;
        if (ready == null) {
          Completion<LogReceipt> receipt = Completion.create();
          LogOutcome outcome = enqueue(new Pending(event, receipt));
          if (!outcome.isAccepted()) {
            receipt.fail(
                new IllegalStateException("Tideline did not accept the event: " + outcome));
          }
          return receipt;
        }
      }
    }
    return Completion.succeeded(ready.logDurably(event));
  }

  // Under lock.
  private LogOutcome enqueue(Pending event) {
    if (closed) {
      return LogOutcome.CLOSED;
    }
    if (pending.size() >= config.maxPendingEvents) {
      if (pendingRefused.getAndIncrement() == 0) {
        Log.w(
            TAG,
            "more than "
                + config.maxPendingEvents
                + " events were logged before Tideline was ready; the newest are refused"
                + " (TidelineConfig.maxPendingEvents)");
      }
      return LogOutcome.BUFFER_FULL;
    }
    pending.add(event);
    return LogOutcome.ACCEPTED;
  }

  /**
   * Sends everything logged so far without waiting for the linger time.
   *
   * @return completes when every event logged before this call was acknowledged or dropped
   */
  public Completion<Void> flush() {
    final Completion<Void> done = Completion.create();
    ready.whenComplete(
        (tracker, failure) -> {
          if (tracker == null) {
            // ready fails, with its cause, when it built no tracker.
            done.fail(failure != null ? failure : new IllegalStateException("no tracker"));
            return;
          }
          tracker
              .flush()
              .whenComplete(
                  (value, flushFailure) -> {
                    if (flushFailure != null) {
                      done.fail(flushFailure);
                    } else {
                      done.succeed(null);
                    }
                  });
        });
    return done;
  }

  /**
   * Stops Tideline: no more events are accepted, the lifecycle, memory and network callbacks are
   * removed, and the tracker is closed (what is undelivered stays in the spool for the next run).
   * Idempotent.
   *
   * @return completes when the tracker is closed, at the latest shortly after the timeout
   */
  public Completion<Void> close(final long timeout, final TimeUnit unit) {
    Objects.requireNonNull(unit, "unit");
    synchronized (lock) {
      if (closing != null) {
        return closing;
      }
      closed = true;
      closing = Completion.create();
      for (Pending event : pending) {
        if (event.durable != null) {
          event.durable.fail(new IllegalStateException("Tideline was closed"));
        }
      }
      pending.clear();
    }
    forget();
    final Completion<Void> done = closing;
    executor.execute(
        () -> {
          stopCallbacks();
          Tracker current = tracker;
          if (current == null) {
            done.succeed(null);
          } else {
            current.close(timeout, unit).whenComplete((value, failure) -> done.succeed(null));
          }
          executor.shutdown();
        });
    return done;
  }

  /** For tests: stops this instance's callbacks and threads as a process kill would. */
  @Nullable Tracker abandon() {
    synchronized (lock) {
      closed = true;
      pending.clear();
    }
    forget();
    executor.shutdownNow();
    return tracker;
  }

  private void forget() {
    synchronized (INSTANCE_LOCK) {
      if (instance == this) {
        instance = null;
      }
    }
    if (app instanceof Application) {
      ((Application) app).unregisterActivityLifecycleCallbacks(lifecycle);
    }
    app.unregisterComponentCallbacks(lifecycle);
  }

  /** Completes once the tracker is built (the spool opened or the memory fallback chosen). */
  public Completion<Void> ready() {
    final Completion<Void> done = Completion.create();
    ready.whenComplete(
        (tracker, failure) -> {
          if (failure != null) {
            done.fail(failure);
          } else {
            done.succeed(null);
          }
        });
    return done;
  }

  /** The tracker's counters, or null before it is ready. */
  public @Nullable TrackerMetrics metrics() {
    Tracker current = tracker;
    return current == null ? null : current.metrics();
  }

  /**
   * Storage problems seen so far: the tracker's (a failed write, a corrupt segment...) and
   * Tideline's own (a spool that could not be opened or was locked, a state file that could not be
   * written). Each was reported to the listener.
   */
  public long storageProblems() {
    Tracker current = tracker;
    return ownStorageProblems.get() + (current == null ? 0 : current.metrics().storageProblems());
  }

  /** Events refused because the queue before the tracker was ready was full. */
  public long pendingRefused() {
    return pendingRefused.get();
  }

  /** The current session's id (a new one after {@link TidelineConfig#sessionTimeoutMillis()}). */
  public String sessionId() {
    synchronized (lock) {
      return context.getSessionId();
    }
  }

  /** The context events are logged with now. */
  public dev.tideline.proto.v1.Context context() {
    synchronized (lock) {
      return context;
    }
  }

  /**
   * Sets the pseudonymous user id that envelopes carry from now on; null or empty clears it. Never
   * an email address or a name.
   */
  public void setUserId(String userId) {
    updateContext(context().toBuilder().setUserId(userId == null ? "" : userId).build());
  }

  /** For tests: the tracker, or null before it is ready. */
  @Nullable Tracker tracker() {
    return tracker;
  }

  /** For tests: the instance's executor, where everything touching the disk runs. */
  ScheduledThreadPoolExecutor executor() {
    return executor;
  }

  // ---------------------------------------------------------------- Tideline's thread

  /** Reads the device, opens the spool and builds the tracker, then lets queued events in. */
  private void open() {
    try {
      PackageInfo info = DeviceContext.packageInfo(app);
      dev.tideline.proto.v1.Context device = DeviceContext.read(app, info);
      synchronized (lock) {
        context =
            device.toBuilder()
                .setSessionId(context.getSessionId())
                .setUserId(context.getUserId())
                .build();
      }
      File noBackup = noBackupFilesDir();
      Tracker built = buildTracker(noBackup);
      if (config.installEvents && info != null && noBackup != null) {
        logInstallOrUpdate(
            built, new File(new File(noBackup, STATE_DIRECTORY), "app-version"), info);
      }
      synchronized (lock) {
        built.setContext(context);
        for (Pending event : pending) {
          if (event.durable != null) {
            event.durable.succeed(built.logDurably(event.event));
          } else {
            built.log(event.event);
          }
        }
        pending.clear();
        tracker = built;
        if (closed) {
          built.close(0, TimeUnit.MILLISECONDS); // closed while opening
        }
      }
      reportRecovery(built);
      ready.succeed(built);
      if (config.flushOnConnectivity) {
        connectivity = ConnectivityWatcher.register(this);
      }
    } catch (RuntimeException | LinkageError e) {
      // Never into the app: log() answers CLOSED from now on.
      reportStorageProblem("init", "Tideline could not start, events are not logged: " + e);
      synchronized (lock) {
        closed = true;
        for (Pending event : pending) {
          if (event.durable != null) {
            event.durable.fail(e);
          }
        }
        pending.clear();
      }
      ready.fail(e);
    }
  }

  /** Damage the spool's recovery found and skipped, told to the listener as storage trouble. */
  private void reportRecovery(Tracker built) {
    dev.tideline.sdk.SpoolMetrics spool = built.metrics().spool();
    if (spool != null && (spool.corruptRegions() > 0 || spool.tornTailBytes() > 0)) {
      reportStorageProblem(
          "spool-recovery",
          "the spool's recovery skipped "
              + spool.corruptRegions()
              + " corrupt regions ("
              + spool.corruptBytes()
              + " bytes) and cut a torn tail of "
              + spool.tornTailBytes()
              + " bytes; the events in them are lost, all others are sent");
    }
  }

  private @Nullable File noBackupFilesDir() {
    try {
      return app.getNoBackupFilesDir();
    } catch (RuntimeException e) {
      reportStorageProblem("files-dir", "the app's no-backup files folder is unavailable: " + e);
      return null;
    }
  }

  private Tracker buildTracker(@Nullable File noBackup) {
    SpoolConfig spool = null;
    if (config.spool != null) {
      spool = config.spool;
    } else if (config.spoolEnabled && noBackup != null) {
      spool =
          SpoolConfig.builder(new File(noBackup, SPOOL_DIRECTORY))
              .maxBytes(config.spoolMaxBytes)
              .segmentBytes(TidelineConfig.DEFAULT_SPOOL_SEGMENT_BYTES)
              .build();
    }
    if (spool != null) {
      try {
        return trackerBuilder().spool(spool).build();
      } catch (IllegalStateException e) { // the directory is locked by another tracker
        reportStorageProblem(
            "spool-locked",
            "the spool in "
                + spool.directory()
                + " is held by another tracker ("
                + e.getMessage()
                + "); this one keeps events in memory only, so a kill loses what is undelivered");
      }
    }
    return trackerBuilder().build();
  }

  private TrackerBuilder trackerBuilder() {
    TrackerBuilder builder = Tracker.builder();
    if (config.trackerOptions != null) {
      config.trackerOptions.apply(builder);
    }
    synchronized (lock) {
      builder.context(context);
    }
    return builder
        .streamName(config.streamName)
        .sink(config.sink)
        .listener(config.listener)
        .closeSinkOnClose(true);
  }

  private void logInstallOrUpdate(Tracker tracker, File state, PackageInfo info) {
    try {
      String version = info.versionName == null ? "" : info.versionName;
      InstallState change =
          InstallState.check(
              state,
              info.lastUpdateTime + " " + version,
              version,
              info.firstInstallTime == info.lastUpdateTime);
      if (change.change == InstallState.Change.INSTALL) {
        tracker.log(AppLifecycle.newBuilder().setKind(AppLifecycle.Kind.INSTALL).build());
      } else if (change.change == InstallState.Change.UPDATE) {
        tracker.log(
            AppLifecycle.newBuilder()
                .setKind(AppLifecycle.Kind.UPDATE)
                .setPreviousVersion(change.previousVersion)
                .build());
      }
    } catch (java.io.IOException | RuntimeException e) {
      reportStorageProblem(
          "install-state",
          "cannot read or write "
              + state
              + " ("
              + e
              + "); install and update events may be missed or repeated");
    }
  }

  void reportStorageProblem(String cause, String detail) {
    ownStorageProblems.incrementAndGet();
    Log.w(TAG, detail);
    try {
      config.listener.onStorageProblem(detail);
    } catch (RuntimeException e) {
      Log.w(TAG, "the listener threw " + e + " (cause " + cause + ")");
    }
  }

  private void schedulePeriodicFlush() {
    if (config.flushIntervalMillis > 0 && periodicFlush == null && !executor.isShutdown()) {
      periodicFlush =
          executor.scheduleWithFixedDelay(
              this::flush,
              config.flushIntervalMillis,
              config.flushIntervalMillis,
              TimeUnit.MILLISECONDS);
    }
  }

  private void cancelPeriodicFlush() {
    if (periodicFlush != null) {
      periodicFlush.cancel(false);
      periodicFlush = null;
    }
  }

  private void stopCallbacks() {
    cancelPeriodicFlush();
    if (connectivity != null) {
      connectivity.unregister();
      connectivity = null;
    }
  }

  /** Runs a task on Tideline's thread, unless it is shut down. */
  void runInBackground(Runnable task) {
    try {
      executor.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed: nothing left to do
    }
  }

  /** Whether events wait in the tracker (for the background job's reschedule decision). */
  boolean hasBacklog() {
    Tracker current = tracker;
    return current != null && current.metrics().bufferedEvents() > 0;
  }

  // ---------------------------------------------------------------- callbacks

  void updateContext(dev.tideline.proto.v1.Context next) {
    synchronized (lock) {
      context = next;
      Tracker current = tracker;
      if (current != null) {
        current.setContext(next);
      }
    }
  }

  void onNetworkChanged(NetworkType network) {
    dev.tideline.proto.v1.Context now = context();
    if (now.getNetwork() != network) {
      updateContext(now.toBuilder().setNetwork(network).build());
    }
  }

  /** Main thread: the first activity started. */
  void onForeground() {
    long now = SystemClock.elapsedRealtime();
    dev.tideline.proto.v1.Context.Builder next = DeviceContext.withLocale(context()).toBuilder();
    if (backgroundSinceMillis >= 0 && now - backgroundSinceMillis >= config.sessionTimeoutMillis) {
      next.setSessionId(newSessionId());
    }
    updateContext(next.build());
    backgroundSinceMillis = -1;
    if (!openLogged) {
      openLogged = true;
      if (config.openEvents) {
        log(
            AppLifecycle.newBuilder()
                .setKind(AppLifecycle.Kind.OPEN)
                .setColdStart(true)
                .setStartupMs(Math.max(0, now - Process.getStartElapsedRealtime()))
                .build());
      }
    } else if (config.backgroundForegroundEvents) {
      log(AppLifecycle.newBuilder().setKind(AppLifecycle.Kind.FOREGROUND).build());
    }
    runInBackground(
        () -> {
          schedulePeriodicFlush();
          if (config.backgroundJob) {
            FlushJob.cancel(this);
          }
        });
  }

  /** Main thread: the last activity stopped (not for a configuration change). */
  void onBackground() {
    backgroundSinceMillis = SystemClock.elapsedRealtime();
    if (config.backgroundForegroundEvents) {
      log(AppLifecycle.newBuilder().setKind(AppLifecycle.Kind.BACKGROUND).build());
    }
    runInBackground(
        () -> {
          cancelPeriodicFlush();
          flush();
          if (config.backgroundJob) {
            FlushJob.schedule(this);
          }
        });
  }

  /** Main thread: an activity was resumed. */
  void onScreen(String screenName, String screenClass) {
    if (config.screenViews) {
      log(
          ScreenView.newBuilder()
              .setScreenName(screenName)
              .setScreenClass(screenClass)
              .setPreviousScreen(lastScreen)
              .build());
    }
    lastScreen = screenName;
  }

  /** Any thread: the system asks the app to use less memory. */
  void onTrimMemory(int level) {
    // Events already in the spool need not stay in memory: they are read back when sent.
    Tracker current = tracker;
    if (current != null) {
      current.trimMemory();
    }
    // Sending is what frees the rest: acknowledged events leave the buffers (and the spool).
    runInBackground(this::flush);
  }

  /** A random UUIDv4 string; not for secrets, so no SecureRandom (its seeding may block). */
  static String newSessionId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new java.util.UUID(high, low).toString();
  }
}
