package dev.tideline.sdk;

/**
 * The tracker's source of time: wall-clock time for event times, monotonic time for lingers,
 * backoffs, time-to-live and latency. Injectable so tests never sleep.
 *
 * <p>Implementations must be thread-safe.
 */
public interface Clock {
  /** Wall-clock time, microseconds since the Unix epoch (UTC). */
  long currentTimeMicros();

  /** Monotonic time in nanoseconds from an arbitrary origin, as {@link System#nanoTime()}. */
  long nanoTime();

  /** The system clock. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}
