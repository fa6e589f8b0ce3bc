package dev.tideline.sdk;

import java.util.Locale;

/**
 * Why an accepted event (one with a sequence number) was not delivered. Counted in {@link
 * TrackerMetrics#dropped()} and in the producer audit record, so the validator can tell drops the
 * producer reported from real loss.
 */
public enum DropReason {
  /** Evicted from a full buffer to make room for a newer event (policy DROP_OLDEST). */
  BUFFER_FULL,
  /**
   * Larger than the stream's maximum record size, learned after the event was accepted (the
   * stream's limit is smaller than the tracker's).
   */
  TOO_LARGE,
  /** Not acknowledged within the record time-to-live; dead-lettered. */
  EXPIRED,
  /** Every allowed attempt failed; dead-lettered. */
  ATTEMPTS_EXHAUSTED,
  /** Kinesis refused it with an error retrying cannot fix (for example access denied). */
  REFUSED,
  /**
   * Still undelivered when {@link Tracker#close(long, java.util.concurrent.TimeUnit)} timed out.
   */
  CLOSED;

  /** The reason as the audit record and metrics name it, for example "buffer_full". */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
