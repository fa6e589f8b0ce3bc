package dev.tideline.sdk.kinesis.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A loopback HTTP proxy in front of a Kinesis endpoint (the local Kinesis server) that records
 * every PutRecords request as it goes over the wire and injects faults into it, by a script the
 * test controls.
 *
 * <p>It reads and rewrites PutRecords bodies in both protocols the AWS SDK speaks to Kinesis: CBOR
 * ({@value #CBOR}, the SDK's default) and JSON ({@value #JSON}), with Jackson. For a {@link
 * Fault.Kind#FAIL_ENTRIES} fault it strips the failed entries before forwarding and merges the
 * server's answer for the forwarded entries with the injected errors, in request order, as Kinesis
 * answers a partial failure. Other operations (ListShards, DescribeStreamSummary, ...) are
 * forwarded unchanged and counted.
 *
 * <p>Faults apply to PutRecords calls in arrival order: first those {@linkplain #enqueue enqueued},
 * then the {@linkplain #otherwise fallback policy} (no fault by default).
 *
 * <p>Thread-safe. The local Kinesis server only checks that a request is signed, not the signature,
 * so rewritten bodies and the changed Host header are accepted.
 */
public final class FaultInjectingProxy implements AutoCloseable {
  /** The content type of the AWS SDK's default Kinesis protocol. */
  public static final String CBOR = "application/x-amz-cbor-1.1";

  /** The content type of the JSON protocol (the SDK with {@code aws.cborEnabled=false}). */
  public static final String JSON = "application/x-amz-json-1.1";

  private static final ObjectMapper CBOR_MAPPER = new CBORMapper();
  private static final ObjectMapper JSON_MAPPER = new ObjectMapper();

  /** Headers the JDK client sets itself, hop-by-hop headers, and checksums of rewritten bodies. */
  private static final Set<String> NOT_COPIED =
      Set.of(
          "host",
          "content-length",
          "connection",
          "expect",
          "upgrade",
          "transfer-encoding",
          "keep-alive",
          "date",
          "x-amz-crc32");

  private final URI target;
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient upstream;
  private final Map<String, AtomicInteger> operations = new ConcurrentHashMap<>();
  private final List<String> streamFields = new java.util.concurrent.CopyOnWriteArrayList<>();

  // Guarded by this.
  private final Deque<Fault> script = new ArrayDeque<>();
  private IntFunction<Fault> otherwise = index -> Fault.none();
  private final List<PutRecordsCall> calls = new ArrayList<>();
  private long linkFreeAtNanos = System.nanoTime();

  private FaultInjectingProxy(URI target) throws IOException {
    this.target = target;
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "fault-proxy-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.upstream =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(executor)
            .build();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts a proxy on a free loopback port in front of the endpoint.
   *
   * @param target the Kinesis endpoint, for example the local server's {@code httpEndpoint()}
   */
  public static FaultInjectingProxy start(URI target) {
    Objects.requireNonNull(target, "target");
    try {
      return new FaultInjectingProxy(target);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the fault-injecting proxy", e);
    }
  }

  /** The proxy's endpoint, to give a Kinesis client as its endpoint override. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Applies these faults, one each, to the next PutRecords calls, after those already enqueued. */
  public synchronized FaultInjectingProxy enqueue(Fault... faults) {
    for (Fault fault : faults) {
      script.add(Objects.requireNonNull(fault, "fault"));
    }
    return this;
  }

  /**
   * Decides the fault of every PutRecords call once the enqueued ones are used up; the function
   * gets the call's index (from 0). By default: no fault.
   */
  public synchronized FaultInjectingProxy otherwise(IntFunction<Fault> policy) {
    this.otherwise = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** A copy of the PutRecords calls received so far, in arrival order. */
  public synchronized List<PutRecordsCall> putRecordsCalls() {
    return List.copyOf(calls);
  }

  /** How many calls of an operation (for example {@code "ListShards"}) the proxy received. */
  public int operationCount(String operation) {
    AtomicInteger count = operations.get(operation);
    return count == null ? 0 : count.get();
  }

  /**
   * How each request named its stream, in arrival order: the operation and the field, for example
   * {@code "ListShards StreamARN"}, {@code "PutRecords StreamName"}, or {@code "ListShards -"} for
   * a request that names none (a ListShards page asked for by NextToken).
   */
  public List<String> streamFields() {
    return List.copyOf(streamFields);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = readAll(exchange.getRequestBody());
      String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String operation =
          amzTarget == null ? "?" : amzTarget.substring(amzTarget.lastIndexOf('.') + 1);
      operations.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
      JsonNode request =
          mapperFor(exchange.getRequestHeaders().getFirst("Content-Type")).readTree(body);
      streamFields.add(
          operation
              + (request != null && request.hasNonNull("StreamARN")
                  ? " StreamARN"
                  : request != null && request.hasNonNull("StreamName") ? " StreamName" : " -"));
      if (!operation.equals("PutRecords")) {
        relay(exchange, forward(exchange, body));
        return;
      }
      handlePutRecords(exchange, body);
    } catch (IOException | RuntimeException e) {
      // The client may have gone (it timed out); nothing to answer.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handlePutRecords(HttpExchange exchange, byte[] body)
      throws IOException, InterruptedException {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    ObjectMapper mapper = mapperFor(contentType);
    ObjectNode request = (ObjectNode) mapper.readTree(body);
    List<PutRecordsCall.Entry> entries = new ArrayList<>();
    for (JsonNode record : request.withArray("Records")) {
      entries.add(
          new PutRecordsCall.Entry(
              record.path("PartitionKey").asText(),
              record.hasNonNull("ExplicitHashKey") ? record.get("ExplicitHashKey").asText() : null,
              record.get("Data").binaryValue()));
    }
    String streamName =
        request.hasNonNull("StreamName")
            ? request.get("StreamName").asText()
            : request.path("StreamARN").asText();

    int index;
    Fault fault;
    synchronized (this) {
      index = calls.size();
      fault = script.isEmpty() ? otherwise.apply(index) : script.poll();
      calls.add(
          new PutRecordsCall(
              index, streamName, contentType, body.length, List.copyOf(entries), fault, List.of()));
    }

    switch (fault.kind()) {
      case NONE:
        answerForwarded(exchange, index, forward(exchange, body), mapper);
        break;
      case FAIL_ENTRIES:
        failEntries(exchange, index, request, entries.size(), fault, mapper);
        break;
      case HTTP_500:
        ObjectNode error = mapper.createObjectNode();
        error.put("__type", "InternalFailure");
        error.put("message", "Injected internal failure (HTTP 500).");
        exchange.getResponseHeaders().add("x-amzn-ErrorType", "InternalFailure");
        send(exchange, 500, contentType, mapper.writeValueAsBytes(error));
        break;
      case DELAY_AFTER_FORWARDING:
        HttpResponse<byte[]> late = forward(exchange, body);
        Thread.sleep(fault.delay().toMillis());
        answerForwarded(exchange, index, late, mapper);
        break;
      case SLOW_LINK_AFTER_FORWARDING:
        long doneAt = carry(body.length, fault.delay().toNanos());
        HttpResponse<byte[]> carried = forward(exchange, body);
        long wait = doneAt - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        answerForwarded(exchange, index, carried, mapper);
        break;
      case HOLD_AFTER_FORWARDING:
        HttpResponse<byte[]> held = forward(exchange, body);
        fault.release().await(1, TimeUnit.MINUTES);
        answerForwarded(exchange, index, held, mapper);
        break;
      case RESET_BEFORE_FORWARDING:
        // Closing before response headers were sent closes the connection (see HttpExchange).
        break;
      case RESET_AFTER_FORWARDING:
        forward(exchange, body);
        break;
      default:
        throw new IllegalStateException("unknown fault " + fault);
    }
  }

  /** Queues a body on the shared slow link; returns when the link will have carried it. */
  private synchronized long carry(int bytes, long nanosPerByte) {
    long start = Math.max(System.nanoTime(), linkFreeAtNanos);
    linkFreeAtNanos = start + bytes * nanosPerByte;
    return linkFreeAtNanos;
  }

  private void failEntries(
      HttpExchange exchange,
      int index,
      ObjectNode request,
      int entryCount,
      Fault fault,
      ObjectMapper mapper)
      throws IOException, InterruptedException {
    List<String> injected = new ArrayList<>(entryCount);
    ArrayNode forwardedRecords = mapper.createArrayNode();
    ArrayNode records = request.withArray("Records");
    for (int i = 0; i < entryCount; i++) {
      String code = fault.errorFor(i);
      injected.add(code);
      if (code == null) {
        forwardedRecords.add(records.get(i));
      }
    }
    ArrayNode realResults = mapper.createArrayNode();
    int realFailed = 0;
    if (!forwardedRecords.isEmpty()) {
      ObjectNode stripped = request.deepCopy();
      stripped.set("Records", forwardedRecords);
      HttpResponse<byte[]> response = forward(exchange, mapper.writeValueAsBytes(stripped));
      if (response.statusCode() != 200) {
        relay(exchange, response);
        return;
      }
      JsonNode answer = mapper.readTree(response.body());
      realResults = (ArrayNode) answer.withArray("Records");
      realFailed = answer.path("FailedRecordCount").asInt();
    }
    ObjectNode merged = mapper.createObjectNode();
    ArrayNode mergedRecords = merged.putArray("Records");
    List<String> errors = new ArrayList<>(entryCount);
    int nextReal = 0;
    int failed = realFailed;
    for (int i = 0; i < entryCount; i++) {
      String code = injected.get(i);
      if (code == null) {
        JsonNode real = realResults.get(nextReal++);
        mergedRecords.add(real);
        errors.add(real.hasNonNull("ErrorCode") ? real.get("ErrorCode").asText() : null);
      } else {
        failed++;
        mergedRecords.addObject().put("ErrorCode", code).put("ErrorMessage", messageFor(code));
        errors.add(code);
      }
    }
    merged.put("FailedRecordCount", failed);
    record(index, errors);
    send(
        exchange,
        200,
        exchange.getRequestHeaders().getFirst("Content-Type"),
        mapper.writeValueAsBytes(merged));
  }

  private void answerForwarded(
      HttpExchange exchange, int index, HttpResponse<byte[]> response, ObjectMapper mapper)
      throws IOException {
    if (response.statusCode() == 200) {
      List<String> errors = new ArrayList<>();
      for (JsonNode result : mapper.readTree(response.body()).withArray("Records")) {
        errors.add(result.hasNonNull("ErrorCode") ? result.get("ErrorCode").asText() : null);
      }
      record(index, errors);
    }
    relay(exchange, response);
  }

  private synchronized void record(int index, List<String> errors) {
    calls.set(index, calls.get(index).withAnswer(errors));
  }

  private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
            .timeout(Duration.ofSeconds(60))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!NOT_COPIED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
              }
            });
    return upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void relay(HttpExchange exchange, HttpResponse<byte[]> response)
      throws IOException {
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!NOT_COPIED.contains(name.toLowerCase(Locale.ROOT))) {
                exchange.getResponseHeaders().put(name, values);
              }
            });
    byte[] body = response.body();
    exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static ObjectMapper mapperFor(String contentType) {
    return contentType != null && contentType.startsWith("application/x-amz-cbor")
        ? CBOR_MAPPER
        : JSON_MAPPER;
  }

  private static String messageFor(String code) {
    return code.equals(Fault.THROTTLED)
        ? "Rate exceeded for shard (injected)."
        : "Internal service failure (injected).";
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }
}
