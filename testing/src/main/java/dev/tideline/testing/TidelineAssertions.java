package dev.tideline.testing;

/**
 * AssertJ entry point for captured events.
 *
 * <pre>{@code
 * import static dev.tideline.testing.TidelineAssertions.assertThat;
 *
 * assertThat(capture)
 *     .hasNoViolations()
 *     .hasSentExactly(3, Payment.class)
 *     .hasSent(Login.class, login -> login.getSuccess(), "a successful login");
 * }</pre>
 */
public final class TidelineAssertions {
  private TidelineAssertions() {}

  /** Assertions on what a {@link TrackerCapture} or {@link StreamCapture} captured. */
  public static CaptureAssert assertThat(EventCapture capture) {
    return new CaptureAssert(capture);
  }
}
