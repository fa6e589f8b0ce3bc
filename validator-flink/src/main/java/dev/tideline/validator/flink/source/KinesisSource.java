package dev.tideline.validator.flink.source;

import dev.tideline.validator.source.KinesisStreamReader;
import dev.tideline.validator.source.ShardCursor;
import dev.tideline.validator.source.SourceRecord;
import dev.tideline.validator.source.StartingPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Reads every shard of a Kinesis stream in a Flink job (the Source API of FLIP-27), emitting each
 * Kinesis record as the validator's {@link SourceRecord}, with its arrival time as the event-time
 * timestamp.
 *
 * <pre>{@code
 * KinesisSource source =
 *     KinesisSource.builder("clickstream", KinesisClientFactory.builder().region("eu-west-1").build())
 *         .startingAt(StartingPosition.trimHorizon())
 *         .build();
 * DataStream<SourceRecord> records =
 *     env.fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis: clickstream");
 * }</pre>
 *
 * <ul>
 *   <li><b>Shards.</b> The enumerator lists the stream's shards every {@linkplain
 *       Builder#shardDiscoveryInterval discovery interval} and hands each shard (a {@link
 *       ShardSplit}) to a reader once all its parents are read to their end, so each partition
 *       key's records come in the order they were put across splits and merges.
 *   <li><b>Budget.</b> Each shard gets at most {@linkplain Builder#getRecordsPerSecond GetRecords
 *       calls per second} (default {@value KinesisStreamReader#DEFAULT_GET_RECORDS_PER_SECOND}, as
 *       the CLI): Kinesis allows 5 per shard, shared by every consumer of the stream.
 *   <li><b>Checkpoints.</b> Each split's position is the sequence number of the last record
 *       emitted; a restored job resumes just after it. With Flink's exactly-once checkpointing,
 *       every record reaches the job's state exactly once.
 *   <li><b>Event time.</b> Records carry their ApproximateArrivalTimestamp as timestamp; the source
 *       makes no watermarks. A job that windows by arrival time passes a strategy to {@code
 *       fromSource}, for example {@code WatermarkStrategy.<SourceRecord>forBoundedOutOfOrderness(
 *       Duration.ofSeconds(5)).withIdleness(Duration.ofMinutes(1))} (idleness, since a reader may
 *       hold no shard).
 * </ul>
 *
 * <p>Serializable and immutable; made by {@link #builder}.
 */
public final class KinesisSource
    implements Source<SourceRecord, ShardSplit, KinesisEnumeratorState>,
        ResultTypeQueryable<SourceRecord> {
  private static final long serialVersionUID = 1L;

  /**
   * How often the shards are listed: resharding shows within this (and at once after a parent
   * ends).
   */
  public static final Duration DEFAULT_SHARD_DISCOVERY_INTERVAL = Duration.ofSeconds(10);

  private final String stream;
  private final KinesisClientFactory clients;
  private final StartingPosition start;
  private final Duration shardDiscoveryInterval;
  private final double getRecordsPerSecond;
  private final int recordsPerCall;
  private final boolean stopWhenCaughtUp;

  private KinesisSource(Builder builder) {
    this.stream = builder.stream;
    this.clients = builder.clients;
    this.start = builder.start;
    this.shardDiscoveryInterval = builder.shardDiscoveryInterval;
    this.getRecordsPerSecond = builder.getRecordsPerSecond;
    this.recordsPerCall = builder.recordsPerCall;
    this.stopWhenCaughtUp = builder.stopWhenCaughtUp;
  }

  /**
   * A builder of a source of {@code stream}.
   *
   * @param stream the stream's name, or its ARN ({@code arn:aws:kinesis:...})
   * @param clients how the enumerator and each reader make their Kinesis client
   */
  public static Builder builder(String stream, KinesisClientFactory clients) {
    return new Builder(stream, clients);
  }

  /** Bounded if built with {@link Builder#stopWhenCaughtUp}, else continuous. */
  @Override
  public Boundedness getBoundedness() {
    return stopWhenCaughtUp ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
  }

  @Override
  public SplitEnumerator<ShardSplit, KinesisEnumeratorState> createEnumerator(
      SplitEnumeratorContext<ShardSplit> context) {
    // LATEST becomes the moment the job first starts, so that a restore before a shard's first
    // record does not skip what came in meanwhile.
    StartingPosition first =
        start.kind() == StartingPosition.Kind.LATEST
            ? StartingPosition.atTimestamp(Instant.now())
            : start;
    return restoreEnumerator(
        context,
        new KinesisEnumeratorState(
            List.of(),
            Collections.emptySet(),
            Collections.emptySet(),
            Collections.emptySet(),
            first));
  }

  @Override
  public SplitEnumerator<ShardSplit, KinesisEnumeratorState> restoreEnumerator(
      SplitEnumeratorContext<ShardSplit> context, KinesisEnumeratorState state) {
    return new KinesisShardEnumerator(
        context, stream, clients, start, shardDiscoveryInterval, stopWhenCaughtUp, state);
  }

  @Override
  public SourceReader<SourceRecord, ShardSplit> createReader(SourceReaderContext context) {
    Map<String, ShardSplit.Ending> endings = new ConcurrentHashMap<>();
    return new KinesisSourceReader(
        () ->
            new ShardSplitReader(
                clients.create(),
                stream,
                getRecordsPerSecond,
                recordsPerCall,
                stopWhenCaughtUp,
                endings),
        endings,
        context);
  }

  @Override
  public SimpleVersionedSerializer<ShardSplit> getSplitSerializer() {
    return ShardSplitSerializer.INSTANCE;
  }

  @Override
  public SimpleVersionedSerializer<KinesisEnumeratorState> getEnumeratorCheckpointSerializer() {
    return KinesisEnumeratorStateSerializer.INSTANCE;
  }

  /** {@link SourceRecord}, serialized by Flink's generic (Kryo) serializer between tasks. */
  @Override
  public TypeInformation<SourceRecord> getProducedType() {
    return TypeInformation.of(SourceRecord.class);
  }

  @Override
  public String toString() {
    return "KinesisSource{"
        + stream
        + " from "
        + start
        + (stopWhenCaughtUp ? " until caught up" : "")
        + ", "
        + getRecordsPerSecond
        + " GetRecords/s per shard, "
        + clients
        + "}";
  }

  /** Configures a {@link KinesisSource}; each setter checks its argument at once. */
  public static final class Builder {
    private final String stream;
    private final KinesisClientFactory clients;
    private StartingPosition start = StartingPosition.trimHorizon();
    private Duration shardDiscoveryInterval = DEFAULT_SHARD_DISCOVERY_INTERVAL;
    private double getRecordsPerSecond = KinesisStreamReader.DEFAULT_GET_RECORDS_PER_SECOND;
    private int recordsPerCall = KinesisStreamReader.DEFAULT_LIMIT;
    private boolean stopWhenCaughtUp;

    private Builder(String stream, KinesisClientFactory clients) {
      Objects.requireNonNull(stream, "stream");
      if (stream.isEmpty()) {
        throw new IllegalArgumentException("stream must not be empty");
      }
      this.stream = stream;
      this.clients = Objects.requireNonNull(clients, "clients");
    }

    /**
     * Where to start in each shard the job finds when it first starts; default the trim horizon.
     * LATEST means records that arrive after the job first starts (by the job manager's clock, as
     * Kinesis compares it with ApproximateArrivalTimestamp). Shards that appear later are read from
     * their first record (or from the AT_TIMESTAMP timestamp). A restored job resumes from its
     * checkpoint instead.
     */
    public Builder startingAt(StartingPosition start) {
      this.start = Objects.requireNonNull(start, "start");
      return this;
    }

    /** How often shards are listed to find new ones; default 10 s, at least 100 ms. */
    public Builder shardDiscoveryInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofMillis(100)) < 0) {
        throw new IllegalArgumentException(
            "shardDiscoveryInterval must be at least 100 ms (ListShards allows 1000 calls per"
                + " second per stream, shared by every consumer), was "
                + interval);
      }
      this.shardDiscoveryInterval = interval;
      return this;
    }

    /** GetRecords calls per second per shard, in (0, 5]; default 1, as the CLI. */
    public Builder getRecordsPerSecond(double perSecond) {
      this.getRecordsPerSecond = ShardCursor.checkGetRecordsPerSecond(perSecond);
      return this;
    }

    /** Records per GetRecords call, in [1, 10000]; default 10,000. */
    public Builder recordsPerCall(int limit) {
      this.recordsPerCall = ShardCursor.checkLimit(limit);
      return this;
    }

    /**
     * Whether to end (a bounded source) once every shard is caught up (an empty GetRecords with
     * MillisBehindLatest 0) or read to its end, as the CLI does by default; default false, a
     * continuous source. Shards whose parents were left caught up are not read.
     */
    public Builder stopWhenCaughtUp(boolean stop) {
      this.stopWhenCaughtUp = stop;
      return this;
    }

    /** The source. */
    public KinesisSource build() {
      return new KinesisSource(this);
    }
  }
}
