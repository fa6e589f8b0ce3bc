package dev.tideline.android.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.events.v1.Click;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.Tracker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.json.JSONArray;
import org.junit.jupiter.api.Test;

/**
 * No access key id, secret key, session token or signature in any log line or on standard error: a
 * Tracker sends through the Android transport, with Cognito credentials, to a server that first
 * answers an expired token, an invalid signature quoting the request (token included), a server
 * error, a dropped connection and a throttled entry, then success. Everything logged at every
 * level, and everything written to System.err, is searched for the secrets.
 */
class SecretsNeverLoggedTest {
  private static final String POOL = "us-east-1:11111111-2222-3333-4444-555555555555";

  /**
   * The JDK's own HttpURLConnection writes every request header, Authorization included, to this
   * logger at FINE. It is not in an app: Android's HttpURLConnection is another implementation that
   * logs no headers. On the JVM it is the JDK's opt-in wire debugging, like any HTTP client's wire
   * log, so it is left out of the search (and counted, so the test shows it was seen).
   */
  private static final String JDK_HTTP_CLIENT_WIRE_LOG =
      "sun.net.www.protocol.http.HttpURLConnection";

  @Test
  void noCredentialTokenOrSignatureAppearsInLogsOrOnStandardErrorThroughRetriesAndARefresh()
      throws IOException {
    List<String> logged = new ArrayList<>();
    AtomicInteger jdkWireLines = new AtomicInteger();
    Handler capture =
        new Handler() {
          private final SimpleFormatter formatter = new SimpleFormatter();

          @Override
          public void publish(LogRecord record) {
            if (JDK_HTTP_CLIENT_WIRE_LOG.equals(record.getLoggerName())) {
              jdkWireLines.incrementAndGet();
              return;
            }
            synchronized (logged) {
              logged.add(formatter.format(record));
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    capture.setLevel(Level.ALL);
    Logger root = Logger.getLogger("");
    Level rootLevel = root.getLevel();
    root.setLevel(Level.ALL);
    root.addHandler(capture);
    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));

    AtomicInteger issued = new AtomicInteger();
    List<AwsCredentials> credentialsIssued = new ArrayList<>();
    AtomicInteger putRecordsCalls = new AtomicInteger();
    Tracker tracker = null;
    try (FakeAwsServer cognito = FakeAwsServer.start();
        FakeAwsServer kinesis = FakeAwsServer.start()) {
      cognito
          .then(request -> FakeAwsServer.Answer.ok(Json.object("IdentityId", "us-east-1:id")))
          .otherwise(
              request -> {
                int n = issued.incrementAndGet();
                AwsCredentials credentials =
                    AwsCredentials.create(
                        "ASIASECRETKEYID" + n,
                        "SecretAccessKey/" + n + "+abcdefghijklmnopqrstuvwxyz",
                        "SessionTokenValue" + n + "IQoJb3JpZ2luX2VjEPj//////////wEaCX",
                        System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1));
                synchronized (credentialsIssued) {
                  credentialsIssued.add(credentials);
                }
                return FakeAwsServer.Answer.ok(
                    Json.object(
                        "IdentityId",
                        "us-east-1:id",
                        "Credentials",
                        Json.object(
                            "AccessKeyId",
                            credentials.accessKeyId(),
                            "SecretKey",
                            credentials.secretAccessKey(),
                            "SessionToken",
                            credentials.sessionToken(),
                            "Expiration",
                            credentials.expirationMillis() / 1000.0)));
              });
      kinesis.otherwise(
          request -> {
            switch (request.target()) {
              case "Kinesis_20131202.ListShards":
                return FakeAwsServer.Answer.ok(
                    Json.object(
                        "Shards",
                        Json.array(
                            List.of(
                                Json.object(
                                    "ShardId",
                                    "shardId-000000000000",
                                    "HashKeyRange",
                                    Json.object(
                                        "StartingHashKey",
                                        "0",
                                        "EndingHashKey",
                                        dev.tideline.sdk.sink.Shard.MAX_HASH_KEY.toString()))))));
              case "Kinesis_20131202.DescribeStreamSummary":
                return FakeAwsServer.Answer.ok(
                    Json.object("StreamDescriptionSummary", Json.object("StreamName", "events")));
              default:
                return putRecordsAnswer(putRecordsCalls.incrementAndGet(), request);
            }
          });

      CognitoCredentialsProvider credentials =
          CognitoCredentialsProvider.builder(POOL, IdentityStore.inMemory())
              .endpoint(cognito.endpoint())
              .build();
      AndroidKinesisSink sink =
          AndroidKinesisSink.builder("us-east-1", credentials).endpoint(kinesis.endpoint()).build();
      tracker =
          Tracker.builder()
              .streamName("events")
              .sink(sink)
              .registry(SchemaRegistry.fromClasspath())
              .retryBackoff(1, 20, TimeUnit.MILLISECONDS)
              .lingerTime(10, TimeUnit.MILLISECONDS)
              .build();
      for (int i = 0; i < 50; i++) {
        tracker.log(Click.newBuilder().setElementId("button-" + i).setScreenName("home").build());
      }
      assertThat(tracker.flush().await(1, TimeUnit.MINUTES)).as("flushed").isTrue();
      assertThat(tracker.close(10, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS)).isTrue();
      tracker = null;

      assertThat(putRecordsCalls.get()).as("every failure was answered once").isGreaterThan(5);
      assertThat(issued.get()).as("the expired token made the provider fetch again").isEqualTo(2);
      List<String> secrets = new ArrayList<>();
      for (AwsCredentials issuedCredentials : credentialsIssued) {
        secrets.add(issuedCredentials.accessKeyId());
        secrets.add(issuedCredentials.secretAccessKey());
        secrets.add(issuedCredentials.sessionToken());
      }
      for (FakeAwsServer.Request request : kinesis.requests()) {
        assertThat(request.signature()).as("every call was signed").hasSize(64);
        secrets.add(request.signature());
      }
      String everything;
      synchronized (logged) {
        everything = String.join("\n", logged) + "\n" + err.toString(StandardCharsets.UTF_8);
      }
      assertThat(jdkWireLines.get()).as("the JDK's wire log was on, and left out").isPositive();
      assertThat(everything)
          .as("the capture saw the transport's own log lines")
          .contains("ExpiredTokenException")
          .contains("InvalidSignatureException");
      for (String secret : secrets) {
        assertThat(everything).doesNotContain(secret);
      }
    } finally {
      if (tracker != null) {
        tracker.close(1, TimeUnit.SECONDS);
      }
      System.setErr(originalErr);
      root.removeHandler(capture);
      root.setLevel(rootLevel);
    }
  }

  /** The n-th PutRecords: five kinds of failure first, then success. */
  private static FakeAwsServer.Answer putRecordsAnswer(int n, FakeAwsServer.Request request) {
    int entries = Json.getArray(request.json(), "Records").length();
    switch (n) {
      case 1:
        return FakeAwsServer.Answer.error(
            400, "ExpiredTokenException", "The security token included in the request is expired");
      case 2:
        // AWS quotes the canonical request it computed, security token included.
        return FakeAwsServer.Answer.error(
            400,
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided."
                + " The Canonical String for this request should have been 'POST\n/\n\n"
                + "x-amz-security-token:"
                + request.headers().get("x-amz-security-token")
                + "' with "
                + request.headers().get("authorization"));
      case 3:
        return FakeAwsServer.Answer.error(500, "InternalFailure", "internal failure");
      case 4:
        return FakeAwsServer.Answer.dropConnection();
      default:
        JSONArray records = new JSONArray();
        for (int i = 0; i < entries; i++) {
          records.put(
              n == 5 && i == 0
                  ? Json.object(
                      "ErrorCode",
                      "ProvisionedThroughputExceededException",
                      "ErrorMessage",
                      "Rate exceeded for " + request.headers().get("authorization"))
                  : Json.object("ShardId", "shardId-000000000000", "SequenceNumber", "" + n + i));
        }
        return FakeAwsServer.Answer.ok(
            Json.object("FailedRecordCount", n == 5 ? 1 : 0, "Records", records));
    }
  }
}
