package dev.tideline.sdk.kinesis;

import dev.tideline.kinesis.ShardListing;
import dev.tideline.sdk.Completion;
import dev.tideline.sdk.sink.EntryResult;
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.RecordSink;
import dev.tideline.sdk.sink.Shard;
import dev.tideline.sdk.sink.SinkRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The {@link RecordSink} for Amazon Kinesis Data Streams on the AWS SDK for Java v2: PutRecords,
 * ListShards and DescribeStreamSummary over a client you build, so credentials, region, endpoint
 * and HTTP client follow AWS conventions.
 *
 * <pre>{@code
 * KinesisAsyncClient kinesis = KinesisAsyncClient.builder()
 *     .overrideConfiguration(KinesisSink.recommendedClientConfiguration())
 *     .build();
 * Tracker tracker = Tracker.builder()
 *     .streamName("events")
 *     .sink(KinesisSink.create(kinesis))
 *     .build();
 * }</pre>
 *
 * <p><b>Retries.</b> The Tracker retries only the failed entries of a call, with backoff per shard
 * and a time-to-live per record. Retries of the AWS SDK underneath would stack on top of these
 * (each Tracker attempt becoming up to three SDK attempts, each resending every entry of the
 * request), so build the client with retries off: {@link #recommendedClientConfiguration()} does,
 * and the sink logs a warning once when its client retries. See docs/kinesis-sink.md.
 *
 * <p><b>Errors.</b> The sink never throws at run time. Per-entry error codes of a partial failure
 * are passed through as Kinesis gives them; an error response of the whole call fails every entry
 * with its error code (for example {@code ProvisionedThroughputExceededException}, {@code
 * InternalFailure}); a call that did not complete (timeout, reset, refused connection) fails every
 * entry with {@link ErrorCodes#TRANSPORT_ERROR}.
 *
 * <p><b>Stream names.</b> A name starting with {@code arn:} is sent as the stream ARN.
 *
 * <p>Thread-safe. The sink does not close the client unless {@link Builder#closeClient(boolean)}
 * says so: you built it, you own it.
 */
public final class KinesisSink implements RecordSink {
  /**
   * How long one PutRecords call may take, by default, before it fails with {@link
   * ErrorCodes#TRANSPORT_ERROR} and the Tracker retries it: 10 s. Kinesis answers in tens of
   * milliseconds; a call that takes seconds is stuck, and the records' time-to-live is better spent
   * on a retry. A request of 5 MiB still uploads in 10 s at 4 Mbit/s.
   */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Threads that run calls on a synchronous {@link KinesisClient}, by default: 8, enough for the
   * Tracker's default number of requests in flight plus a shard listing.
   */
  public static final int DEFAULT_SYNC_THREADS = 8;

  private static final Logger LOG = Logger.getLogger(KinesisSink.class.getName());

  private final KinesisCalls calls;

  /** Null when not configured: then the stream's own limit is asked for. */
  private final @Nullable Integer configuredMaxRecordBytes;

  private final Duration requestTimeout;
  private final boolean closeClient;
  private final @Nullable Integer listShardsPageSize;
  private final AwsRequestOverrideConfiguration putRecordsOverride;

  private final Object lock = new Object();
  private final Completion<Void> closed = Completion.create();

  // Guarded by lock.
  private boolean closing;
  private int inFlight;

  private KinesisSink(Builder builder, KinesisCalls calls) {
    this.calls = calls;
    this.configuredMaxRecordBytes = builder.maxRecordBytes;
    this.requestTimeout = builder.requestTimeout;
    this.closeClient = builder.closeClient;
    this.listShardsPageSize = builder.listShardsPageSize;
    this.putRecordsOverride =
        AwsRequestOverrideConfiguration.builder()
            .apiCallTimeout(requestTimeout)
            .apiCallAttemptTimeout(requestTimeout)
            .build();
    OptionalInt attempts = calls.clientMaxAttempts();
    if (attempts.isPresent() && attempts.getAsInt() > 1) {
      LOG.warning(
          "the Kinesis client given to KinesisSink retries each call up to "
              + attempts.getAsInt()
              + " attempts; the Tracker retries failed entries itself, so the attempts multiply"
              + " and whole requests are resent. Build the client with"
              + " KinesisSink.recommendedClientConfiguration() (see docs/kinesis-sink.md)");
    }
  }

  /** A sink over the asynchronous client, with the default settings. */
  public static KinesisSink create(KinesisAsyncClient client) {
    return builder(client).build();
  }

  /**
   * A sink over the synchronous client, with the default settings: calls run on {@value
   * #DEFAULT_SYNC_THREADS} daemon threads of the sink.
   */
  public static KinesisSink create(KinesisClient client) {
    return builder(client).build();
  }

  /** A builder for a sink over the asynchronous client. */
  public static Builder builder(KinesisAsyncClient client) {
    Objects.requireNonNull(client, "client");
    return new Builder(KinesisCalls.of(client));
  }

  /** A builder for a sink over the synchronous client. */
  public static Builder builder(KinesisClient client) {
    Objects.requireNonNull(client, "client");
    return new Builder(client);
  }

  /**
   * Client settings for the Kinesis client under a sink: the AWS SDK's retries off (the Tracker
   * retries only the failed entries, with its own backoff), and every call bounded by {@link
   * #DEFAULT_REQUEST_TIMEOUT}. Change it with {@code toBuilder()}; pass it to {@code
   * KinesisAsyncClient.builder().overrideConfiguration(...)}.
   */
  public static ClientOverrideConfiguration recommendedClientConfiguration() {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetryStrategy.doNotRetry())
        .apiCallAttemptTimeout(DEFAULT_REQUEST_TIMEOUT)
        .apiCallTimeout(DEFAULT_REQUEST_TIMEOUT)
        .build();
  }

  /**
   * Sends one PutRecords call. Never throws; see the class comment for how errors map to entry
   * results.
   */
  @Override
  public Completion<PutRecordsResult> putRecords(String streamName, List<SinkRecord> records) {
    Objects.requireNonNull(streamName, "streamName");
    Objects.requireNonNull(records, "records");
    int count = records.size();
    if (!enter()) {
      return Completion.succeeded(
          PutRecordsResult.callFailed(count, ErrorCodes.SINK_ERROR, "the KinesisSink is closed"));
    }
    Completion<PutRecordsResult> result = Completion.create();
    try {
      List<PutRecordsRequestEntry> entries = new ArrayList<>(count);
      for (SinkRecord record : records) {
        entries.add(
            PutRecordsRequestEntry.builder()
                .partitionKey(record.partitionKey())
                .explicitHashKey(record.explicitHashKey())
                // The SPI promises nobody modifies the array, so no copy.
                .data(SdkBytes.fromByteArrayUnsafe(record.data()))
                .build());
      }
      PutRecordsRequest.Builder request =
          PutRecordsRequest.builder().records(entries).overrideConfiguration(putRecordsOverride);
      if (ShardListing.isArn(streamName)) {
        request.streamARN(streamName);
      } else {
        request.streamName(streamName);
      }
      // The callback settles the Completion; the future whenComplete returns carries nothing more.
      var unused =
          calls
              .putRecords(request.build())
              .whenComplete(
                  (response, failure) -> {
                    exit();
                    result.succeed(
                        failure == null
                            ? toResult(count, response)
                            : callFailed(count, "PutRecords on " + streamName, failure));
                  });
    } catch (RuntimeException e) {
      exit();
      result.succeed(callFailed(count, "PutRecords on " + streamName, e));
    }
    return result;
  }

  /**
   * Lists every shard of the stream, following ListShards's NextToken page by page (at most {@link
   * ShardListing#MAX_PAGES} pages).
   */
  @Override
  public Completion<List<Shard>> listShards(String streamName) {
    Objects.requireNonNull(streamName, "streamName");
    if (!enter()) {
      return Completion.failed(new IllegalStateException("the KinesisSink is closed"));
    }
    Completion<List<Shard>> result = Completion.create();
    var unused =
        ShardListing.listAsync(streamName, listShardsPageSize, calls::listShards)
            .whenComplete(
                (shards, failure) -> {
                  if (failure != null) {
                    result.fail(unwrap(failure));
                    return;
                  }
                  try {
                    result.succeed(toShards(shards));
                  } catch (RuntimeException e) {
                    result.fail(e);
                  }
                });
    result.whenComplete((value, failure) -> exit());
    return result;
  }

  private static List<Shard> toShards(
      List<software.amazon.awssdk.services.kinesis.model.Shard> listed) {
    List<Shard> shards = new ArrayList<>(listed.size());
    for (software.amazon.awssdk.services.kinesis.model.Shard shard : listed) {
      shards.add(
          Shard.of(
              shard.shardId(),
              new BigInteger(shard.hashKeyRange().startingHashKey()),
              new BigInteger(shard.hashKeyRange().endingHashKey()),
              shard.parentShardId(),
              shard.adjacentParentShardId(),
              shard.sequenceNumberRange() == null
                  || shard.sequenceNumberRange().endingSequenceNumber() == null));
    }
    return shards;
  }

  /**
   * The stream's maximum record size: the configured {@link Builder#maxRecordBytes(int)} when set;
   * otherwise DescribeStreamSummary's {@code MaxRecordSizeInKiB}, or {@link
   * #DEFAULT_MAX_RECORD_BYTES} when the answer has none. Fails when DescribeStreamSummary fails
   * (the Tracker then uses the default).
   */
  @Override
  public Completion<Integer> maxRecordBytes(String streamName) {
    Objects.requireNonNull(streamName, "streamName");
    if (configuredMaxRecordBytes != null) {
      return Completion.succeeded(configuredMaxRecordBytes);
    }
    if (!enter()) {
      return Completion.failed(new IllegalStateException("the KinesisSink is closed"));
    }
    Completion<Integer> result = Completion.create();
    DescribeStreamSummaryRequest.Builder request = DescribeStreamSummaryRequest.builder();
    if (ShardListing.isArn(streamName)) {
      request.streamARN(streamName);
    } else {
      request.streamName(streamName);
    }
    var unused =
        calls
            .describeStreamSummary(request.build())
            .whenComplete(
                (response, failure) -> {
                  exit();
                  if (failure != null) {
                    result.fail(unwrap(failure));
                    return;
                  }
                  Integer kib = response.streamDescriptionSummary().maxRecordSizeInKiB();
                  result.succeed(kib == null ? DEFAULT_MAX_RECORD_BYTES : kib * 1024);
                });
    return result;
  }

  /**
   * Stops accepting calls and completes once the calls in flight completed; closes the client only
   * if {@link Builder#closeClient(boolean)} said so.
   */
  @Override
  public Completion<Void> close() {
    boolean finishNow;
    synchronized (lock) {
      if (closing) {
        return closed;
      }
      closing = true;
      finishNow = inFlight == 0;
    }
    if (finishNow) {
      finish();
    }
    return closed;
  }

  @Override
  public String toString() {
    return "KinesisSink{requestTimeout="
        + requestTimeout
        + ", maxRecordBytes="
        + (configuredMaxRecordBytes != null ? configuredMaxRecordBytes : "from the stream")
        + "}";
  }

  private boolean enter() {
    synchronized (lock) {
      if (closing) {
        return false;
      }
      inFlight++;
      return true;
    }
  }

  private void exit() {
    boolean finishNow;
    synchronized (lock) {
      inFlight--;
      finishNow = closing && inFlight == 0;
    }
    if (finishNow) {
      finish();
    }
  }

  private void finish() {
    try {
      calls.close(closeClient);
      closed.succeed(null);
    } catch (RuntimeException e) {
      closed.fail(e);
    }
  }

  private static PutRecordsResult toResult(int count, PutRecordsResponse response) {
    List<PutRecordsResultEntry> answers = response.records();
    if (answers.size() != count) {
      return PutRecordsResult.callFailed(
          count,
          ErrorCodes.SINK_ERROR,
          "PutRecords answered " + answers.size() + " results for " + count + " entries");
    }
    List<EntryResult> results = new ArrayList<>(count);
    for (PutRecordsResultEntry answer : answers) {
      if (answer.errorCode() != null) {
        results.add(EntryResult.failure(answer.errorCode(), answer.errorMessage()));
      } else if (answer.shardId() == null || answer.sequenceNumber() == null) {
        results.add(
            EntryResult.failure(
                ErrorCodes.SINK_ERROR,
                "PutRecords answered neither an error nor a sequence number"));
      } else {
        results.add(EntryResult.success(answer.shardId(), answer.sequenceNumber()));
      }
    }
    return PutRecordsResult.of(results);
  }

  /** Maps a failed call to every entry failing with the service's code, or a transport error. */
  static PutRecordsResult callFailed(int count, String what, Throwable failure) {
    Throwable cause = unwrap(failure);
    String message = what + " failed: " + cause;
    if (cause instanceof AwsServiceException) {
      AwsServiceException service = (AwsServiceException) cause;
      String code =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      if (code != null && !code.isEmpty()) {
        return PutRecordsResult.callFailed(count, code, message);
      }
      return PutRecordsResult.callFailed(count, ErrorCodes.TRANSPORT_ERROR, message);
    }
    if (cause instanceof SdkException) {
      // Timeouts, resets, refused connections, unparsable answers: the call did not complete.
      return PutRecordsResult.callFailed(count, ErrorCodes.TRANSPORT_ERROR, message);
    }
    LOG.log(Level.FINE, what + " failed unexpectedly", cause);
    return PutRecordsResult.callFailed(count, ErrorCodes.SINK_ERROR, message);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * Settings of a {@link KinesisSink}. Each setter validates its argument at once.
   *
   * <p>Not thread-safe; the sink it builds is.
   */
  public static final class Builder {
    // One of the two: the client the sink was built for.
    private final @Nullable KinesisCalls asyncCalls;
    private final @Nullable KinesisClient syncClient;
    private @Nullable ExecutorService executor;
    private @Nullable Integer maxRecordBytes;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private boolean closeClient;
    private @Nullable Integer listShardsPageSize;

    private Builder(KinesisCalls asyncCalls) {
      this.asyncCalls = asyncCalls;
      this.syncClient = null;
    }

    private Builder(KinesisClient syncClient) {
      this.asyncCalls = null;
      this.syncClient = syncClient;
    }

    /**
     * The stream's maximum record size in bytes, counting data and partition key, used as is
     * instead of asking DescribeStreamSummary (so the sink needs no {@code
     * kinesis:DescribeStreamSummary} permission). Default: asked from the stream.
     *
     * @throws IllegalArgumentException unless 1 MiB to 10 MiB, the range Kinesis allows
     */
    public Builder maxRecordBytes(int maxRecordBytes) {
      if (maxRecordBytes < DEFAULT_MAX_RECORD_BYTES || maxRecordBytes > MAX_RECORD_BYTES_LIMIT) {
        throw new IllegalArgumentException(
            "maxRecordBytes must be 1 MiB ("
                + DEFAULT_MAX_RECORD_BYTES
                + ") to 10 MiB ("
                + MAX_RECORD_BYTES_LIMIT
                + "), was "
                + maxRecordBytes);
      }
      this.maxRecordBytes = maxRecordBytes;
      return this;
    }

    /**
     * How long one PutRecords call may take before it fails as a transport error; set on each
     * request, so it overrides the client's own timeouts for PutRecords. Default {@link
     * #DEFAULT_REQUEST_TIMEOUT}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder requestTimeout(Duration requestTimeout) {
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException(
            "requestTimeout must be positive, was " + requestTimeout);
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * Whether {@link KinesisSink#close()} also closes the client. Default false: the client is
     * yours, and may be shared.
     */
    public Builder closeClient(boolean closeClient) {
      this.closeClient = closeClient;
      return this;
    }

    /**
     * For a synchronous client only: the executor that runs its calls, which stays yours (the sink
     * does not shut it down). Default: {@value #DEFAULT_SYNC_THREADS} daemon threads of the sink,
     * shut down when it closes.
     *
     * @throws IllegalStateException if the sink is over an asynchronous client
     */
    public Builder executor(ExecutorService executor) {
      Objects.requireNonNull(executor, "executor");
      if (syncClient == null) {
        throw new IllegalStateException(
            "executor is for a synchronous KinesisClient; a KinesisAsyncClient runs its own calls");
      }
      this.executor = executor;
      return this;
    }

    /** Shards per ListShards page; default Kinesis's (1,000). For tests of the paging. */
    Builder listShardsPageSize(int pageSize) {
      if (pageSize < 1 || pageSize > 10_000) {
        throw new IllegalArgumentException("pageSize must be 1 to 10000, was " + pageSize);
      }
      this.listShardsPageSize = pageSize;
      return this;
    }

    /** Builds the sink. */
    public KinesisSink build() {
      KinesisCalls calls;
      if (asyncCalls != null) {
        calls = asyncCalls;
      } else {
        KinesisClient client = Objects.requireNonNull(syncClient, "a builder has one of the two");
        calls =
            executor != null
                ? KinesisCalls.of(client, executor, false)
                : KinesisCalls.of(client, newDaemonPool(), true);
      }
      return new KinesisSink(this, calls);
    }

    private static ExecutorService newDaemonPool() {
      AtomicInteger count = new AtomicInteger();
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              DEFAULT_SYNC_THREADS,
              DEFAULT_SYNC_THREADS,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              runnable -> {
                Thread thread =
                    new Thread(runnable, "tideline-kinesis-sink-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }
  }
}
