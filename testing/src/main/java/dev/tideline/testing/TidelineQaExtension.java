package dev.tideline.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension for QA tests: each test method gets its own {@link TrackerCapture} and {@link
 * TestCorrelation}, so tests never see each other's events.
 *
 * <pre>{@code
 * @ExtendWith(TidelineQaExtension.class)
 * class LoginEventsTest {
 *   @Test
 *   void aFailedLoginIsLogged(TrackerCapture capture) { ... }
 * }
 * }</pre>
 *
 * Combine it with {@link dev.tideline.testing.kinesis.LocalKinesisExtension} and {@link
 * StreamCapture} to test against a stream.
 */
public final class TidelineQaExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TrackerCapture.class || type == TestCorrelation.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (parameter.getParameter().getType() == TrackerCapture.class) {
      return TrackerCapture.create();
    }
    return TestCorrelation.random();
  }
}
