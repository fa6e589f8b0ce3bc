package dev.tideline.testing;

import dev.tideline.schema.SchemaRegistry;
import dev.tideline.validator.ValidatedEvent;
import dev.tideline.validator.Validator;
import dev.tideline.validator.source.KinesisStreamReader;
import dev.tideline.validator.source.SourceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Captures what arrived on a Kinesis stream (the local Kinesis in tests, or a real test stream),
 * validated. Each call to {@link #events()} reads the stream again from the trim horizon until
 * caught up.
 *
 * <p>Tests that share a stream keep apart by a correlation attribute: give each test's trackers
 * {@code .attribute(TestCorrelation.ATTRIBUTE, id)} and the capture {@link Builder#correlation} the
 * same id, and it sees only that test's events.
 */
public final class StreamCapture implements EventCapture {
  /**
   * GetRecords calls per second per shard: the whole 5/s Kinesis allows, since a test stream has no
   * production consumers to share it with.
   */
  public static final double DEFAULT_GET_RECORDS_PER_SECOND = 5;

  private final KinesisClient client;
  private final String streamName;
  private final @Nullable String correlation; // null: keep every event
  private final SchemaRegistry registry;
  private final Validator validator;
  private final double getRecordsPerSecond;

  private StreamCapture(Builder builder, SchemaRegistry registry) {
    this.client = builder.client;
    this.streamName = builder.streamName;
    this.correlation = builder.correlation;
    this.registry = registry;
    this.validator = Validator.builder(registry).build();
    this.getRecordsPerSecond = builder.getRecordsPerSecond;
  }

  /** A builder for a capture of {@code streamName}, read through {@code client}. */
  public static Builder builder(KinesisClient client, String streamName) {
    return new Builder(client, streamName);
  }

  /**
   * Reads the stream from the trim horizon until caught up and validates every record.
   *
   * @throws IllegalStateException if the read is interrupted
   */
  @Override
  public List<ValidatedEvent> events() {
    KinesisStreamReader reader =
        KinesisStreamReader.builder(client, streamName)
            .getRecordsPerSecond(getRecordsPerSecond)
            .build();
    List<ValidatedEvent> events = new ArrayList<>();
    try {
      reader.read(record -> events.addAll(keep(record)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading stream " + streamName, e);
    }
    return events;
  }

  private List<ValidatedEvent> keep(SourceRecord record) {
    List<ValidatedEvent> kept = new ArrayList<>();
    for (ValidatedEvent event :
        validator
            .validate(
                record.data(), record.partitionKey(), record.arrivalTime(), record.shardRange())
            .events()) {
      if (correlation == null
          || (event.envelope() != null
              && correlation.equals(
                  event.envelope().getAttributesOrDefault(TestCorrelation.ATTRIBUTE, null)))) {
        kept.add(event);
      }
    }
    return kept;
  }

  @Override
  public SchemaRegistry registry() {
    return registry;
  }

  /** Configures a {@link StreamCapture}; each setter checks its argument at once. */
  public static final class Builder {
    private final KinesisClient client;
    private final String streamName;
    private @Nullable String correlation;
    private @Nullable SchemaRegistry registry;
    private double getRecordsPerSecond = DEFAULT_GET_RECORDS_PER_SECOND;

    private Builder(KinesisClient client, String streamName) {
      this.client = Objects.requireNonNull(client, "client");
      this.streamName = Objects.requireNonNull(streamName, "streamName");
    }

    /** Keep only events whose envelope has this {@link TestCorrelation#ATTRIBUTE}. */
    public Builder correlation(String id) {
      this.correlation = Objects.requireNonNull(id, "id");
      return this;
    }

    /** Keep only the events of this test; see {@link TestCorrelation}. */
    public Builder correlation(TestCorrelation correlation) {
      return correlation(correlation.id());
    }

    /** The schemas to judge against; default every catalog on the classpath. */
    public Builder registry(SchemaRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** GetRecords calls per second per shard; default {@link #DEFAULT_GET_RECORDS_PER_SECOND}. */
    public Builder getRecordsPerSecond(double perSecond) {
      if (!(perSecond > 0)) {
        throw new IllegalArgumentException(
            "getRecordsPerSecond must be positive, was " + perSecond);
      }
      this.getRecordsPerSecond = perSecond;
      return this;
    }

    public StreamCapture build() {
      SchemaRegistry chosen = registry;
      if (chosen == null) {
        chosen = SchemaRegistry.fromClasspath();
        registry = chosen;
      }
      return new StreamCapture(this, chosen);
    }
  }
}
