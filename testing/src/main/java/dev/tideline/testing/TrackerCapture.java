package dev.tideline.testing;

import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.TrackerBuilder;
import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.validator.ValidatedEvent;
import dev.tideline.validator.Validator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Captures what a {@link Tracker} sends, in memory, and validates it: the quickest way to test that
 * an app logs the events it should, with the fields it should.
 *
 * <pre>{@code
 * TrackerCapture capture = TrackerCapture.create();
 * Tracker tracker = capture.trackerBuilder().build();
 * checkout.pay(order, tracker);
 * tracker.flush().await(5, TimeUnit.SECONDS);
 * assertThat(capture).hasNoViolations().hasSentExactly(1, Payment.class);
 * }</pre>
 *
 * <p>Every record the tracker sends goes through the same validator the data team runs on the
 * stream, so a test fails on what production would quarantine. Thread-safe.
 */
public final class TrackerCapture implements EventCapture {
  /** The stream name trackers built by {@link #trackerBuilder()} write to. */
  public static final String STREAM = "tideline-capture";

  private final SchemaRegistry registry;
  private final Validator validator;
  private final InMemorySink sink = InMemorySink.create();

  private TrackerCapture(SchemaRegistry registry) {
    this.registry = registry;
    this.validator = Validator.builder(registry).build();
  }

  /** A capture that judges events against every catalog on the classpath. */
  public static TrackerCapture create() {
    return create(SchemaRegistry.fromClasspath());
  }

  /** A capture that judges events against the given schemas. */
  public static TrackerCapture create(SchemaRegistry registry) {
    return new TrackerCapture(Objects.requireNonNull(registry, "registry"));
  }

  /** The sink to give a tracker; it stores each record and enforces Kinesis's limits. */
  public InMemorySink sink() {
    return sink;
  }

  /**
   * A tracker builder wired to this capture (sink, registry, stream name), for the test to finish
   * configuring. Audit records are left on, as in production; they are events like any other.
   */
  public TrackerBuilder trackerBuilder() {
    return Tracker.builder().streamName(STREAM).sink(sink).registry(registry);
  }

  @Override
  public List<ValidatedEvent> events() {
    List<ValidatedEvent> events = new ArrayList<>();
    for (InMemorySink.StoredRecord stored : sink.storedRecords()) {
      events.addAll(
          validator
              .validate(stored.record().data(), stored.record().partitionKey(), Instant.now())
              .events());
    }
    return events;
  }

  @Override
  public SchemaRegistry registry() {
    return registry;
  }

  /** Forgets what was captured so far. */
  public void clear() {
    sink.clear();
  }
}
