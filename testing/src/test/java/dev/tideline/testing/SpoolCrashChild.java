package dev.tideline.testing;

import dev.tideline.events.v1.Payment;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.sdk.DropReason;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.LogReceipt;
import dev.tideline.sdk.SpoolConfig;
import dev.tideline.sdk.TrackedEvent;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.TrackerListener;
import dev.tideline.sdk.kinesis.KinesisSink;
import java.io.File;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The child JVM of {@link SpoolCrashTest}: a producer with a spool that logs payments durably
 * through the Kinesis sink until it is killed, or, as the last run, sends what earlier runs left in
 * the spool and closes.
 *
 * <p>It tells the parent on stdout, one line per fact, each ending in {@value #END}: {@code started
 * <producer id> <events recovered>}; {@code accepted <marker>} when {@code logDurably} accepted an
 * event; {@code written <marker>} when its {@link LogReceipt#written()} completed (the receipt
 * names neither the event id nor the sequence, so the marker, the payment's order id, names the
 * event); {@code acknowledged <marker> <event id> <sequence>} when the tracker reported it stored;
 * {@code problem <detail>} for anything refused, dropped, dead-lettered or failed; {@code storage
 * <detail>} for what the spool reported about its disk; and for the last run {@code flushed
 * <true|false>} and {@code closed <true|false>}. Markers are {@link #marker}s, unique across runs.
 *
 * <p>Arguments: endpoint, region, access key id, secret key, stream name, spool directory, run
 * number, and {@code log} or {@code drain}.
 */
public final class SpoolCrashChild {
  /** What ends every line, so that the parent can tell a whole line from a cut one. */
  static final String END = ";";

  /** How often an event is logged: 500 a second, a steady stream for the kills to land in. */
  static final long LOG_PERIOD_MICROS = 2_000;

  /** A child nobody kills stops by itself after this long, so it never outlives its test. */
  static final long MAX_LOGGING_SECONDS = 30;

  private SpoolCrashChild() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      throw new IllegalArgumentException(
          "expected endpoint, region, access key id, secret key, stream, directory, run, mode;"
              + " got "
              + args.length
              + " arguments");
    }
    KinesisAsyncClient client =
        KinesisAsyncClient.builder()
            .endpointOverride(URI.create(args[0]))
            .region(Region.of(args[1]))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(args[2], args[3])))
            // Plain HTTP on loopback: HTTP/1.1, since h2c is not offered.
            .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
            .overrideConfiguration(KinesisSink.recommendedClientConfiguration())
            .build();
    // One call before the tracker starts loads the AWS SDK's classes, so that a run that lives a
    // second spends it logging and sending, and kills land while calls are in flight.
    client.describeStreamSummary(request -> request.streamName(args[4])).join();
    Tracker tracker =
        Tracker.builder()
            .streamName(args[4])
            .sink(KinesisSink.create(client))
            // Many events per record, so the local Kinesis stores few records and stays fast.
            .lingerTime(50, TimeUnit.MILLISECONDS)
            .listener(new Reporting())
            // The smallest segments, so that whole acknowledged segments are deleted during the
            // test and the next run must find the sequence floor in the spool's state file.
            .spool(
                SpoolConfig.builder(new File(args[5]))
                    .segmentBytes(SpoolConfig.MIN_SEGMENT_BYTES)
                    .build())
            .build();
    tell("started " + hex(tracker.producerId()) + " " + tracker.metrics().spool().recovered());
    if (args[7].equals("drain")) {
      boolean flushed = tracker.flush().await(60, TimeUnit.SECONDS);
      tell("flushed " + flushed);
      boolean closed = tracker.close(10, TimeUnit.SECONDS).await(20, TimeUnit.SECONDS);
      tell("closed " + closed);
      client.close();
      System.exit(flushed && closed ? 0 : 1);
    }
    int run = Integer.parseInt(args[6]);
    AtomicInteger counter = new AtomicInteger();
    ScheduledExecutorService logger = Executors.newSingleThreadScheduledExecutor();
    logger.scheduleAtFixedRate(
        () -> logOne(tracker, marker(run, counter.getAndIncrement())),
        0,
        LOG_PERIOD_MICROS,
        TimeUnit.MICROSECONDS);
    logger.awaitTermination(MAX_LOGGING_SECONDS, TimeUnit.SECONDS);
    tell("problem not killed within " + MAX_LOGGING_SECONDS + " s");
    System.exit(2);
  }

  private static void logOne(Tracker tracker, String marker) {
    LogReceipt receipt = tracker.logDurably(payment(marker));
    if (receipt.outcome() != LogOutcome.ACCEPTED) {
      tell("problem refused " + marker + " " + receipt.outcome());
      return;
    }
    tell("accepted " + marker);
    receipt
        .written()
        .whenComplete(
            (ignored, failure) ->
                tell(
                    failure == null
                        ? "written " + marker
                        : "problem not written " + marker + ": " + failure));
  }

  /** The marker of a run's n-th event, a valid order id: "run03-000127". */
  static String marker(int run, int counter) {
    return String.format("run%02d-%06d", run, counter);
  }

  static int runOf(String marker) {
    return Integer.parseInt(marker.substring(3, marker.indexOf('-')));
  }

  static int counterOf(String marker) {
    return Integer.parseInt(marker.substring(marker.indexOf('-') + 1));
  }

  static Payment payment(String marker) {
    return Payment.newBuilder()
        .setOrderId(marker)
        .setAmountMinor(1999)
        .setCurrency("EUR")
        .setMethod(Payment.Method.CARD)
        .setStatus(Payment.Status.CAPTURED)
        .build();
  }

  /** One whole line on stdout, flushed, so that what the parent read survives a kill. */
  private static synchronized void tell(String line) {
    System.out.print(line + END + "\n");
    System.out.flush();
  }

  static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(String.format("%02x", b));
    }
    return out.toString();
  }

  /** Passes what the tracker reports on to the parent. */
  private static final class Reporting implements TrackerListener {
    private static final String PAYMENT = "tideline.events.v1.Payment";

    @Override
    public void onAcknowledged(List<TrackedEvent> events) {
      for (TrackedEvent event : events) {
        if (!event.eventType().equals(PAYMENT)) {
          continue; // the tracker's own audit records
        }
        tell("acknowledged " + markerOf(event) + " " + event.eventId() + " " + event.sequence());
      }
    }

    @Override
    public void onRejected(LogOutcome outcome, String eventType, String detail) {
      tell("problem rejected " + outcome + " " + eventType + ": " + detail);
    }

    @Override
    public void onDropped(List<TrackedEvent> events, DropReason reason, String detail) {
      tell("problem dropped " + events.size() + " " + reason + ": " + detail);
    }

    @Override
    public void onDeadLettered(
        List<TrackedEvent> events, DropReason reason, String code, String message) {
      tell("problem dead-lettered " + events.size() + " " + reason + ": " + code + " " + message);
    }

    @Override
    public void onStorageProblem(String detail) {
      tell("storage " + detail.replace('\n', ' '));
    }

    private static String markerOf(TrackedEvent event) {
      try {
        Envelope envelope = Envelope.parseFrom(event.envelope());
        return Payment.parseFrom(envelope.getPayload()).getOrderId();
      } catch (Exception e) {
        return "unreadable(" + e.getClass().getSimpleName() + ")";
      }
    }
  }
}
