package dev.tideline.benchmarks.compare;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback stand-in for AWS STS that answers every request with a GetCallerIdentity response. The
 * KPL's native daemon calls GetCallerIdentity when it starts (to name streams by ARN) and exits
 * when that fails; it speaks only TLS, so a {@link LoopbackTls} terminator goes in front. The
 * account is kinesis-mock's default, 000000000000, so the stream ARNs the KPL builds name streams
 * the local Kinesis knows.
 *
 * <p>Thread-safe.
 */
final class StsStub implements AutoCloseable {
  /** The account the stub's caller belongs to: kinesis-mock's default account. */
  static final String ACCOUNT = "000000000000";

  // The response shape of "GetCallerIdentity" in the AWS STS API Reference (query protocol, XML).
  private static final byte[] RESPONSE =
      ("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
              + "<GetCallerIdentityResult>"
              + "<Arn>arn:aws:iam::"
              + ACCOUNT
              + ":user/bench</Arn>"
              + "<UserId>AIDABENCHMARK</UserId>"
              + "<Account>"
              + ACCOUNT
              + "</Account>"
              + "</GetCallerIdentityResult>"
              + "<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
              + "</ResponseMetadata>"
              + "</GetCallerIdentityResponse>")
          .getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final AtomicInteger calls = new AtomicInteger();

  private StsStub(HttpServer server) {
    this.server = server;
  }

  /** Starts the stub on a free loopback port (plain HTTP). */
  static StsStub start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    StsStub stub = new StsStub(server);
    server.createContext("/", stub::answer);
    server.start();
    return stub;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Requests answered so far. */
  int calls() {
    return calls.get();
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.readAllBytes();
    }
    calls.incrementAndGet();
    exchange.getResponseHeaders().set("Content-Type", "text/xml");
    exchange.sendResponseHeaders(200, RESPONSE.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(RESPONSE);
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
