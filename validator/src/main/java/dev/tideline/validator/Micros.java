package dev.tideline.validator;

import java.time.Instant;

/** Microseconds since the epoch, the envelope's unit of time, to and from {@link Instant}s. */
final class Micros {
  private Micros() {}

  /**
   * Microseconds since the epoch, clamped to the range of a long: an arrival time from a damaged or
   * hostile source (a file's arrival_time_us of Long.MIN_VALUE) must not throw.
   */
  static long of(Instant instant) {
    long seconds = instant.getEpochSecond();
    long micros = instant.getNano() / 1000L;
    if (seconds > (Long.MAX_VALUE - micros) / 1_000_000L) {
      return Long.MAX_VALUE;
    }
    if (seconds < Long.MIN_VALUE / 1_000_000L) {
      return Long.MIN_VALUE;
    }
    return seconds * 1_000_000L + micros;
  }

  /** The instant of a time in microseconds since the epoch. */
  static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }
}
