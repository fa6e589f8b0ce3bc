package dev.tideline.android.aws;

import dev.tideline.sdk.Completion;
import dev.tideline.sdk.sink.EntryResult;
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.RecordSink;
import dev.tideline.sdk.sink.Shard;
import dev.tideline.sdk.sink.SinkRecord;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.jspecify.annotations.Nullable;

/**
 * The {@link RecordSink} for Android: Kinesis's PutRecords, ListShards and DescribeStreamSummary
 * over {@code HttpURLConnection}, in the AWS JSON 1.1 protocol (the platform's {@code org.json}),
 * signed with AWS Signature Version 4 with credentials from a {@link CredentialsProvider}.
 *
 * <pre>{@code
 * RecordSink sink =
 *     AndroidKinesisSink.builder("eu-west-1", cognitoCredentials).build();
 * }</pre>
 *
 * <p><b>Threads.</b> Every call runs on the sink's own daemon threads ({@link #DEFAULT_THREADS} by
 * default, idle ones end after a minute), never on the caller's; the credentials provider is called
 * there too.
 *
 * <p><b>Errors.</b> The sink never throws at run time and never retries: the Tracker retries the
 * failed entries. Per-entry codes pass through as Kinesis gives them; an error answer of the whole
 * call fails every entry with its code (an expired session token, {@value #EXPIRED_TOKEN}, also
 * makes the provider {@linkplain CredentialsProvider#refresh() refresh}, and is retried); an answer
 * of HTTP 5xx, a timeout or any other I/O failure fails every entry with {@link
 * ErrorCodes#TRANSPORT_ERROR}; credentials that cannot be had fail them with {@value
 * #CREDENTIALS_UNAVAILABLE} (retried). Error messages never carry credentials: what a server echoes
 * is redacted.
 *
 * <p><b>Network.</b> Connect timeout {@link #DEFAULT_CONNECT_TIMEOUT_MILLIS}, read timeout {@link
 * #DEFAULT_READ_TIMEOUT_MILLIS}; TLS with the platform's certificate checks, which this sink never
 * changes. A stream name starting with {@code arn:} is sent as the stream ARN.
 *
 * <p>Thread-safe.
 */
public final class AndroidKinesisSink implements RecordSink {
  /**
   * The connect timeout by default: 10 s. A mobile network that cannot connect in 10 s is better
   * retried later (the Tracker backs off) than waited on.
   */
  public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;

  /**
   * The read timeout by default: 30 s, the longest silence between bytes of the answer. A request
   * of 5 MiB on a slow uplink takes a while to send before Kinesis answers.
   */
  public static final long DEFAULT_READ_TIMEOUT_MILLIS = 30_000;

  /**
   * Threads for calls by default: 4, the Tracker's default number of PutRecords calls in flight
   * ({@code TrackerBuilder.DEFAULT_MAX_IN_FLIGHT_REQUESTS}); further calls wait in a queue.
   */
  public static final int DEFAULT_THREADS = 4;

  /**
   * The error code of calls failed because the {@link CredentialsProvider} could not give
   * credentials; the Tracker retries them like transport errors.
   */
  public static final String CREDENTIALS_UNAVAILABLE = "CredentialsUnavailable";

  /** Kinesis's error code for an expired session token ("Common Errors", Kinesis API Reference). */
  public static final String EXPIRED_TOKEN = "ExpiredTokenException";

  static final String TARGET_PREFIX = "Kinesis_20131202.";

  /** The most pages of ListShards read for one listing; a guard against a looping NextToken. */
  static final int MAX_LIST_SHARDS_PAGES = 10_000;

  private static final int MAX_MESSAGE_LENGTH = 512;
  private static final Logger LOG = Logger.getLogger(AndroidKinesisSink.class.getName());

  private final String region;
  private final CredentialsProvider credentials;
  private final AwsJsonClient client;
  private final SigV4Signer signer;

  /** Null when not configured: then the stream's own limit is asked for. */
  private final @Nullable Integer configuredMaxRecordBytes;

  private final ThreadPoolExecutor executor;

  private final Object lock = new Object();
  private final Completion<Void> closed = Completion.create();

  // Guarded by lock.
  private boolean closing;
  private int inFlight;

  private AndroidKinesisSink(Builder builder) {
    this.region = builder.region;
    this.credentials = builder.credentials;
    URL endpoint =
        builder.endpoint != null
            ? builder.endpoint
            : AwsJsonClient.endpoint("endpoint", "https://kinesis." + region + ".amazonaws.com");
    this.client =
        new AwsJsonClient(
            endpoint, (int) builder.connectTimeoutMillis, (int) builder.readTimeoutMillis);
    this.signer = new SigV4Signer(region, "kinesis");
    this.configuredMaxRecordBytes = builder.maxRecordBytes;
    this.executor =
        new ThreadPoolExecutor(
            builder.threads,
            builder.threads,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<Runnable>(),
            new DaemonThreads());
    this.executor.allowCoreThreadTimeOut(true);
  }

  /**
   * A builder for a sink writing to Kinesis in this region.
   *
   * @param region the stream's region, for example {@code "eu-west-1"}
   * @param credentials where the credentials to sign with come from
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the region is empty
   */
  public static Builder builder(String region, CredentialsProvider credentials) {
    return new Builder(region, credentials);
  }

  /**
   * Sends one PutRecords call on the sink's threads. Never throws; see the class comment for how
   * errors map to entry results.
   */
  @Override
  public Completion<PutRecordsResult> putRecords(String streamName, List<SinkRecord> records) {
    Objects.requireNonNull(streamName, "streamName");
    Objects.requireNonNull(records, "records");
    final int count = records.size();
    final Completion<PutRecordsResult> result = Completion.create();
    final JSONObject body;
    try {
      body = putRecordsBody(streamName, records);
    } catch (JSONException | RuntimeException e) {
      result.succeed(
          PutRecordsResult.callFailed(
              count, ErrorCodes.SINK_ERROR, "PutRecords on " + streamName + ": " + e));
      return result;
    }
    boolean started =
        run(
            new Runnable() {
              @Override
              public void run() {
                result.succeed(sendPutRecords(streamName, count, body));
              }
            });
    if (!started) {
      result.succeed(
          PutRecordsResult.callFailed(
              count, ErrorCodes.SINK_ERROR, "the AndroidKinesisSink is closed"));
    }
    return result;
  }

  static JSONObject putRecordsBody(String streamName, List<SinkRecord> records)
      throws JSONException {
    JSONArray entries = new JSONArray();
    for (SinkRecord record : records) {
      JSONObject entry = new JSONObject();
      entry.put("Data", Base64Encoder.encode(record.data()));
      entry.put("PartitionKey", record.partitionKey());
      if (record.explicitHashKey() != null) {
        entry.put("ExplicitHashKey", record.explicitHashKey());
      }
      entries.put(entry);
    }
    JSONObject body = stream(streamName);
    body.put("Records", entries);
    return body;
  }

  private PutRecordsResult sendPutRecords(String streamName, int count, JSONObject body) {
    String what = "PutRecords on " + streamName;
    Outcome outcome = call("PutRecords", body);
    if (outcome.failureCode != null) {
      return PutRecordsResult.callFailed(count, outcome.failureCode, what + ": " + outcome.message);
    }
    try {
      JSONArray answers = outcome.body().getJSONArray("Records");
      if (answers.length() != count) {
        return PutRecordsResult.callFailed(
            count,
            ErrorCodes.SINK_ERROR,
            what + " answered " + answers.length() + " results for " + count + " entries");
      }
      List<EntryResult> results = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        JSONObject answer = answers.getJSONObject(i);
        String errorCode = AwsJsonClient.string(answer, "ErrorCode");
        String shardId = AwsJsonClient.string(answer, "ShardId");
        String sequenceNumber = AwsJsonClient.string(answer, "SequenceNumber");
        if (errorCode != null) {
          results.add(
              EntryResult.failure(
                  errorCode,
                  outcome
                      .credentials()
                      .redact(AwsJsonClient.string(answer, "ErrorMessage"), MAX_MESSAGE_LENGTH)));
        } else if (shardId == null || sequenceNumber == null) {
          results.add(
              EntryResult.failure(
                  ErrorCodes.SINK_ERROR,
                  "PutRecords answered neither an error nor a sequence number"));
        } else {
          results.add(EntryResult.success(shardId, sequenceNumber));
        }
      }
      return PutRecordsResult.of(results);
    } catch (JSONException e) {
      return PutRecordsResult.callFailed(
          count, ErrorCodes.SINK_ERROR, what + " answered without its Records: " + e.getMessage());
    }
  }

  /**
   * Lists every shard of the stream, following ListShards's NextToken page by page, on the sink's
   * threads. Fails with an {@link IOException} naming the error when a page cannot be read.
   */
  @Override
  public Completion<List<Shard>> listShards(final String streamName) {
    Objects.requireNonNull(streamName, "streamName");
    final Completion<List<Shard>> result = Completion.create();
    boolean started =
        run(
            new Runnable() {
              @Override
              public void run() {
                try {
                  result.succeed(readShards(streamName));
                } catch (IOException | JSONException | RuntimeException e) {
                  result.fail(e);
                }
              }
            });
    if (!started) {
      result.fail(new IllegalStateException("the AndroidKinesisSink is closed"));
    }
    return result;
  }

  private List<Shard> readShards(String streamName) throws IOException, JSONException {
    List<Shard> shards = new ArrayList<>();
    JSONObject request = stream(streamName);
    for (int page = 1; ; page++) {
      Outcome outcome = call("ListShards", request);
      if (outcome.failureCode != null) {
        throw new IOException(
            "ListShards of "
                + streamName
                + " failed: "
                + outcome.failureCode
                + ", "
                + outcome.message);
      }
      JSONArray answered = outcome.body().optJSONArray("Shards");
      for (int i = 0; answered != null && i < answered.length(); i++) {
        shards.add(shard(answered.getJSONObject(i)));
      }
      String next = AwsJsonClient.string(outcome.body(), "NextToken");
      if (next == null || next.isEmpty()) {
        return shards;
      }
      if (page >= MAX_LIST_SHARDS_PAGES) {
        throw new IOException(
            "ListShards of "
                + streamName
                + " did not end after "
                + MAX_LIST_SHARDS_PAGES
                + " pages");
      }
      // A request with NextToken must not name the stream ("ListShards", API Reference).
      request = new JSONObject();
      request.put("NextToken", next);
    }
  }

  private static Shard shard(JSONObject shard) throws JSONException {
    JSONObject range = shard.getJSONObject("HashKeyRange");
    JSONObject sequences = shard.optJSONObject("SequenceNumberRange");
    boolean open =
        sequences == null || AwsJsonClient.string(sequences, "EndingSequenceNumber") == null;
    return Shard.of(
        shard.getString("ShardId"),
        new BigInteger(range.getString("StartingHashKey")),
        new BigInteger(range.getString("EndingHashKey")),
        AwsJsonClient.string(shard, "ParentShardId"),
        AwsJsonClient.string(shard, "AdjacentParentShardId"),
        open);
  }

  /**
   * The stream's maximum record size: the configured {@link Builder#maxRecordBytes(int)} when set;
   * otherwise DescribeStreamSummary's {@code MaxRecordSizeInKiB} (one call), or {@link
   * #DEFAULT_MAX_RECORD_BYTES} when the answer has none. Fails when DescribeStreamSummary fails
   * (the Tracker then uses the default).
   */
  @Override
  public Completion<Integer> maxRecordBytes(final String streamName) {
    Objects.requireNonNull(streamName, "streamName");
    if (configuredMaxRecordBytes != null) {
      return Completion.succeeded(configuredMaxRecordBytes);
    }
    final Completion<Integer> result = Completion.create();
    boolean started =
        run(
            new Runnable() {
              @Override
              public void run() {
                try {
                  Outcome outcome = call("DescribeStreamSummary", stream(streamName));
                  if (outcome.failureCode != null) {
                    result.fail(
                        new IOException(
                            "DescribeStreamSummary of "
                                + streamName
                                + " failed: "
                                + outcome.failureCode
                                + ", "
                                + outcome.message));
                    return;
                  }
                  JSONObject summary = outcome.body().getJSONObject("StreamDescriptionSummary");
                  result.succeed(
                      summary.has("MaxRecordSizeInKiB")
                          ? summary.getInt("MaxRecordSizeInKiB") * 1024
                          : DEFAULT_MAX_RECORD_BYTES);
                } catch (JSONException | RuntimeException e) {
                  result.fail(e);
                }
              }
            });
    if (!started) {
      result.fail(new IllegalStateException("the AndroidKinesisSink is closed"));
    }
    return result;
  }

  /** Stops accepting calls; completes once the calls in flight completed, and ends its threads. */
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
    return "AndroidKinesisSink{"
        + client.endpoint()
        + ", maxRecordBytes="
        + (configuredMaxRecordBytes != null ? configuredMaxRecordBytes : "from the stream")
        + "}";
  }

  /** Runs a task on the sink's threads, counted in flight; false when the sink is closed. */
  private boolean run(final Runnable task) {
    synchronized (lock) {
      if (closing) {
        return false;
      }
      inFlight++;
    }
    try {
      executor.execute(
          new Runnable() {
            @Override
            public void run() {
              try {
                task.run();
              } finally {
                exit();
              }
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      exit();
      return false;
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
    executor.shutdown();
    closed.succeed(null);
  }

  /**
   * One signed call. Never throws: a call that did not succeed comes back with the code to fail its
   * entries with and a message free of credentials.
   */
  private Outcome call(String operation, JSONObject body) {
    AwsCredentials signing;
    try {
      signing = credentials.credentials();
      if (signing == null) {
        throw new IOException("the credentials provider answered null");
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, operation + ": no credentials: " + e.getMessage());
      return Outcome.failed(CREDENTIALS_UNAVAILABLE, "no credentials: " + e.getMessage());
    }
    AwsJsonClient.Response response;
    try {
      response =
          client.call(TARGET_PREFIX + operation, body, signer, signing, System.currentTimeMillis());
    } catch (IOException e) {
      String message = signing.redact(String.valueOf(e), MAX_MESSAGE_LENGTH);
      LOG.log(Level.FINE, "{0} did not complete: {1}", new Object[] {operation, message});
      return Outcome.failed(ErrorCodes.TRANSPORT_ERROR, message);
    }
    JSONObject answer = response.body();
    if (response.isSuccess() && answer != null) { // a success always has a body (parse sees to it)
      return Outcome.succeeded(answer, signing);
    }
    String code = response.errorCode();
    String message =
        "HTTP "
            + response.status()
            + (code == null ? "" : " " + code)
            + ": "
            + signing.redact(response.errorMessage(), MAX_MESSAGE_LENGTH);
    LOG.log(Level.FINE, "{0} failed: {1}", new Object[] {operation, message});
    if (EXPIRED_TOKEN.equals(code) || "ExpiredToken".equals(code)) {
      credentials.refresh();
      return Outcome.failed(EXPIRED_TOKEN, message);
    }
    if (response.status() >= 500 || code == null) {
      return Outcome.failed(ErrorCodes.TRANSPORT_ERROR, message);
    }
    return Outcome.failed(code, message);
  }

  private static JSONObject stream(String streamName) {
    JSONObject body = new JSONObject();
    try {
      body.put(streamName.startsWith("arn:") ? "StreamARN" : "StreamName", streamName);
    } catch (JSONException e) {
      throw new IllegalStateException(e);
    }
    return body;
  }

  /** The unit to the long milliseconds the timeouts take, checked. */
  static long timeoutMillis(String name, long timeout, TimeUnit unit) {
    Objects.requireNonNull(unit, "unit");
    long millis = unit.toMillis(timeout);
    if (timeout <= 0 || millis < 1 || millis > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          name + " must be 1 ms to " + Integer.MAX_VALUE + " ms, was " + timeout + " " + unit);
    }
    return millis;
  }

  /** The result of one call: a body, or the code and message to fail entries with. */
  private static final class Outcome {
    final @Nullable String failureCode; // null: the call succeeded
    final @Nullable String message;
    private final @Nullable JSONObject body;
    private final @Nullable AwsCredentials credentials;

    private Outcome(
        @Nullable String failureCode,
        @Nullable String message,
        @Nullable JSONObject body,
        @Nullable AwsCredentials credentials) {
      this.failureCode = failureCode;
      this.message = message;
      this.body = body;
      this.credentials = credentials;
    }

    static Outcome succeeded(JSONObject body, AwsCredentials credentials) {
      return new Outcome(null, null, body, credentials);
    }

    static Outcome failed(String code, @Nullable String message) {
      return new Outcome(code, message, null, null);
    }

    /** The answer of a call that succeeded (no failureCode). */
    JSONObject body() {
      return Objects.requireNonNull(body, "a failed call has no body");
    }

    /** The credentials that signed a call that succeeded, to redact its answer with. */
    AwsCredentials credentials() {
      return Objects.requireNonNull(credentials, "a failed call has no credentials");
    }
  }

  private static final class DaemonThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "tideline-kinesis-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }

  /**
   * Settings of an {@link AndroidKinesisSink}. Each setter validates its argument at once.
   *
   * <p>Not thread-safe; the sink it builds is.
   */
  public static final class Builder {
    private final String region;
    private final CredentialsProvider credentials;
    private @Nullable URL endpoint;
    private long connectTimeoutMillis = DEFAULT_CONNECT_TIMEOUT_MILLIS;
    private long readTimeoutMillis = DEFAULT_READ_TIMEOUT_MILLIS;
    private int threads = DEFAULT_THREADS;
    private @Nullable Integer maxRecordBytes;

    private Builder(String region, CredentialsProvider credentials) {
      Objects.requireNonNull(region, "region");
      if (region.isEmpty()) {
        throw new IllegalArgumentException("region must not be empty");
      }
      this.region = region;
      this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    /**
     * Another endpoint than {@code https://kinesis.{region}.amazonaws.com}, for example a VPC or
     * FIPS endpoint: https, or http on a loopback address for a local test server. Requests are
     * still signed for the builder's region.
     *
     * @throws IllegalArgumentException if not such a URL, or it has a path or query
     */
    public Builder endpoint(String endpoint) {
      this.endpoint = AwsJsonClient.endpoint("endpoint", Objects.requireNonNull(endpoint));
      return this;
    }

    /**
     * How long to wait for a connection. Default {@link #DEFAULT_CONNECT_TIMEOUT_MILLIS}.
     *
     * @throws IllegalArgumentException unless 1 ms to {@code Integer.MAX_VALUE} ms
     */
    public Builder connectTimeout(long timeout, TimeUnit unit) {
      this.connectTimeoutMillis = timeoutMillis("connectTimeout", timeout, unit);
      return this;
    }

    /**
     * How long to wait for the answer. Default {@link #DEFAULT_READ_TIMEOUT_MILLIS}.
     *
     * @throws IllegalArgumentException unless 1 ms to {@code Integer.MAX_VALUE} ms
     */
    public Builder readTimeout(long timeout, TimeUnit unit) {
      this.readTimeoutMillis = timeoutMillis("readTimeout", timeout, unit);
      return this;
    }

    /**
     * Threads for calls. Default {@link #DEFAULT_THREADS}.
     *
     * @throws IllegalArgumentException unless 1 to 64
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("threads must be 1 to 64, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * The stream's maximum record size in bytes, counting data and partition key, used as is
     * instead of asking DescribeStreamSummary (so the credentials need no {@code
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

    /** The sink. Connects to nothing until the first call. */
    public AndroidKinesisSink build() {
      return new AndroidKinesisSink(this);
    }
  }
}
