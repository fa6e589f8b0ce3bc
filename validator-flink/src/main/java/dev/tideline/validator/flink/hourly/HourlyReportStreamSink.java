package dev.tideline.validator.flink.hourly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tideline.kinesis.ShardListing;
import dev.tideline.validator.flink.source.KinesisClientFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordRequest;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * Puts each hourly result's JSON report (as {@link HourlyReport#json()}, what the report files
 * hold) into a Kinesis stream as one record, with the hour ({@code 2026-11-30T14}) as its partition
 * key: for alerting and dashboards that read a stream rather than files. See
 * docs/decisions/0305-flink-result-outputs.md.
 *
 * <pre>{@code
 * results.sinkTo(
 *         HourlyReportStreamSink.builder("validation-results", clients, "stream clickstream")
 *             .build())
 *     .name("results stream");
 * }</pre>
 *
 * <ul>
 *   <li><b>Order.</b> One hour's records go to one shard, so readers get them in the order they
 *       were put. Each instance of the sink puts one record at a time, waiting for each; at the
 *       job's parallelism an hour's hot, updated and cold results reach one instance in that order.
 *   <li><b>Failures.</b> A throttled call ({@code ProvisionedThroughputExceededException}, {@code
 *       KMSThrottlingException}), a server error and a call that did not complete (timeout, reset)
 *       are tried again after a backoff that doubles from {@link Builder#initialBackoff} up to
 *       {@link Builder#maxBackoff}, at most {@link Builder#maxAttempts} times in all. Other errors
 *       (no such stream, access denied, a record the stream refuses) and the last failed attempt
 *       fail the job with a message naming the stream, the result and the error; nothing is dropped
 *       in silence. The job then restarts by its restart strategy and puts again the results fired
 *       after its last checkpoint.
 *   <li><b>At least once.</b> A record whose call timed out after Kinesis stored it is put again,
 *       and so is a result fired again after a restore; the {@code window} object ({@code hour},
 *       {@code result}, {@code revision}) names a result, so readers can drop repeats.
 *   <li><b>Size.</b> A Kinesis record holds at most 1 MiB, data and partition key together ("Amazon
 *       Kinesis Data Streams quotas and limits"), or what {@link Builder#maxRecordBytes} says for a
 *       stream configured for larger records. A report over it (an hour with very many producers or
 *       violations) is replaced by a small record of the format {@value #TOO_LARGE_FORMAT}: the
 *       report's {@code version}, {@code generated_at}, {@code window}, {@code source}, {@code
 *       totals} and {@code delivery}, with {@code report_bytes}, {@code max_record_bytes} and a
 *       {@code message}; a warning is logged. The full report is then only in the job's other
 *       outputs (the report files).
 * </ul>
 *
 * <p>Immutable and serializable; each instance of the sink's writer creates its own client from the
 * {@link KinesisClientFactory} and closes it with the writer.
 */
public final class HourlyReportStreamSink implements Sink<HourlyResult> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(HourlyReportStreamSink.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The {@code format} of the record that stands in for a report too large for a record. */
  public static final String TOO_LARGE_FORMAT = "tideline-validation-report-too-large";

  private final String stream;
  private final KinesisClientFactory clients;
  private final String source;
  private final boolean showPii;
  private final int maxAttempts;
  private final long initialBackoffMs;
  private final long maxBackoffMs;
  private final int maxRecordBytes;

  private HourlyReportStreamSink(Builder builder) {
    this.stream = builder.stream;
    this.clients = builder.clients;
    this.source = builder.source;
    this.showPii = builder.showPii;
    this.maxAttempts = builder.maxAttempts;
    this.initialBackoffMs = builder.initialBackoff.toMillis();
    this.maxBackoffMs = builder.maxBackoff.toMillis();
    this.maxRecordBytes = builder.maxRecordBytes;
  }

  /**
   * A builder of a sink into a stream.
   *
   * @param stream the results stream's name or ARN ({@code arn:aws:kinesis:...})
   * @param clients makes each writer's Kinesis client, for example the source's
   * @param source what was read, for each report's {@code source}: {@code stream clickstream}
   */
  public static Builder builder(String stream, KinesisClientFactory clients, String source) {
    return new Builder(stream, clients, source);
  }

  @Override
  public SinkWriter<HourlyResult> createWriter(WriterInitContext context) {
    return new Writer(clients.create());
  }

  /** Whether a failed call may succeed when made again. */
  static boolean retryable(SdkException e) {
    if (e instanceof AwsServiceException) {
      AwsServiceException service = (AwsServiceException) e;
      String code =
          service.awsErrorDetails() != null ? service.awsErrorDetails().errorCode() : null;
      return service.isThrottlingException()
          || service.statusCode() >= 500
          || "KMSThrottlingException".equals(code);
    }
    // No answer: a timeout, a reset or refused connection.
    return e instanceof SdkClientException;
  }

  private final class Writer implements SinkWriter<HourlyResult> {
    private final KinesisClient client;

    Writer(KinesisClient client) {
      this.client = client;
    }

    @Override
    public void write(HourlyResult result, Context context)
        throws IOException, InterruptedException {
      HourlyReport report = HourlyReport.of(result, source, showPii);
      String key = result.hourId();
      byte[] data = report.json().getBytes(StandardCharsets.UTF_8);
      int size = data.length + key.getBytes(StandardCharsets.UTF_8).length;
      if (size > maxRecordBytes) {
        data = tooLarge(report, size);
        LOG.warn(
            "the report of {} is {} bytes with its partition key, over the record limit of {}:"
                + " put a {} record with its totals into Kinesis stream {} instead",
            describe(result),
            size,
            maxRecordBytes,
            TOO_LARGE_FORMAT,
            stream);
      }
      put(result, key, data);
    }

    private void put(HourlyResult result, String key, byte[] data)
        throws IOException, InterruptedException {
      PutRecordRequest.Builder request =
          PutRecordRequest.builder().partitionKey(key).data(SdkBytes.fromByteArray(data));
      if (ShardListing.isArn(stream)) {
        request.streamARN(stream);
      } else {
        request.streamName(stream);
      }
      PutRecordRequest put = request.build();
      long started = System.nanoTime();
      long backoffMs = initialBackoffMs;
      for (int attempt = 1; ; attempt++) {
        try {
          client.putRecord(put);
          return;
        } catch (SdkException e) {
          if (!retryable(e)) {
            throw new IOException(refused(result, e), e);
          }
          if (attempt >= maxAttempts) {
            throw new IOException(
                "could not put "
                    + describe(result)
                    + " into Kinesis stream "
                    + stream
                    + " in "
                    + attempt
                    + " attempts over "
                    + Duration.ofNanos(System.nanoTime() - started).toMillis()
                    + " ms; the last failed with: "
                    + e.getMessage(),
                e);
          }
          LOG.warn(
              "putting {} into Kinesis stream {} failed (attempt {} of {}), trying again in {} ms:"
                  + " {}",
              describe(result),
              stream,
              attempt,
              maxAttempts,
              backoffMs,
              e.getMessage());
          Thread.sleep(backoffMs);
          backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
        }
      }
    }

    private String refused(HourlyResult result, SdkException e) {
      String what = describe(result) + " was not put into Kinesis stream " + stream;
      if (e instanceof ResourceNotFoundException) {
        return "Kinesis stream "
            + stream
            + " does not exist (or is not in this account and region): create it, or name"
            + " another results stream; "
            + what
            + ": "
            + e.getMessage();
      }
      return what + ", and trying again would not help: " + e.getMessage();
    }

    /** The stand-in for a report too large for a record: its version, window, totals, delivery. */
    private byte[] tooLarge(HourlyReport report, int size) throws IOException {
      JsonNode full = JSON.readTree(report.json());
      ObjectNode json = JSON.createObjectNode();
      json.put("format", TOO_LARGE_FORMAT);
      for (String field : new String[] {"version", "generated_at", "window", "source"}) {
        json.set(field, full.get(field));
      }
      json.put("report_bytes", size);
      json.put("max_record_bytes", maxRecordBytes);
      json.put(
          "message",
          "the report is "
              + size
              + " bytes with its partition key, over the record limit of "
              + maxRecordBytes
              + " bytes; only its totals and delivery are here: the full report is in the job's"
              + " other outputs (the report files)");
      json.set("totals", full.get("totals"));
      json.set("delivery", full.get("delivery"));
      byte[] data;
      try {
        data = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
      } catch (JsonProcessingException e) {
        throw new IOException(e);
      }
      if (data.length + report.result().hourId().length() > maxRecordBytes) {
        throw new IOException(
            "the report of "
                + describe(report.result())
                + " is "
                + size
                + " bytes, over the record limit of "
                + maxRecordBytes
                + " bytes, and even its totals take "
                + data.length
                + " bytes: raise maxRecordBytes to at least 64 KiB");
      }
      return data;
    }

    @Override
    public void flush(boolean endOfInput) {
      // Every write waits for its record to be stored: nothing is held between writes.
    }

    @Override
    public void close() {
      client.close();
    }
  }

  private static String describe(HourlyResult result) {
    return "the "
        + result.kind().id()
        + " result (revision "
        + result.revision()
        + ") of hour "
        + result.hourText();
  }

  /** Configures a {@link HourlyReportStreamSink}; each setter checks its argument at once. */
  public static final class Builder {
    /**
     * Attempts per record, by default: 10, which with the default backoff waits about 33 s in all,
     * long enough for a burst of throttling to pass; a longer outage fails the job, whose restart
     * strategy then takes over.
     */
    public static final int DEFAULT_MAX_ATTEMPTS = 10;

    /** The wait before the second attempt, by default: 100 ms, doubling each time. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);

    /** The longest wait between attempts, by default: 10 s. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

    /**
     * The largest record, data and partition key, by default: 1 MiB, Kinesis's record limit
     * ("Amazon Kinesis Data Streams quotas and limits").
     */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

    /** The largest record a stream can be configured to take: 10 MiB. */
    public static final int MAX_RECORD_BYTES_LIMIT = 10 * 1024 * 1024;

    private final String stream;
    private final KinesisClientFactory clients;
    private final String source;
    private boolean showPii;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;

    private Builder(String stream, KinesisClientFactory clients, String source) {
      Objects.requireNonNull(stream, "stream");
      if (stream.isEmpty()) {
        throw new IllegalArgumentException("stream must not be empty");
      }
      this.stream = stream;
      this.clients = Objects.requireNonNull(clients, "clients");
      this.source = Objects.requireNonNull(source, "source");
    }

    /** Whether reports show values of fields tagged as personal data; default masked. */
    public Builder showPii(boolean showPii) {
      this.showPii = showPii;
      return this;
    }

    /** Attempts per record before the job fails, at least 1; default 10. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The wait before the second attempt, at least 1 ms; it doubles each time; default 100 ms. */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = atLeastAMillisecond(initialBackoff, "initialBackoff");
      return this;
    }

    /** The longest wait between attempts, at least 1 ms; default 10 s. */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = atLeastAMillisecond(maxBackoff, "maxBackoff");
      return this;
    }

    /**
     * The largest record, data and partition key, from 64 KiB to 10 MiB; default 1 MiB. Raise it
     * only for a stream whose maximum record size was raised.
     */
    public Builder maxRecordBytes(int maxRecordBytes) {
      if (maxRecordBytes < 64 * 1024 || maxRecordBytes > MAX_RECORD_BYTES_LIMIT) {
        throw new IllegalArgumentException(
            "maxRecordBytes must be from 65536 to "
                + MAX_RECORD_BYTES_LIMIT
                + ", was "
                + maxRecordBytes);
      }
      this.maxRecordBytes = maxRecordBytes;
      return this;
    }

    /**
     * The sink.
     *
     * @throws IllegalArgumentException if the initial backoff is longer than the longest
     */
    public HourlyReportStreamSink build() {
      if (initialBackoff.compareTo(maxBackoff) > 0) {
        throw new IllegalArgumentException(
            "initialBackoff ("
                + initialBackoff
                + ") must not be longer than maxBackoff ("
                + maxBackoff
                + ")");
      }
      return new HourlyReportStreamSink(this);
    }

    private static Duration atLeastAMillisecond(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.toMillis() < 1) {
        throw new IllegalArgumentException(name + " must be at least 1 ms, was " + duration);
      }
      return duration;
    }
  }
}
