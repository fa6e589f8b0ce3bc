package dev.tideline.testing;

import dev.tideline.schema.SchemaRegistry;
import dev.tideline.validator.ValidatedEvent;
import java.util.List;

/**
 * Events a test captured, decoded and judged by the validator: what a Tracker sent to a {@link
 * TrackerCapture}, or what a {@link StreamCapture} read from a stream. Assert on it with {@link
 * TidelineAssertions#assertThat(EventCapture)}.
 */
public interface EventCapture {
  /** Every event captured so far, in arrival order, each with its verdict. */
  List<ValidatedEvent> events();

  /** The schemas the events were judged against. */
  SchemaRegistry registry();
}
