package dev.tideline.sdk;

import dev.tideline.proto.v1.Context;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.sink.RecordSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Configures and builds a {@link Tracker}. Every setter checks its argument at once and throws
 * {@link IllegalArgumentException} (or {@link NullPointerException}) saying which setting and which
 * value; {@link #build()} checks the settings together. Defaults are the {@code DEFAULT_*}
 * constants, each with its reason.
 *
 * <p>Not thread-safe; build once, then share the tracker.
 */
public final class TrackerBuilder {
  /** 1 MiB: Kinesis's default maximum record size, data plus partition key. */
  public static final int DEFAULT_MAX_RECORD_BYTES = RecordSink.DEFAULT_MAX_RECORD_BYTES;

  /** 5 MiB: Kinesis's default PutRecords request limit, counting data and partition keys. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 5 * 1024 * 1024;

  /** 10 MiB: the largest PutRecords request a stream with 10 MiB records accepts. */
  public static final int MAX_REQUEST_BYTES_LIMIT = 10 * 1024 * 1024;

  /** 500: Kinesis's limit of entries per PutRecords call. */
  public static final int DEFAULT_MAX_REQUEST_ENTRIES = RecordSink.MAX_ENTRIES_PER_REQUEST;

  /**
   * 500 ms: how long an event may wait for its record and request to fill before they are sent.
   * Long enough to fill records (fewer, fuller records cost fewer PUT payload units and keep the
   * KPL's many-tiny-records failure away), short against the validator's one-minute "hot" lateness
   * bucket (docs/decisions/0101-linger-and-rate-limits.md).
   */
  public static final long DEFAULT_LINGER_MILLIS = 500;

  /**
   * 16 MiB: memory for events accepted and not yet acknowledged (buffered, aggregating, in flight,
   * waiting to retry). Small enough for a phone, three full 5 MiB requests for a backend.
   */
  public static final long DEFAULT_MAX_BUFFER_BYTES = 16L * 1024 * 1024;

  /** 1 s: the longest a {@link BufferPolicy#BLOCK} caller waits for room. */
  public static final long DEFAULT_BLOCK_TIMEOUT_MILLIS = 1000;

  /** 4: PutRecords calls in flight at once (best-effort ordering). */
  public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 4;

  /**
   * 5 minutes: how long an event may wait for an acknowledgement, retries included, before it is
   * dead-lettered. Rides out a short Kinesis or network outage; longer outages are the durable
   * spool's job.
   */
  public static final long DEFAULT_RECORD_TTL_MILLIS = 5 * 60 * 1000;

  /**
   * 60 s: the longest the tracker waits for a sink to answer a PutRecords call before it counts the
   * call as a transport error and frees its slot. A backstop for sinks that never answer; the
   * Kinesis sink's own request timeout (10 s) normally answers first.
   */
  public static final long DEFAULT_CALL_TIMEOUT_MILLIS = 60_000;

  /** 20: attempts per record before it is dead-lettered (with the default backoff, minutes). */
  public static final int DEFAULT_MAX_ATTEMPTS = 20;

  /** 100 ms: first retry delay (doubled per attempt, full jitter). */
  public static final long DEFAULT_RETRY_BASE_MILLIS = 100;

  /** 10 s: longest retry delay. */
  public static final long DEFAULT_RETRY_MAX_MILLIS = 10_000;

  /**
   * 1.0: the share of a shard's write limit (1,000 records/s, 1 MiB/s) one tracker may use. Raise
   * it when few producers share a stream and Kinesis's own throttling should be the limit; lower it
   * when many share it.
   */
  public static final double DEFAULT_RATE_LIMIT_FACTOR = 1.0;

  /** 10,000: the largest {@link #rateLimitFactor}. */
  public static final double MAX_RATE_LIMIT_FACTOR = 10_000;

  /** 1 minute: how often the tracker logs its {@code ProducerAudit} record. */
  public static final long DEFAULT_AUDIT_PERIOD_MILLIS = 60_000;

  /** 5 minutes: how often the shard map is reloaded even without a sign of resharding. */
  public static final long DEFAULT_SHARD_MAP_REFRESH_MILLIS = 5 * 60_000;

  String streamName;
  RecordSink sink;
  @Nullable SchemaRegistry registry;
  Context context = Context.getDefaultInstance();
  byte @Nullable [] producerId;
  PartitionKeyStrategy partitionKeys = PartitionKeyStrategy.perEvent();
  final List<EventEncoder<?>> encoders = new ArrayList<>();
  final Map<String, String> attributes = new LinkedHashMap<>();
  TrackerListener listener = TrackerListener.noop();
  int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
  int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
  int maxRequestEntries = DEFAULT_MAX_REQUEST_ENTRIES;
  long lingerNanos = TimeUnit.MILLISECONDS.toNanos(DEFAULT_LINGER_MILLIS);
  long maxBufferBytes = DEFAULT_MAX_BUFFER_BYTES;
  BufferPolicy bufferPolicy = BufferPolicy.DROP_NEWEST;
  long blockTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(DEFAULT_BLOCK_TIMEOUT_MILLIS);
  Ordering ordering = Ordering.BEST_EFFORT;
  int maxInFlightRequests = DEFAULT_MAX_IN_FLIGHT_REQUESTS;
  long recordTtlNanos = TimeUnit.MILLISECONDS.toNanos(DEFAULT_RECORD_TTL_MILLIS);
  long callTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(DEFAULT_CALL_TIMEOUT_MILLIS);
  int maxAttempts = DEFAULT_MAX_ATTEMPTS;
  long retryBaseNanos = TimeUnit.MILLISECONDS.toNanos(DEFAULT_RETRY_BASE_MILLIS);
  long retryMaxNanos = TimeUnit.MILLISECONDS.toNanos(DEFAULT_RETRY_MAX_MILLIS);
  double rateLimitFactor = DEFAULT_RATE_LIMIT_FACTOR;
  boolean aggregation = true;
  long auditPeriodNanos = TimeUnit.MILLISECONDS.toNanos(DEFAULT_AUDIT_PERIOD_MILLIS);
  long shardMapRefreshNanos = TimeUnit.MILLISECONDS.toNanos(DEFAULT_SHARD_MAP_REFRESH_MILLIS);
  Clock clock = Clock.system();
  @Nullable Scheduler scheduler;
  long shutdownHookTimeoutNanos = -1; // -1: no hook
  boolean closeSink = true;
  @Nullable SpoolConfig spool;
  PiiPolicy piiPolicy = PiiPolicy.keepAll();

  // streamName and sink have no default: build() refuses a builder without them, and only a
  // built tracker reads them.
  @SuppressWarnings("NullAway.Init")
  TrackerBuilder() {}

  /**
   * The Kinesis stream to write to: its name (1 to 128 characters), or its ARN, {@code
   * arn:PARTITION:kinesis:REGION:ACCOUNT:stream/NAME} in any AWS partition ({@code aws}, {@code
   * aws-cn}, {@code aws-us-gov}...). Sinks address a stream given by ARN with its ARN (the Kinesis
   * sink sends {@code StreamARN}, "PutRecords", Kinesis API reference), which reaches streams of
   * other accounts. Required.
   *
   * @throws IllegalArgumentException if the name is empty or too long, or the ARN is malformed,
   *     saying which part
   */
  public TrackerBuilder streamName(String streamName) {
    Objects.requireNonNull(streamName, "streamName");
    if (streamName.startsWith("arn:")) {
      checkStreamArn(streamName);
    } else if (streamName.isEmpty() || streamName.length() > 128) {
      throw new IllegalArgumentException(
          "streamName must have 1 to 128 characters, was \"" + streamName + "\"");
    }
    this.streamName = streamName;
    return this;
  }

  private static final Pattern ARN_PARTITION = Pattern.compile("aws(-[a-z]+)*");
  private static final Pattern ARN_REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
  private static final Pattern ARN_ACCOUNT = Pattern.compile("[0-9]{12}");
  private static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

  /** Checks a stream ARN part by part ("StreamARN" pattern, Kinesis API reference). */
  private static void checkStreamArn(String arn) {
    String[] parts = arn.split(":", 6);
    String problem = null;
    if (arn.length() > 2048) {
      problem = "it has more than 2048 characters";
    } else if (parts.length != 6) {
      problem = "it has " + parts.length + " of the 6 parts";
    } else if (!ARN_PARTITION.matcher(parts[1]).matches()) {
      problem = "the partition must be aws or aws-*, was \"" + parts[1] + "\"";
    } else if (!"kinesis".equals(parts[2])) {
      problem = "the service must be kinesis, was \"" + parts[2] + "\"";
    } else if (!ARN_REGION.matcher(parts[3]).matches()) {
      problem = "the region must look like us-east-1, was \"" + parts[3] + "\"";
    } else if (!ARN_ACCOUNT.matcher(parts[4]).matches()) {
      problem = "the account must be 12 digits, was \"" + parts[4] + "\"";
    } else if (!parts[5].startsWith("stream/")) {
      problem = "the resource must be stream/NAME, was \"" + parts[5] + "\"";
    } else if (!STREAM_NAME.matcher(parts[5].substring("stream/".length())).matches()) {
      problem =
          "the stream name must have 1 to 128 letters, digits, '_', '.' or '-', was \""
              + parts[5].substring("stream/".length())
              + "\"";
    }
    if (problem != null) {
      throw new IllegalArgumentException(
          "streamName \""
              + arn
              + "\" is not a stream ARN (arn:PARTITION:kinesis:REGION:ACCOUNT:stream/NAME): "
              + problem);
    }
  }

  /** Where records go: the Kinesis sink, a file or in-memory sink. Required. */
  public TrackerBuilder sink(RecordSink sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
    return this;
  }

  /** Where event schemas are looked up. Default: {@link SchemaRegistry#fromClasspath()}. */
  public TrackerBuilder registry(SchemaRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    return this;
  }

  /**
   * The context every envelope carries (app, platform, device, session...). Change it later with
   * {@link Tracker#setContext(Context)}. Default: empty.
   */
  public TrackerBuilder context(Context context) {
    this.context = Objects.requireNonNull(context, "context");
    return this;
  }

  /**
   * The 16-byte producer id, stable per install (apps) or per spool. Default: a random id per
   * tracker, which makes the tracker's sequence numbers a producer of their own.
   */
  public TrackerBuilder producerId(byte[] producerId) {
    Objects.requireNonNull(producerId, "producerId");
    if (producerId.length != 16) {
      throw new IllegalArgumentException(
          "producerId must be 16 bytes, was " + producerId.length + " bytes");
    }
    this.producerId = producerId.clone();
    return this;
  }

  /** How partition keys are chosen. Default: {@link PartitionKeyStrategy#perEvent()}. */
  public TrackerBuilder partitionKeys(PartitionKeyStrategy partitionKeys) {
    this.partitionKeys = Objects.requireNonNull(partitionKeys, "partitionKeys");
    return this;
  }

  /** Adds an encoder for events that are not protobuf messages (for example Avro records). */
  public TrackerBuilder encoder(EventEncoder<?> encoder) {
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(encoder.eventClass(), "encoder.eventClass()");
    encoders.add(encoder);
    return this;
  }

  /** Adds an attribute every envelope carries, for example a test run's correlation id. */
  public TrackerBuilder attribute(String key, String value) {
    Objects.requireNonNull(key, "attribute key");
    Objects.requireNonNull(value, "attribute value");
    attributes.put(key, value);
    return this;
  }

  /**
   * What to do with fields that schemas tag as personal data: keep, hash or drop them per class,
   * before events leave the process. Default: {@link PiiPolicy#keepAll()}, every value sent as
   * logged (docs/decisions/0106-pii-policy.md says why).
   */
  public TrackerBuilder piiPolicy(PiiPolicy piiPolicy) {
    this.piiPolicy = Objects.requireNonNull(piiPolicy, "piiPolicy");
    return this;
  }

  /** Receives refusals, acknowledgements, drops and dead letters. Default: none. */
  public TrackerBuilder listener(TrackerListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * The largest Kinesis record, data plus partition key, 1 to 10 MiB. Default {@link
   * #DEFAULT_MAX_RECORD_BYTES}; the tracker uses the smaller of this and the stream's own limit
   * from the sink.
   */
  public TrackerBuilder maxRecordBytes(int maxRecordBytes) {
    if (maxRecordBytes < 1024 * 1024 || maxRecordBytes > RecordSink.MAX_RECORD_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "maxRecordBytes must be 1 MiB to 10 MiB (1048576 to 10485760), was " + maxRecordBytes);
    }
    this.maxRecordBytes = maxRecordBytes;
    return this;
  }

  /**
   * The largest PutRecords request, data plus partition keys, up to 10 MiB and at least the maximum
   * record size. Default {@link #DEFAULT_MAX_REQUEST_BYTES}.
   */
  public TrackerBuilder maxRequestBytes(int maxRequestBytes) {
    if (maxRequestBytes <= 0 || maxRequestBytes > MAX_REQUEST_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "maxRequestBytes must be positive and at most 10 MiB (10485760), was " + maxRequestBytes);
    }
    this.maxRequestBytes = maxRequestBytes;
    return this;
  }

  /**
   * The most entries per PutRecords call, 1 to 500. Default {@link #DEFAULT_MAX_REQUEST_ENTRIES}.
   */
  public TrackerBuilder maxRequestEntries(int maxRequestEntries) {
    if (maxRequestEntries < 1 || maxRequestEntries > RecordSink.MAX_ENTRIES_PER_REQUEST) {
      throw new IllegalArgumentException(
          "maxRequestEntries must be 1 to 500, was " + maxRequestEntries);
    }
    this.maxRequestEntries = maxRequestEntries;
    return this;
  }

  /**
   * How long an event may wait for fuller records and requests. Default {@link
   * #DEFAULT_LINGER_MILLIS}.
   */
  public TrackerBuilder lingerTime(long lingerTime, TimeUnit unit) {
    this.lingerNanos = nonNegative("lingerTime", lingerTime, unit);
    return this;
  }

  /**
   * Memory for accepted, unacknowledged events, at least the maximum record size. Default {@link
   * #DEFAULT_MAX_BUFFER_BYTES}.
   */
  public TrackerBuilder maxBufferBytes(long maxBufferBytes) {
    if (maxBufferBytes <= 0) {
      throw new IllegalArgumentException("maxBufferBytes must be positive, was " + maxBufferBytes);
    }
    this.maxBufferBytes = maxBufferBytes;
    return this;
  }

  /** What log() does when the buffer is full. Default {@link BufferPolicy#DROP_NEWEST}. */
  public TrackerBuilder bufferPolicy(BufferPolicy bufferPolicy) {
    this.bufferPolicy = Objects.requireNonNull(bufferPolicy, "bufferPolicy");
    return this;
  }

  /**
   * The longest a {@link BufferPolicy#BLOCK} caller waits. Default {@link
   * #DEFAULT_BLOCK_TIMEOUT_MILLIS}.
   */
  public TrackerBuilder blockTimeout(long blockTimeout, TimeUnit unit) {
    this.blockTimeoutNanos = nonNegative("blockTimeout", blockTimeout, unit);
    return this;
  }

  /** Ordering guarantees. Default {@link Ordering#BEST_EFFORT}. */
  public TrackerBuilder ordering(Ordering ordering) {
    this.ordering = Objects.requireNonNull(ordering, "ordering");
    return this;
  }

  /** PutRecords calls in flight at once. Default {@link #DEFAULT_MAX_IN_FLIGHT_REQUESTS}. */
  public TrackerBuilder maxInFlightRequests(int maxInFlightRequests) {
    if (maxInFlightRequests < 1) {
      throw new IllegalArgumentException(
          "maxInFlightRequests must be positive, was " + maxInFlightRequests);
    }
    this.maxInFlightRequests = maxInFlightRequests;
    return this;
  }

  /**
   * How long delivery may take before events are dead-lettered. Default {@link
   * #DEFAULT_RECORD_TTL_MILLIS}.
   */
  public TrackerBuilder recordTtl(long recordTtl, TimeUnit unit) {
    long nanos = nonNegative("recordTtl", recordTtl, unit);
    if (nanos == 0) {
      throw new IllegalArgumentException("recordTtl must be positive, was 0");
    }
    this.recordTtlNanos = nanos;
    return this;
  }

  /**
   * The longest to wait for the sink's answer to one PutRecords call; positive. Default {@link
   * #DEFAULT_CALL_TIMEOUT_MILLIS}. A late answer is ignored (its records were already retried).
   */
  public TrackerBuilder callTimeout(long callTimeout, TimeUnit unit) {
    long nanos = nonNegative("callTimeout", callTimeout, unit);
    if (nanos == 0) {
      throw new IllegalArgumentException("callTimeout must be positive, was 0");
    }
    this.callTimeoutNanos = nanos;
    return this;
  }

  /** Attempts per record before it is dead-lettered. Default {@link #DEFAULT_MAX_ATTEMPTS}. */
  public TrackerBuilder maxAttempts(int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be positive, was " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    return this;
  }

  /**
   * Retry delays: the first at most {@code base}, doubling per attempt up to {@code max}, each
   * drawn uniformly from zero to that bound (full jitter). Defaults {@link
   * #DEFAULT_RETRY_BASE_MILLIS} and {@link #DEFAULT_RETRY_MAX_MILLIS}.
   */
  public TrackerBuilder retryBackoff(long base, long max, TimeUnit unit) {
    long baseNanos = nonNegative("retryBackoff base", base, unit);
    long maxNanos = nonNegative("retryBackoff max", max, unit);
    if (baseNanos == 0 || maxNanos < baseNanos) {
      throw new IllegalArgumentException(
          "retryBackoff needs 0 < base <= max, was base " + base + " max " + max + " " + unit);
    }
    this.retryBaseNanos = baseNanos;
    this.retryMaxNanos = maxNanos;
    return this;
  }

  /**
   * The share of each shard's write limit (1,000 records/s and 1 MiB/s, "Quotas and limits",
   * Kinesis Data Streams Developer Guide) this tracker may use, above 0 and at most {@value
   * #MAX_RATE_LIMIT_FACTOR}. Default {@link #DEFAULT_RATE_LIMIT_FACTOR}. Large factors in effect
   * turn the limit off, for sinks that are not Kinesis (in-memory sinks, benchmarks).
   */
  public TrackerBuilder rateLimitFactor(double rateLimitFactor) {
    if (!(rateLimitFactor > 0.0) || rateLimitFactor > MAX_RATE_LIMIT_FACTOR) {
      throw new IllegalArgumentException(
          "rateLimitFactor must be above 0 and at most "
              + (long) MAX_RATE_LIMIT_FACTOR
              + ", was "
              + rateLimitFactor);
    }
    this.rateLimitFactor = rateLimitFactor;
    return this;
  }

  /**
   * Whether to aggregate events into KPL-format records (default true). Without aggregation every
   * event is its own Kinesis record: simpler consumers, many more records.
   */
  public TrackerBuilder aggregation(boolean aggregation) {
    this.aggregation = aggregation;
    return this;
  }

  /**
   * How often the tracker logs its {@code ProducerAudit} record; 0 turns the audit off. Default
   * {@link #DEFAULT_AUDIT_PERIOD_MILLIS}.
   */
  public TrackerBuilder auditPeriod(long period, TimeUnit unit) {
    this.auditPeriodNanos = nonNegative("auditPeriod", period, unit);
    return this;
  }

  /**
   * How often the shard map is reloaded anyway; positive. Default {@link
   * #DEFAULT_SHARD_MAP_REFRESH_MILLIS}.
   */
  public TrackerBuilder shardMapRefresh(long period, TimeUnit unit) {
    long nanos = nonNegative("shardMapRefresh", period, unit);
    if (nanos == 0) {
      throw new IllegalArgumentException("shardMapRefresh must be positive, was 0");
    }
    this.shardMapRefreshNanos = nanos;
    return this;
  }

  /**
   * The source of time. Default {@link Clock#system()}. Its monotonic time is used as if it never
   * went back: a step back counts as no time passing, so no deadline moves by it.
   */
  public TrackerBuilder clock(Clock clock) {
    this.clock = SteadyClock.of(Objects.requireNonNull(clock, "clock"));
    return this;
  }

  /**
   * Runs the worker. Default: a new daemon thread per tracker, shut down on close. A scheduler
   * passed here is not shut down by the tracker.
   */
  public TrackerBuilder scheduler(Scheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /**
   * Registers a JVM shutdown hook that closes the tracker, waiting at most the timeout (SIGTERM
   * gives containers seconds, not minutes). Default: no hook.
   */
  public TrackerBuilder shutdownHook(long timeout, TimeUnit unit) {
    this.shutdownHookTimeoutNanos = nonNegative("shutdownHook timeout", timeout, unit);
    return this;
  }

  /**
   * Keeps every accepted event on disk until Kinesis acknowledged it, so that a crash, a kill or a
   * deploy loses nothing synced (see {@link SpoolConfig}; events logged with {@link
   * Tracker#logDurably(Object)} are synced before their receipt completes). The spool holds the
   * producer id, which replaces {@link #producerId(byte[])} once the spool has one, so sequence
   * numbers go on across restarts. Default: none (events are held in memory only).
   *
   * <p>When the directory cannot be used at build time (not creatable, read-only), the tracker
   * reports it ({@link TrackerListener#onStorageProblem}) and runs in memory; when another tracker
   * holds it, {@link #build()} throws.
   */
  public TrackerBuilder spool(SpoolConfig spool) {
    this.spool = Objects.requireNonNull(spool, "spool");
    return this;
  }

  /** Whether closing the tracker closes the sink (default true; false for a shared sink). */
  public TrackerBuilder closeSinkOnClose(boolean closeSink) {
    this.closeSink = closeSink;
    return this;
  }

  /**
   * Builds and starts the tracker.
   *
   * @throws IllegalStateException if a required setting is missing or settings contradict each
   *     other, saying which
   */
  public Tracker build() {
    if (streamName == null) {
      throw new IllegalStateException("streamName is required");
    }
    if (sink == null) {
      throw new IllegalStateException("sink is required");
    }
    if (maxRequestBytes < maxRecordBytes) {
      throw new IllegalStateException(
          "maxRequestBytes ("
              + maxRequestBytes
              + ") must be at least maxRecordBytes ("
              + maxRecordBytes
              + ")");
    }
    if (maxBufferBytes < maxRecordBytes) {
      throw new IllegalStateException(
          "maxBufferBytes ("
              + maxBufferBytes
              + ") must be at least maxRecordBytes ("
              + maxRecordBytes
              + ")");
    }
    return new Tracker(this);
  }

  private static long nonNegative(String name, long value, TimeUnit unit) {
    Objects.requireNonNull(unit, name + " unit");
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value + " " + unit);
    }
    return unit.toNanos(value);
  }
}
