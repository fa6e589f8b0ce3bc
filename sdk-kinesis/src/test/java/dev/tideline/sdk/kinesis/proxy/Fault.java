package dev.tideline.sdk.kinesis.proxy;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntFunction;

/**
 * What the {@link FaultInjectingProxy} does to one PutRecords call. Build with the static
 * factories.
 *
 * <p>Immutable.
 */
public final class Fault {
  /** Kinesis's per-entry throttling code. */
  public static final String THROTTLED = "ProvisionedThroughputExceededException";

  /** Kinesis's per-entry internal failure code. */
  public static final String INTERNAL_FAILURE = "InternalFailure";

  /** How the call is treated. */
  public enum Kind {
    /** Forwarded as is. */
    NONE,
    /** Some entries are stripped and answered with an error code; the rest are forwarded. */
    FAIL_ENTRIES,
    /** Not forwarded; answered with HTTP 500 InternalFailure. */
    HTTP_500,
    /** Forwarded, then answered only after a delay longer than the client's timeout. */
    DELAY_AFTER_FORWARDING,
    /**
     * Forwarded, then answered once a link of limited bandwidth, shared by all such calls in
     * arrival order, has carried the request: the answer's delay grows with the call's size and
     * with the bytes of the calls ahead of it, as at a loaded endpoint.
     */
    SLOW_LINK_AFTER_FORWARDING,
    /** Forwarded, then answered once the test releases the latch (at most after a minute). */
    HOLD_AFTER_FORWARDING,
    /** Part of the body read, then the connection closed; nothing forwarded. */
    RESET_BEFORE_FORWARDING,
    /** Forwarded (the entries are stored), then the connection closed without an answer. */
    RESET_AFTER_FORWARDING
  }

  private static final Fault NONE = new Fault(Kind.NONE, i -> null, Duration.ZERO, "none");

  private final Kind kind;
  private final IntFunction<String> entryErrors;
  private final Duration delay;
  private final CountDownLatch release;
  private final String description;

  private Fault(Kind kind, IntFunction<String> entryErrors, Duration delay, String description) {
    this(kind, entryErrors, delay, null, description);
  }

  private Fault(
      Kind kind,
      IntFunction<String> entryErrors,
      Duration delay,
      CountDownLatch release,
      String description) {
    this.kind = kind;
    this.entryErrors = entryErrors;
    this.delay = delay;
    this.release = release;
    this.description = description;
  }

  /** Forward the call unchanged. */
  public static Fault none() {
    return NONE;
  }

  /** Answer the entries at these indexes with the code; forward the others. */
  public static Fault failEntries(String errorCode, int... indexes) {
    Objects.requireNonNull(errorCode, "errorCode");
    int[] sorted = indexes.clone();
    Arrays.sort(sorted);
    return new Fault(
        Kind.FAIL_ENTRIES,
        i -> Arrays.binarySearch(sorted, i) >= 0 ? errorCode : null,
        Duration.ZERO,
        "fail entries " + Arrays.toString(sorted) + " with " + errorCode);
  }

  /** Answer every entry with the code; forward nothing. */
  public static Fault failAllEntries(String errorCode) {
    Objects.requireNonNull(errorCode, "errorCode");
    return new Fault(
        Kind.FAIL_ENTRIES, i -> errorCode, Duration.ZERO, "fail all with " + errorCode);
  }

  /**
   * Decide entry by entry: the function gets the entry's index and answers an error code, or null
   * to forward the entry.
   */
  public static Fault failEach(IntFunction<String> errorCodeByIndex) {
    Objects.requireNonNull(errorCodeByIndex, "errorCodeByIndex");
    return new Fault(Kind.FAIL_ENTRIES, errorCodeByIndex, Duration.ZERO, "fail some entries");
  }

  /** Answer the whole call with HTTP 500 InternalFailure without forwarding it. */
  public static Fault http500() {
    return new Fault(Kind.HTTP_500, i -> null, Duration.ZERO, "HTTP 500");
  }

  /**
   * Forward the call, so its entries are stored, and answer only after the delay: with a delay
   * longer than the client's timeout, the client gives up and its retry stores duplicates.
   */
  public static Fault delayAfterForwarding(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    return new Fault(Kind.DELAY_AFTER_FORWARDING, i -> null, delay, "delay " + delay);
  }

  /**
   * Forward the call, so its entries are stored, and answer once the proxy's shared link of this
   * bandwidth has carried the request body after the calls ahead of it: large calls, and many at
   * once, are answered late (after the client's timeout, so the client's retry stores duplicates);
   * small calls, one at a time, in time.
   */
  public static Fault slowLink(long bytesPerSecond) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be positive, was " + bytesPerSecond);
    }
    return new Fault(
        Kind.SLOW_LINK_AFTER_FORWARDING,
        i -> null,
        Duration.ofNanos(1_000_000_000L / bytesPerSecond),
        "slow link at " + bytesPerSecond + " bytes/s");
  }

  /**
   * Forward the call and hold the answer until the latch is released: the call stays in flight for
   * as long as the test needs, without timing.
   */
  public static Fault holdUntil(CountDownLatch release) {
    Objects.requireNonNull(release, "release");
    return new Fault(Kind.HOLD_AFTER_FORWARDING, i -> null, Duration.ZERO, release, "hold");
  }

  /** Close the connection while the request is being read; nothing reaches Kinesis. */
  public static Fault resetBeforeForwarding() {
    return new Fault(Kind.RESET_BEFORE_FORWARDING, i -> null, Duration.ZERO, "reset before");
  }

  /** Forward the call, so its entries are stored, then close the connection without answering. */
  public static Fault resetAfterForwarding() {
    return new Fault(Kind.RESET_AFTER_FORWARDING, i -> null, Duration.ZERO, "reset after");
  }

  /** How the call is treated. */
  public Kind kind() {
    return kind;
  }

  /** The error code injected for the entry at this index, or null to forward it. */
  public String errorFor(int index) {
    return kind == Kind.FAIL_ENTRIES ? entryErrors.apply(index) : null;
  }

  /**
   * The delay of a {@link Kind#DELAY_AFTER_FORWARDING} fault; for a {@link
   * Kind#SLOW_LINK_AFTER_FORWARDING} fault, the time the link takes per byte.
   */
  public Duration delay() {
    return delay;
  }

  /** The latch of a {@link Kind#HOLD_AFTER_FORWARDING} fault. */
  public CountDownLatch release() {
    return release;
  }

  /**
   * Whether entries of a call with this fault may have been stored although the client got no
   * answer (so a retry duplicates them).
   */
  public boolean mayDuplicate() {
    return kind == Kind.DELAY_AFTER_FORWARDING
        || kind == Kind.SLOW_LINK_AFTER_FORWARDING
        || kind == Kind.RESET_AFTER_FORWARDING;
  }

  @Override
  public String toString() {
    return "Fault{" + description + "}";
  }
}
