package dev.tideline.samples;

import dev.tideline.events.v1.Click;
import dev.tideline.events.v1.Login;
import dev.tideline.events.v1.Payment;
import dev.tideline.events.v1.ScreenView;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Platform;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.TrackerMetrics;
import dev.tideline.sdk.kinesis.KinesisSink;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.validator.Tally;
import dev.tideline.validator.ValidationReport;
import dev.tideline.validator.Validator;
import dev.tideline.validator.report.Reports;
import dev.tideline.validator.source.KinesisStreamReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The end-to-end demo on the local Kinesis: a backend logs clicks, screens, logins and payments
 * through the SDK (KPL-aggregated records, batched PutRecords), then the validator reads the stream
 * back, checks every event against its schema, and writes console, JSON and HTML reports.
 *
 * <p>Run it with {@code ./demo.sh} ({@code ./mvnw -B -q -Pdemo -DskipTests package -pl samples
 * -am}); reports land in {@code samples/target/demo-report.html} and {@code .json} (the folder is
 * the first argument).
 */
public final class Demo {
  static final String STREAM = "tideline-demo";

  /** Events the demo logs; a few payments break the currency rule on purpose. */
  static final int EVENTS = 20_000;

  static final int INVALID_PAYMENTS = 4;

  private Demo() {}

  public static void main(String[] args) throws Exception {
    try (LocalKinesisServer server = LocalKinesisServer.start()) {
      run(server, Paths.get(args.length > 0 ? args[0] : "target"), System.out);
    }
  }

  /** Runs the demo against a server, writes the reports into {@code reportDir}, returns them. */
  static ValidationReport run(LocalKinesisServer server, Path reportDir, PrintStream out)
      throws IOException, InterruptedException {
    out.println("  local Kinesis (kinesis-mock) on " + server.httpEndpoint());
    LocalKinesisStream stream = server.createStream(STREAM + "-" + System.nanoTime(), 2);
    out.println("  stream " + stream.name() + ", " + stream.shardCount() + " shards");

    KinesisAsyncClient kinesis =
        server
            .asyncClientBuilder()
            .overrideConfiguration(KinesisSink.recommendedClientConfiguration())
            .build();
    Tracker tracker =
        Tracker.builder()
            .streamName(stream.name())
            // The local Kinesis (kinesis-mock, on Node.js) can take longer than the sink's default
            // 10 s to store a full 5 MiB call on a busy machine; a call that times out after it was
            // stored is sent again, and the validator would count duplicates.
            .sink(KinesisSink.builder(kinesis).requestTimeout(Duration.ofMinutes(1)).build())
            .context(
                Context.newBuilder()
                    .setAppId("demo-shop")
                    .setAppVersion("1.4.2")
                    .setPlatform(Platform.JVM)
                    .setHost("checkout-1")
                    .build())
            .build();
    out.printf(
        "  logging %,d events (%d payments break the currency rule on purpose) through the SDK%n",
        EVENTS, INVALID_PAYMENTS);
    long started = System.nanoTime();
    for (int i = 0; i < EVENTS; i++) {
      tracker.log(event(i));
    }
    if (!tracker.close(3, TimeUnit.MINUTES).await(3, TimeUnit.MINUTES)) {
      out.println("  the tracker did not finish sending within 3 minutes");
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    kinesis.close();
    TrackerMetrics metrics = tracker.metrics();
    out.printf(
        "  SDK: %,d events accepted, %,d sent in %,d Kinesis records (%,d PutRecords calls,"
            + " %.0f events per record) in %,d ms%n",
        metrics.eventsAccepted(),
        metrics.eventsSent(),
        metrics.recordsSent(),
        metrics.putRecordsCalls(),
        metrics.eventsPerRecord(),
        millis);
    out.println(
        "  (one more than the demo logged: at close the SDK adds a ProducerAudit record saying how"
            + " many events it sent, which the validator reconciles against what arrived)");

    out.println("  reading the stream back and validating every event...");
    SchemaRegistry registry = SchemaRegistry.fromClasspath();
    Validator validator = Validator.builder(registry).build();
    Tally tally = Tally.create();
    KinesisStreamReader reader =
        KinesisStreamReader.builder(server.client(), stream.name()).getRecordsPerSecond(5).build();
    reader.read(
        record ->
            tally.add(
                validator.validate(
                    record.data(),
                    record.partitionKey(),
                    record.arrivalTime(),
                    record.shardRange())));
    ValidationReport report = tally.report("stream " + stream.name() + " (local Kinesis)", false);
    out.println();
    out.println(Reports.console(report));

    Files.createDirectories(reportDir);
    Path html = reportDir.resolve("demo-report.html");
    Path json = reportDir.resolve("demo-report.json");
    Files.write(html, Reports.html(report).getBytes(StandardCharsets.UTF_8));
    Files.write(json, Reports.json(report).getBytes(StandardCharsets.UTF_8));
    out.println("Open " + html.toAbsolutePath() + " in a browser for the full report");
    out.println(
        "(counts per event type and hour, invalid events and why, lateness, duplicates, gaps);");
    out.println(json.toAbsolutePath() + " is the same report for tools.");
    server.deleteStream(stream.name());
    return report;
  }

  /**
   * A mixed workload. Events 2,500, 7,500, 12,500 and 17,500 are payments in a lower-case currency,
   * which the Payment schema's rule refuses: {@link #INVALID_PAYMENTS}.
   */
  static Object event(int i) {
    switch (i % 10) {
      case 0:
        return Payment.newBuilder()
            .setOrderId(String.format("order-%06d", i))
            .setAmountMinor(100 + i)
            .setCurrency(i % 5_000 == 2_500 ? "eur" : "EUR")
            .setMethod(Payment.Method.CARD)
            .setStatus(Payment.Status.CAPTURED)
            .build();
      case 1:
        return Login.newBuilder().setMethod(Login.Method.PASSWORD).setSuccess(i % 7 != 0).build();
      case 2:
      case 3:
      case 4:
        return Click.newBuilder()
            .setElementId("button-" + (i % 40))
            .setScreenName("checkout")
            .setX(i % 300)
            .setY(i % 500)
            .build();
      default:
        return ScreenView.newBuilder()
            .setScreenName("screen-" + (i % 12))
            .setLoadTimeMs(i % 900)
            .build();
    }
  }
}
