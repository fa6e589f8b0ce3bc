package dev.tideline.benchmarks.sdk;

import dev.tideline.events.v1.Click;
import dev.tideline.sdk.BufferPolicy;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.TrackerMetrics;
import dev.tideline.sdk.kinesis.KinesisSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A whole-path volume run: a Tracker logging 200-byte events through the Kinesis sink (the AWS SDK
 * v2 async client, CBOR over HTTP) to the {@link CountingKinesisEndpoint} on loopback, which counts
 * what arrives. Prints events per second from the first log() to the last acknowledgement, and what
 * the endpoint counted: requests, records, bytes, PUT payload units and events. Exits with 1 when
 * the endpoint did not count every accepted event exactly once or an event was dropped.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tideline.benchmarks.sdk.KinesisSinkThroughput [events] [threads]} (default 1,000,000 and 1).
 */
public final class KinesisSinkThroughput {
  private KinesisSinkThroughput() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    Click[] pool = TrackerLogBenchmark.events();
    try (CountingKinesisEndpoint endpoint = CountingKinesisEndpoint.start(0, 4);
        KinesisAsyncClient client =
            KinesisAsyncClient.builder()
                .endpointOverride(endpoint.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                .overrideConfiguration(KinesisSink.recommendedClientConfiguration())
                .build()) {
      Tracker tracker =
          Tracker.builder()
              .streamName("volume")
              .sink(KinesisSink.create(client))
              .bufferPolicy(BufferPolicy.BLOCK)
              .blockTimeout(1, TimeUnit.MINUTES)
              .maxBufferBytes(64L * 1024 * 1024)
              .rateLimitFactor(10_000) // no real shards behind the endpoint
              .build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (tracker.metrics().shardMapRefreshes() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }

      AtomicLong refused = new AtomicLong();
      long start = System.nanoTime();
      List<Thread> loggers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int from = (int) ((long) events * t / threads);
        int to = (int) ((long) events * (t + 1) / threads);
        Thread logger =
            new Thread(
                () -> {
                  for (int i = from; i < to; i++) {
                    if (tracker.log(pool[i % pool.length]) != LogOutcome.ACCEPTED) {
                      refused.incrementAndGet();
                    }
                  }
                });
        logger.start();
        loggers.add(logger);
      }
      for (Thread logger : loggers) {
        logger.join();
      }
      long logged = System.nanoTime();
      boolean flushed = tracker.flush().await(5, TimeUnit.MINUTES);
      long acknowledged = System.nanoTime();
      // Closing logs a last audit record; count it too.
      tracker.close(30, TimeUnit.SECONDS).await(1, TimeUnit.MINUTES);
      TrackerMetrics metrics = tracker.metrics();

      double seconds = (acknowledged - start) / 1e9;
      System.out.printf(
          "%,d events of 200 bytes from %d thread(s): log() done in %.2f s, all acknowledged in"
              + " %.2f s: %,.0f events/s%n",
          events, threads, (logged - start) / 1e9, seconds, events / seconds);
      System.out.printf(
          "endpoint: %,d PutRecords, %,d records (%.0f events per record), %,d bytes (%.1f per"
              + " event), %,d PUT payload units, %,d events%n",
          endpoint.requests(),
          endpoint.records(),
          (double) endpoint.events() / Math.max(1, endpoint.records()),
          endpoint.bytes(),
          (double) endpoint.bytes() / Math.max(1, endpoint.events()),
          endpoint.putPayloadUnits(),
          endpoint.events());
      System.out.println("tracker: " + metrics);
      boolean exact =
          flushed
              && refused.get() == 0
              && metrics.eventsDropped() == 0
              && endpoint.events() == metrics.eventsAccepted()
              && endpoint.malformedRecords() == 0;
      System.out.println(
          exact
              ? "OK: every accepted event counted exactly once, none refused or dropped"
              : "FAILED: refused " + refused.get() + ", flushed " + flushed);
      if (!exact) {
        System.exit(1);
      }
    }
  }
}
