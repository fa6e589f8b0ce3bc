package dev.tideline.testing;

import dev.tideline.sdk.TrackerBuilder;
import java.util.Objects;
import java.util.UUID;

/**
 * A per-test correlation id, carried in the envelope's attributes, so tests that share a stream see
 * only their own events. {@link TidelineQaExtension} hands each test a fresh one.
 */
public final class TestCorrelation {
  /** The envelope attribute that carries the id. */
  public static final String ATTRIBUTE = "tideline.test";

  private final String id;

  private TestCorrelation(String id) {
    this.id = id;
  }

  /** A new, unique correlation. */
  public static TestCorrelation random() {
    return new TestCorrelation(UUID.randomUUID().toString());
  }

  /** A correlation with a given id. */
  public static TestCorrelation of(String id) {
    return new TestCorrelation(Objects.requireNonNull(id, "id"));
  }

  /** The id. */
  public String id() {
    return id;
  }

  /** Tags every event of a tracker with this correlation. */
  public TrackerBuilder applyTo(TrackerBuilder builder) {
    return builder.attribute(ATTRIBUTE, id);
  }

  @Override
  public String toString() {
    return ATTRIBUTE + "=" + id;
  }
}
