package dev.tideline.benchmarks.sdk;

import dev.tideline.events.v1.Click;
import dev.tideline.sdk.Completion;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.TrackerMetrics;
import dev.tideline.sdk.kinesis.KinesisSink;
import dev.tideline.sdk.sink.EntryResult;
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.RecordSink;
import dev.tideline.sdk.sink.Shard;
import dev.tideline.sdk.sink.SinkRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A soak run, outside CI: a Tracker logs at a steady rate for a long time through the Kinesis sink
 * to the {@link CountingKinesisEndpoint} on loopback, under a repeating mix of faults, while the
 * process's resident memory (VmRSS from /proc/self/status) and used heap are sampled every 10 s
 * into a CSV. At the end it prints the events logged, delivered (acknowledged, and counted by the
 * endpoint), dropped by reason, and lost (accepted, yet neither delivered nor dropped).
 *
 * <p>The faults, each minute: for the first 10 s, 30% of entries are answered as throttled; from 30
 * s to 35 s, every call fails as a transport error (what a reset connection gives the tracker).
 * They are injected at the sink interface, in front of the Kinesis sink, so calls that "fail" never
 * reach the endpoint.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.tideline.benchmarks.sdk.SoakRun
 * [minutes] [events per second] [csv file]} (default 10, 2,000 and {@code soak.csv}).
 */
public final class SoakRun {
  private static final long SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private SoakRun() {}

  public static void main(String[] args) throws Exception {
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    Path csv = Paths.get(args.length > 2 ? args[2] : "soak.csv");
    Click[] pool = TrackerLogBenchmark.events();
    long runNanos = (long) (minutes * 60e9);

    try (CountingKinesisEndpoint endpoint = CountingKinesisEndpoint.start(0, 4);
        KinesisAsyncClient client =
            KinesisAsyncClient.builder()
                .endpointOverride(endpoint.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("soak", "soak")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                .overrideConfiguration(KinesisSink.recommendedClientConfiguration())
                .build();
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
      long start = System.nanoTime();
      FaultySink sink = new FaultySink(KinesisSink.create(client), start);
      Tracker tracker =
          Tracker.builder()
              .streamName("soak")
              .sink(sink)
              .maxBufferBytes(16L * 1024 * 1024)
              .rateLimitFactor(10_000) // no real shards behind the endpoint
              .build();
      out.println(
          "seconds,rss_kib,heap_used_kib,logged,accepted,sent,dropped,buffered_bytes,retries");
      long refused = 0;
      long logged = 0;
      long nextSample = start;
      long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
      for (long now = System.nanoTime(); now - start < runNanos; now = System.nanoTime()) {
        // Steady rate: log whatever is due since the start, then pause a millisecond.
        long due = (now - start) / intervalNanos;
        for (; logged < due; logged++) {
          if (tracker.log(pool[(int) (logged % pool.length)]) != LogOutcome.ACCEPTED) {
            refused++;
          }
        }
        if (now - nextSample >= 0) {
          sample(out, (now - start) / 1e9, logged, tracker.metrics());
          nextSample += SAMPLE_NANOS;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      Completion<Void> flushed = tracker.flush();
      flushed.await(5, TimeUnit.MINUTES);
      tracker.close(30, TimeUnit.SECONDS).await(1, TimeUnit.MINUTES);
      TrackerMetrics metrics = tracker.metrics();
      sample(out, (System.nanoTime() - start) / 1e9, logged, metrics);
      out.flush();

      long lost = metrics.eventsAccepted() - metrics.eventsSent() - metrics.eventsDropped();
      System.out.printf(
          "%.1f min at %,d events/s: logged %,d, accepted %,d, refused %,d; delivered %,d"
              + " (the endpoint counted %,d); dropped %,d %s; lost %,d%n",
          minutes,
          rate,
          logged,
          metrics.eventsAccepted(),
          refused,
          metrics.eventsSent(),
          endpoint.events(),
          metrics.eventsDropped(),
          metrics.dropped(),
          lost);
      System.out.printf(
          "faults injected: %,d entries throttled, %,d calls failed as transport errors%n",
          sink.throttled, sink.transportFailures);
      System.out.println("tracker: " + metrics);
      System.out.println("samples: " + csv.toAbsolutePath());
      boolean ok = flushed.isSuccess() && lost == 0 && endpoint.events() >= metrics.eventsSent();
      System.out.println(ok ? "OK: nothing lost" : "FAILED: flushed " + flushed.isSuccess());
      if (!ok) {
        System.exit(1);
      }
    }
  }

  private static void sample(PrintWriter out, double seconds, long logged, TrackerMetrics m) {
    Runtime runtime = Runtime.getRuntime();
    long retries = m.retriesByErrorCode().values().stream().mapToLong(Long::longValue).sum();
    out.printf(
        "%.0f,%d,%d,%d,%d,%d,%d,%d,%d%n",
        seconds,
        rssKib(),
        (runtime.totalMemory() - runtime.freeMemory()) / 1024,
        logged,
        m.eventsAccepted(),
        m.eventsSent(),
        m.eventsDropped(),
        m.bufferedBytes(),
        retries);
    out.flush();
  }

  /** The process's resident set, from /proc/self/status; -1 where there is none (not Linux). */
  static long rssKib() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Not Linux.
    }
    return -1;
  }

  /** Injects the minute's faults in front of the sink it wraps (see the class comment). */
  private static final class FaultySink implements RecordSink {
    private final RecordSink delegate;
    private final long start;
    volatile long throttled;
    volatile long transportFailures;

    FaultySink(RecordSink delegate, long start) {
      this.delegate = delegate;
      this.start = start;
    }

    @Override
    public Completion<PutRecordsResult> putRecords(String streamName, List<SinkRecord> records) {
      long second = Duration.ofNanos(System.nanoTime() - start).toSeconds() % 60;
      if (second >= 30 && second < 35) {
        synchronized (this) {
          transportFailures++;
        }
        return Completion.succeeded(
            PutRecordsResult.callFailed(
                records.size(), ErrorCodes.TRANSPORT_ERROR, "soak: injected connection reset"));
      }
      if (second >= 10) {
        return delegate.putRecords(streamName, records);
      }
      // 30% of entries throttled; the rest go through, answered in request order.
      List<SinkRecord> forwarded = new ArrayList<>();
      boolean[] throttle = new boolean[records.size()];
      for (int i = 0; i < records.size(); i++) {
        throttle[i] = ThreadLocalRandom.current().nextInt(100) < 30;
        if (!throttle[i]) {
          forwarded.add(records.get(i));
        }
      }
      synchronized (this) {
        throttled += records.size() - forwarded.size();
      }
      Completion<PutRecordsResult> merged = Completion.create();
      Completion<PutRecordsResult> call =
          forwarded.isEmpty()
              ? Completion.succeeded(PutRecordsResult.of(List.of()))
              : delegate.putRecords(streamName, forwarded);
      call.whenComplete(
          (result, failure) -> {
            if (failure != null) {
              merged.fail(failure);
              return;
            }
            List<EntryResult> entries = new ArrayList<>(records.size());
            int next = 0;
            for (boolean t : throttle) {
              entries.add(
                  t
                      ? EntryResult.failure(ErrorCodes.THROTTLED, "soak: injected throttling")
                      : Objects.requireNonNull(result).entries().get(next++));
            }
            merged.succeed(PutRecordsResult.of(entries));
          });
      return merged;
    }

    @Override
    public Completion<List<Shard>> listShards(String streamName) {
      return delegate.listShards(streamName);
    }

    @Override
    public Completion<Integer> maxRecordBytes(String streamName) {
      return delegate.maxRecordBytes(streamName);
    }

    @Override
    public Completion<Void> close() {
      return delegate.close();
    }
  }
}
