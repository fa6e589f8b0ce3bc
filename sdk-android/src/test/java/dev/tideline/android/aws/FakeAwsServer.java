package dev.tideline.android.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.json.JSONObject;

/**
 * A real HTTP server on loopback that answers AWS JSON calls from a script, and records what it
 * received: for tests of what goes over the wire, without mocks of our own classes.
 */
final class FakeAwsServer implements AutoCloseable {
  private final HttpServer server;
  private final Deque<Function<Request, Answer>> script = new ConcurrentLinkedDeque<>();
  private final List<Request> requests = new ArrayList<>();
  private volatile Function<Request, Answer> fallback =
      request -> Answer.error(500, "InternalFailure", "no answer scripted");

  private FakeAwsServer(HttpServer server) {
    this.server = server;
  }

  static FakeAwsServer start() throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    FakeAwsServer fake = new FakeAwsServer(http);
    http.createContext("/", fake::handle);
    http.setExecutor(Executors.newCachedThreadPool());
    http.start();
    return fake;
  }

  /** {@code http://127.0.0.1:port}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers the next request so. */
  FakeAwsServer then(Function<Request, Answer> answer) {
    script.addLast(answer);
    return this;
  }

  /** Answers every request after the script so. */
  FakeAwsServer otherwise(Function<Request, Answer> answer) {
    this.fallback = answer;
    return this;
  }

  List<Request> requests() {
    synchronized (requests) {
      return new ArrayList<>(requests);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    Map<String, String> headers = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
    Request request =
        new Request(
            exchange.getRequestMethod(),
            exchange.getRequestURI().toString(),
            headers,
            bytes,
            headers.getOrDefault("x-amz-target", ""));
    synchronized (requests) {
      requests.add(request);
    }
    Function<Request, Answer> next = script.pollFirst();
    Answer answer = (next == null ? fallback : next).apply(request);
    if (answer.hold != null) {
      try {
        answer.hold.await(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (answer.status < 0) {
      exchange.close(); // drop the connection without an answer
      return;
    }
    byte[] out = answer.body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.sendResponseHeaders(answer.status, out.length == 0 ? -1 : out.length);
    try (OutputStream stream = exchange.getResponseBody()) {
      stream.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  /** A request received. */
  record Request(
      String method, String uri, Map<String, String> headers, byte[] body, String target) {
    JSONObject json() {
      return Json.parse(new String(body, StandardCharsets.UTF_8));
    }

    /** The signature of its Authorization header, or null. */
    String signature() {
      String authorization = headers.get("authorization");
      if (authorization == null) {
        return null;
      }
      return authorization.substring(authorization.indexOf("Signature=") + "Signature=".length());
    }
  }

  /** An answer: a status and a JSON body; a negative status drops the connection. */
  record Answer(int status, String body, CountDownLatch hold) {
    static Answer ok(JSONObject body) {
      return new Answer(200, body.toString(), null);
    }

    static Answer ok(String body) {
      return new Answer(200, body, null);
    }

    static Answer error(int status, String code, String message) {
      return new Answer(status, Json.object("__type", code, "message", message).toString(), null);
    }

    static Answer dropConnection() {
      return new Answer(-1, "", null);
    }

    /** This answer, sent once the latch opens. */
    Answer heldUntil(CountDownLatch latch) {
      return new Answer(status, body, latch);
    }
  }
}
