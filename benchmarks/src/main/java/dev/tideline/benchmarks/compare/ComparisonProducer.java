package dev.tideline.benchmarks.compare;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.services.kinesis.producer.KinesisProducer;
import com.amazonaws.services.kinesis.producer.KinesisProducerConfiguration;
import com.amazonaws.services.kinesis.producer.UserRecordResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.tideline.benchmarks.sdk.TrackerLogBenchmark;
import dev.tideline.events.v1.Click;
import dev.tideline.sdk.BufferPolicy;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.TrackedEvent;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.TrackerBuilder;
import dev.tideline.sdk.TrackerListener;
import dev.tideline.sdk.kinesis.KinesisSink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * One producer of the comparison, in a JVM of its own so that its process tree's CPU time and
 * memory are its own: it makes the events, starts the producer, sends one warm-up event and waits
 * for it (and, for the KPL, for its shard map), prints {@code READY}, and with {@code --handshake}
 * waits for a line on standard input (the driver resets the endpoint's counts meanwhile). Then it
 * sends every event, waits until each is acknowledged, and prints one line {@code RESULT {json}}:
 * events acknowledged and failed, wall time, CPU seconds of the process tree (the KPL's native
 * daemon included) over the sending, over the whole life, and the tree's peak RSS.
 *
 * <p>Normally started by {@link ProducerComparison}; see benchmarks/README.md, "Producer
 * comparison".
 */
@Command(
    name = "comparison-producer",
    mixinStandardHelpOptions = true,
    description = "Sends 200-byte events through one producer and reports what it cost.")
public final class ComparisonProducer implements Callable<Integer> {
  /** Event size, the serialized Click. */
  static final int EVENT_BYTES = 200;

  /** The warm-up event's element id; readers of the stream leave it out. */
  static final String WARM_UP_ID = "warm-up-0";

  /**
   * The KPL's wait after its warm-up record: its shard map is loaded about 1 s after its first
   * record for a stream, and it sends every record unaggregated until then.
   */
  static final long KPL_SHARD_MAP_WAIT_MILLIS = 2_000;

  /**
   * Requests in flight of the plain SDK producers: the Netty client's default connection limit
   * (50), so a call never waits for a connection inside the client.
   */
  static final int SDK_MAX_IN_FLIGHT = 50;

  /**
   * User records the KPL may hold before the sending loop waits: Tideline's default buffer (16 MiB)
   * in 200-byte events, so both hold the same.
   */
  static final long KPL_MAX_OUTSTANDING = TrackerBuilder.DEFAULT_MAX_BUFFER_BYTES / EVENT_BYTES;

  private static final StaticCredentialsProvider FAKE_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench-secret"));

  @Option(
      names = "--producer",
      required = true,
      description = "tideline, kpl, sdk-single or sdk-batch500")
  String producer;

  @Option(names = "--events", defaultValue = "1000000", description = "events to send")
  int events;

  @Option(
      names = "--endpoint",
      required = true,
      description = "Kinesis endpoint: http://127.0.0.1:port, or https:// for the KPL")
  URI endpoint;

  @Option(names = "--stream", defaultValue = "comparison", description = "stream name")
  String stream;

  @Option(names = "--sts-port", defaultValue = "0", description = "the KPL's STS stub (TLS)")
  int stsPort;

  @Option(names = "--handshake", description = "wait for a line on stdin after READY")
  boolean handshake;

  @Option(
      names = "--slow-endpoint",
      description =
          "wait up to 5 minutes for each call (the local Kinesis), instead of the producers'"
              + " default timeouts")
  boolean slowEndpoint;

  /** Each call's timeout with {@code --slow-endpoint}. */
  static final Duration SLOW_ENDPOINT_TIMEOUT = Duration.ofMinutes(5);

  /** One producer under test. */
  interface Sender extends AutoCloseable {
    /** Sends the events and returns when every one is acknowledged or failed. */
    void send(Click[] events) throws Exception;

    /** Events acknowledged. */
    long acknowledged();

    /** Events that failed. */
    long failed();

    /** Waits until the producer sends as it will during the run (after the warm-up). */
    default void settle() throws InterruptedException {}

    @Override
    void close();
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ComparisonProducer()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!"true".equals(System.getenv("AWS_EC2_METADATA_DISABLED"))) {
      System.err.println(
          "set AWS_EC2_METADATA_DISABLED=true: without it the KPL and the AWS SDK may probe the"
              + " EC2 instance metadata address, and no traffic may leave loopback");
      return 2;
    }
    Producer which = Producer.of(producer);
    Click[] pool = TrackerLogBenchmark.clicks(events, EVENT_BYTES);
    Click warmUp =
        TrackerLogBenchmark.clicks(1, EVENT_BYTES)[0].toBuilder().setElementId(WARM_UP_ID).build();
    try (Sender sender = open(which)) {
      sender.send(new Click[] {warmUp});
      if (sender.acknowledged() != 1) {
        System.err.println("the warm-up event was not acknowledged");
        return 1;
      }
      sender.settle();
      System.out.println("READY");
      System.out.flush();
      if (handshake) {
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      }

      ProcessTree before = ProcessTree.sample();
      long start = System.nanoTime();
      sender.send(pool);
      long end = System.nanoTime();
      ProcessTree after = ProcessTree.sample();

      ObjectNode result = new ObjectMapper().createObjectNode();
      result.put("producer", which.id());
      result.put("events", events);
      result.put("acknowledged", sender.acknowledged() - 1);
      result.put("failed", sender.failed());
      result.put("wallSeconds", (end - start) / 1e9);
      result.put("cpuSeconds", after.cpuSecondsSince(before));
      result.put("cpuSecondsTotal", after.cpuSeconds());
      result.put("peakRssBytes", after.peakRssBytes());
      result.put("processes", after.processes());
      System.out.println("RESULT " + result);
      return sender.acknowledged() - 1 == events && sender.failed() == 0 ? 0 : 1;
    }
  }

  private Sender open(Producer which) throws Exception {
    switch (which) {
      case TIDELINE:
        return new TidelineSender(
            client().overrideConfiguration(KinesisSink.recommendedClientConfiguration()).build(),
            stream,
            slowEndpoint);
      case KPL:
        return new KplSender(endpoint, stsPort, stream, slowEndpoint);
      case SDK_SINGLE:
        return new SdkSender(client().build(), stream, 1);
      case SDK_BATCH:
        return new SdkSender(client().build(), stream, 500);
      default:
        throw new IllegalArgumentException(which.id());
    }
  }

  private KinesisAsyncClientBuilder client() {
    return KinesisAsyncClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(FAKE_CREDENTIALS)
        // Plain HTTP on loopback: HTTP/1.1, since h2c is not offered.
        .httpClientBuilder(
            slowEndpoint
                ? NettyNioAsyncHttpClient.builder()
                    .protocol(Protocol.HTTP1_1)
                    .readTimeout(SLOW_ENDPOINT_TIMEOUT)
                    .writeTimeout(SLOW_ENDPOINT_TIMEOUT)
                : NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1));
  }

  /**
   * (a) Tideline: its Tracker with the Kinesis sink and their defaults (aggregation, 1 MiB records,
   * 5 MiB requests, a random partition key per event, 16 MiB buffer), except that a full buffer
   * blocks the logging thread (so nothing is dropped) and the per-shard rate limits are lifted,
   * since no shards stand behind the counting endpoint.
   */
  static final class TidelineSender implements Sender {
    private final KinesisAsyncClient client;
    private final Tracker tracker;
    private final LongAdder acknowledged = new LongAdder();
    private long refused;

    TidelineSender(KinesisAsyncClient client, String stream, boolean slowEndpoint) {
      this.client = client;
      this.tracker =
          Tracker.builder()
              .streamName(stream)
              .sink(
                  slowEndpoint
                      ? KinesisSink.builder(client).requestTimeout(SLOW_ENDPOINT_TIMEOUT).build()
                      : KinesisSink.create(client))
              .callTimeout(
                  slowEndpoint
                      ? SLOW_ENDPOINT_TIMEOUT.toMillis()
                      : TrackerBuilder.DEFAULT_CALL_TIMEOUT_MILLIS,
                  TimeUnit.MILLISECONDS)
              .bufferPolicy(BufferPolicy.BLOCK)
              .blockTimeout(1, TimeUnit.MINUTES)
              .rateLimitFactor(TrackerBuilder.MAX_RATE_LIMIT_FACTOR)
              .listener(
                  new TrackerListener() {
                    @Override
                    public void onAcknowledged(List<TrackedEvent> acked) {
                      acknowledged.add(acked.size());
                    }
                  })
              .build();
    }

    @Override
    public void send(Click[] events) {
      for (Click event : events) {
        if (tracker.log(event) != LogOutcome.ACCEPTED) {
          refused++;
        }
      }
      TrackerLogBenchmark.awaitEveryAcknowledged(tracker, acknowledged);
    }

    @Override
    public long acknowledged() {
      return acknowledged.sum();
    }

    @Override
    public long failed() {
      return refused + tracker.metrics().eventsDropped();
    }

    @Override
    public void close() {
      tracker.close(30, TimeUnit.SECONDS).await(1, TimeUnit.MINUTES);
      System.err.println("tracker: " + tracker.metrics());
      client.close();
    }
  }

  /**
   * (b) The AWS KPL with its defaults (aggregation on, records of at most 50 KiB, 100 ms buffering,
   * PutRecords of at most 500 records and 5 MiB), metrics off, the rate limit lifted as for
   * Tideline, and on loopback: Kinesis and STS endpoints on 127.0.0.1 over TLS without certificate
   * checks (both are loopback servers with self-signed certificates).
   */
  static final class KplSender implements Sender {
    private final KinesisProducer kpl;
    private final String stream;
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final FutureCallback<UserRecordResult> callback =
        new FutureCallback<>() {
          @Override
          public void onSuccess(@Nullable UserRecordResult result) {
            (result != null && result.isSuccessful() ? acknowledged : failed).increment();
          }

          @Override
          public void onFailure(Throwable t) {
            failed.increment();
          }
        };

    KplSender(URI endpoint, int stsPort, String stream, boolean slowEndpoint) throws Exception {
      if (!"https".equals(endpoint.getScheme()) || stsPort <= 0) {
        throw new IllegalArgumentException(
            "the KPL needs an https:// Kinesis endpoint and --sts-port, was " + endpoint);
      }
      Path temp = Path.of(System.getProperty("java.io.tmpdir"), "tideline-kpl");
      Files.createDirectories(temp);
      KinesisProducerConfiguration config =
          new KinesisProducerConfiguration()
              .setRegion("us-east-1")
              .setCredentialsProvider(
                  new AWSStaticCredentialsProvider(
                      new BasicAWSCredentials("bench", "bench-secret")))
              .setKinesisEndpoint(endpoint.getHost())
              .setKinesisPort(endpoint.getPort())
              .setStsEndpoint("127.0.0.1")
              .setStsPort(stsPort)
              // Metrics are off, so CloudWatch is never called; loopback all the same.
              .setCloudwatchEndpoint("127.0.0.1")
              .setCloudwatchPort(stsPort)
              .setMetricsLevel("none")
              .setVerifyCertificate(false)
              .setRateLimit(1_000_000) // percent of a shard's limits: lifted, as for Tideline
              .setLogLevel("warning")
              .setTempDirectory(temp.toString());
      if (slowEndpoint) {
        config.setRequestTimeout(SLOW_ENDPOINT_TIMEOUT.toMillis());
        config.setRecordTtl(2 * SLOW_ENDPOINT_TIMEOUT.toMillis());
      }
      this.kpl = new KinesisProducer(config);
      this.stream = stream;
    }

    @Override
    public void send(Click[] events) throws InterruptedException {
      long target = acknowledged.sum() + failed.sum() + events.length;
      for (Click event : events) {
        while (kpl.getOutstandingRecordsCount() > KPL_MAX_OUTSTANDING) {
          Thread.sleep(1);
        }
        ListenableFuture<UserRecordResult> future =
            kpl.addUserRecord(
                stream, UUID.randomUUID().toString(), ByteBuffer.wrap(event.toByteArray()));
        Futures.addCallback(future, callback, MoreExecutors.directExecutor());
      }
      kpl.flushSync();
      // Callbacks run just after the futures complete.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (acknowledged.sum() + failed.sum() < target && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
    }

    @Override
    public void settle() throws InterruptedException {
      Thread.sleep(KPL_SHARD_MAP_WAIT_MILLIS);
    }

    @Override
    public long acknowledged() {
      return acknowledged.sum();
    }

    @Override
    public long failed() {
      return failed.sum();
    }

    @Override
    public void close() {
      kpl.destroy();
    }
  }

  /**
   * (c) and (d): AWS SDK v2 PutRecords as a user of the plain API writes it: the serialized event
   * as the record's data, a random partition key (a UUID) per record, {@code batch} records per
   * call, at most {@link #SDK_MAX_IN_FLIGHT} calls in flight, the SDK's default client settings.
   * Failed entries are counted, not retried (the endpoints here never refuse one).
   */
  static final class SdkSender implements Sender {
    private final KinesisAsyncClient client;
    private final String stream;
    private final int batch;
    private final Semaphore inFlight = new Semaphore(SDK_MAX_IN_FLIGHT);
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    SdkSender(KinesisAsyncClient client, String stream, int batch) {
      this.client = client;
      this.stream = stream;
      this.batch = batch;
    }

    @Override
    public void send(Click[] events) throws InterruptedException {
      List<PutRecordsRequestEntry> entries = new ArrayList<>(batch);
      for (Click event : events) {
        entries.add(
            PutRecordsRequestEntry.builder()
                .data(SdkBytes.fromByteArrayUnsafe(event.toByteArray()))
                .partitionKey(UUID.randomUUID().toString())
                .build());
        if (entries.size() == batch) {
          put(entries);
          entries = new ArrayList<>(batch);
        }
      }
      if (!entries.isEmpty()) {
        put(entries);
      }
      inFlight.acquire(SDK_MAX_IN_FLIGHT);
      inFlight.release(SDK_MAX_IN_FLIGHT);
    }

    private void put(List<PutRecordsRequestEntry> entries) throws InterruptedException {
      inFlight.acquire();
      var unused =
          client
              .putRecords(b -> b.streamName(stream).records(entries))
              .whenComplete(
                  (response, error) -> {
                    if (error != null) {
                      failed.add(entries.size());
                      firstFailure.compareAndSet(null, error.toString());
                    } else {
                      int failedCount =
                          response.failedRecordCount() == null ? 0 : response.failedRecordCount();
                      failed.add(failedCount);
                      acknowledged.add(entries.size() - failedCount);
                      if (failedCount > 0) {
                        response.records().stream()
                            .filter(r -> r.errorCode() != null)
                            .findFirst()
                            .ifPresent(
                                r ->
                                    firstFailure.compareAndSet(
                                        null, r.errorCode() + ": " + r.errorMessage()));
                      }
                    }
                    inFlight.release();
                  });
    }

    @Override
    public long acknowledged() {
      return acknowledged.sum();
    }

    @Override
    public long failed() {
      return failed.sum();
    }

    @Override
    public void close() {
      if (firstFailure.get() != null) {
        System.err.println("first failed call: " + firstFailure.get());
      }
      client.close();
    }
  }
}
