package dev.tideline.sdk.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.sdk.Completion;
import dev.tideline.sdk.kinesis.proxy.Fault;
import dev.tideline.sdk.kinesis.proxy.FaultInjectingProxy;
import dev.tideline.sdk.sink.EntryResult;
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.SinkRecord;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Secrets stay out of logs and listener messages, and TLS certificates are checked by default.
 *
 * <p>The logs captured are everything the test JVM logs while the tracker runs: java.util.logging
 * (the SDK's own logging) at every level through a root handler, and standard out and standard
 * error, where SLF4J's simple provider (the AWS SDK's logging, as tests configure it) writes.
 */
@ExtendWith(LocalKinesisExtension.class)
class SecretsAndTlsTest {
  private static final String ACCESS_KEY_ID = "ASIATIDELINETESTKEY1";
  private static final String SECRET_ACCESS_KEY = "tIdElInE/sEcReT+aCcEsS/kEy0123456789aBcDeF";
  private static final String SESSION_TOKEN =
      "FwoGZXIvYXdzEtIdElInE//sEsSiOn+ToKeN/ThAt/MuSt/NeVeR/LeAk/0123456789==";

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void signedCallsRetriesAndFailuresLogNoSecretTokenOrSignature(
      LocalKinesisStream stream, LocalKinesisServer server) throws Exception {
    FaultInjectingProxy proxy = closeLater(FaultInjectingProxy.start(server.httpEndpoint()));
    AtomicBoolean failing = new AtomicBoolean(true);
    Fault[] faults = {
      Fault.http500(),
      Fault.resetBeforeForwarding(),
      Fault.failAllEntries(Fault.THROTTLED),
      Fault.resetAfterForwarding()
    };
    proxy.otherwise(call -> failing.get() ? faults[call % faults.length] : Fault.none());
    Set<String> signatures = ConcurrentHashMap.newKeySet();
    KinesisAsyncClient client =
        closeLater(
            KinesisAsyncClient.builder()
                .endpointOverride(proxy.endpoint())
                .region(LocalKinesisServer.REGION)
                .credentialsProvider(
                    StaticCredentialsProvider.create(
                        AwsSessionCredentials.create(
                            ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN)))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                .overrideConfiguration(
                    KinesisSink.recommendedClientConfiguration().toBuilder()
                        .addExecutionInterceptor(new SignatureCollector(signatures))
                        .build())
                .build());

    String captured;
    FaultRun run;
    try (LogCapture capture = LogCapture.start()) {
      run =
          closeLater(
              FaultRun.start(
                  stream.name(),
                  KinesisSink.create(client),
                  b -> b.recordTtl(3, TimeUnit.SECONDS)));
      // Failing calls until the first events expire, then calls that go through.
      run.logMixed(0, 50);
      run.driveFor(Duration.ofSeconds(4), Duration.ofMillis(250));
      failing.set(false);
      run.logMixed(50, 100);
      run.flushAndClose(Duration.ofMinutes(1));
      captured = capture.text();
    }

    assertThat(signatures).as("signed requests seen").isNotEmpty();
    assertThat(proxy.putRecordsCalls().size()).as("calls, failed and retried").isGreaterThan(4);
    assertThat(run.deadLetterMessages()).as("failures the listener was told of").isNotEmpty();
    assertThat(run.tracker().metrics().eventsSent()).isPositive();
    assertThat(captured).as("what was logged").isNotBlank();
    List<String> told = new ArrayList<>(run.deadLetterMessages());
    told.add(captured);
    for (String text : told) {
      assertThat(text)
          .doesNotContain(SECRET_ACCESS_KEY)
          .doesNotContain(SESSION_TOKEN)
          .doesNotContain("Signature=");
      signatures.forEach(signature -> assertThat(text).doesNotContain(signature));
    }
  }

  @Test
  void theAwsSdksDefaultHttpClientChecksTheServersCertificate(
      LocalKinesisStream stream, LocalKinesisServer server) {
    // The local server's certificate is self-signed: a client that checks certificates refuses it.
    KinesisAsyncClient checking =
        closeLater(
            KinesisAsyncClient.builder()
                .endpointOverride(server.httpsEndpoint())
                .region(LocalKinesisServer.REGION)
                .credentialsProvider(server.credentials())
                .overrideConfiguration(KinesisSink.recommendedClientConfiguration())
                .build());
    EntryResult refused = putOne(KinesisSink.create(checking), stream.name());
    assertThat(refused.errorCode()).isEqualTo(ErrorCodes.TRANSPORT_ERROR);
    assertThat(refused.errorMessage()).containsAnyOf("PKIX", "certificate", "SSL");

    // The same endpoint with the checks off (test code only) takes the record.
    KinesisAsyncClient trusting =
        closeLater(Clients.asyncTrustingAnyCertificate(server, server.httpsEndpoint()));
    assertThat(putOne(KinesisSink.create(trusting), stream.name()).isSuccess()).isTrue();
  }

  private static EntryResult putOne(KinesisSink sink, String streamName) {
    Completion<PutRecordsResult> call =
        sink.putRecords(
            streamName, List.of(SinkRecord.of("key", "data".getBytes(StandardCharsets.UTF_8))));
    assertThat(call.await(1, TimeUnit.MINUTES)).isTrue();
    return call.value().entries().get(0);
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    toClose.add(closeable);
    return closeable;
  }

  /** Notes the signature of every request the client sends. */
  private static final class SignatureCollector implements ExecutionInterceptor {
    private final Set<String> signatures;

    SignatureCollector(Set<String> signatures) {
      this.signatures = signatures;
    }

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
      context
          .httpRequest()
          .firstMatchingHeader("Authorization")
          .ifPresent(
              header -> {
                int at = header.indexOf("Signature=");
                if (at >= 0) {
                  signatures.add(header.substring(at + "Signature=".length()).trim());
                }
              });
    }
  }

  /**
   * Everything logged while open: java.util.logging at every level (through a root handler, the
   * root level lowered to ALL) and standard out and error (SLF4J's simple provider).
   */
  private static final class LogCapture implements AutoCloseable {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final Logger root = Logger.getLogger("");
    private final Level rootLevel = root.getLevel();
    private final Handler handler =
        new Handler() {
          private final SimpleFormatter formatter = new SimpleFormatter();

          @Override
          public void publish(LogRecord record) {
            synchronized (bytes) {
              bytes.writeBytes(formatter.format(record).getBytes(StandardCharsets.UTF_8));
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };

    static LogCapture start() {
      LogCapture capture = new LogCapture();
      capture.handler.setLevel(Level.ALL);
      capture.root.addHandler(capture.handler);
      capture.root.setLevel(Level.ALL);
      System.setOut(capture.tee(capture.out));
      System.setErr(capture.tee(capture.err));
      return capture;
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }

    private PrintStream tee(PrintStream original) {
      return new PrintStream(
          new OutputStream() {
            @Override
            public void write(int b) {
              synchronized (bytes) {
                bytes.write(b);
              }
              original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
              synchronized (bytes) {
                bytes.write(b, off, len);
              }
              original.write(b, off, len);
            }
          },
          true,
          StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      System.setOut(out);
      System.setErr(err);
      root.removeHandler(handler);
      root.setLevel(rootLevel);
    }
  }
}
