package dev.tideline.sdk;

/**
 * How large and how many PutRecords calls may be in flight, adapted to an endpoint that is slow:
 * additive increase, multiplicative decrease, as TCP and the AWS SDK's adaptive retry mode do.
 *
 * <p>A call that did not complete (it timed out, or its connection failed) halves the bytes and
 * entries a call may carry and the number of calls in flight, at most once per round trip: calls
 * sent before the last decrease do not decrease it again, so the calls of one slow burst count as
 * one signal. Each call that completes grows the size back by a sixteenth of the configured
 * maximum, and the number in flight by one once as many calls as may be in flight completed in a
 * row. A slow but working endpoint thus settles on calls small and few enough to be answered within
 * the timeout, instead of resending the same too-large calls until their events expire.
 *
 * <p>A request always carries at least one record, whatever the window. Worker-owned.
 */
final class RequestWindow {
  private final int maxBytes;
  private final int maxEntries;
  private final int maxInFlight;

  private int bytes;
  private int entries;
  private int inFlight;
  private int completedInARow;
  private long epoch;

  RequestWindow(int maxBytes, int maxEntries, int maxInFlight) {
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
    this.maxInFlight = maxInFlight;
    this.bytes = maxBytes;
    this.entries = maxEntries;
    this.inFlight = maxInFlight;
  }

  /** The bytes a call may carry now (billed sizes). */
  int bytes() {
    return bytes;
  }

  /** The entries a call may carry now. */
  int entries() {
    return entries;
  }

  /** How many calls may be in flight now. */
  int inFlight() {
    return inFlight;
  }

  /** Whether the window is smaller than configured. */
  boolean shrunk() {
    return bytes < maxBytes || entries < maxEntries || inFlight < maxInFlight;
  }

  /** The current round trip; a call remembers it when sent and hands it back to {@link #lost}. */
  long epoch() {
    return epoch;
  }

  /**
   * A call sent in the given round trip did not complete: halves the window, unless it was sent
   * before the last decrease. Returns whether the window shrank.
   */
  boolean lost(long callEpoch) {
    if (callEpoch != epoch) {
      return false;
    }
    epoch++;
    completedInARow = 0;
    int before = bytes + entries + inFlight;
    bytes = Math.max(1, bytes / 2);
    entries = Math.max(1, entries / 2);
    inFlight = Math.max(1, inFlight / 2);
    return bytes + entries + inFlight < before;
  }

  /** A call completed (whatever its entries' results): grows the window back, additively. */
  void completed() {
    bytes = (int) Math.min(maxBytes, (long) bytes + Math.max(1, maxBytes / 16));
    entries = Math.min(maxEntries, entries + Math.max(1, maxEntries / 16));
    if (inFlight < maxInFlight && ++completedInARow >= inFlight) {
      completedInARow = 0;
      inFlight++;
    }
  }
}
