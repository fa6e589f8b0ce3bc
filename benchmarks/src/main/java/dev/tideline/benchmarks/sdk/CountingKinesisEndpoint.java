package dev.tideline.benchmarks.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tideline.wire.HashKeys;
import dev.tideline.wire.KplRecords;
import dev.tideline.wire.MalformedRecordException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A loopback Kinesis endpoint for volume benchmarks (docs/architecture.md, "Kinesis on loopback"):
 * it accepts PutRecords in CBOR (the AWS SDK's default) and JSON, answers every entry with success,
 * stores nothing, and counts requests, records, bytes, PUT payload units and the events inside the
 * records (deaggregating KPL records). It also answers ListShards (shards of equal hash key ranges)
 * and DescribeStreamSummary, so a {@code KinesisSink} runs against it unchanged.
 *
 * <p>kinesis-mock slows down as a stream fills; this endpoint costs the same for every request, so
 * a benchmark measures the producer, not the server.
 *
 * <p>Thread-safe. Run it alone with {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tideline.benchmarks.sdk.CountingKinesisEndpoint [port] [shards]}.
 */
public final class CountingKinesisEndpoint implements AutoCloseable {
  /** A PUT payload unit: 25 KiB of a record, rounded up ("Amazon Kinesis Data Streams pricing"). */
  public static final int PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;

  /**
   * The control path, for a driver in another process: {@code GET /counts} answers the counts as
   * JSON, {@code GET /counts?reset} answers them and sets them to zero. Kinesis clients post to
   * {@code /}, so the two never meet.
   */
  public static final String COUNTS_PATH = "/counts";

  private static final ObjectMapper CBOR = new CBORMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final int shards;
  private final AtomicLong sequence = new AtomicLong();

  private final LongAdder requests = new LongAdder();
  private final LongAdder records = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder putPayloadUnits = new LongAdder();
  private final LongAdder events = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private final LongAdder listShardsCalls = new LongAdder();

  private CountingKinesisEndpoint(int port, int shards) throws IOException {
    this.shards = shards;
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            4,
            runnable -> {
              Thread thread = new Thread(runnable, "counting-kinesis-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.createContext(COUNTS_PATH, this::counts);
    server.start();
  }

  /**
   * Starts an endpoint on loopback.
   *
   * @param port the port, or 0 for a free one
   * @param shards how many shards ListShards reports, 1 or more
   */
  public static CountingKinesisEndpoint start(int port, int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be positive, was " + shards);
    }
    try {
      return new CountingKinesisEndpoint(port, shards);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the counting endpoint on port " + port, e);
    }
  }

  /** The endpoint, for a Kinesis client's endpoint override. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** PutRecords calls received. */
  public long requests() {
    return requests.sum();
  }

  /** Kinesis records received. */
  public long records() {
    return records.sum();
  }

  /** Bytes of data plus partition keys received (what Kinesis bills and limits). */
  public long bytes() {
    return bytes.sum();
  }

  /** PUT payload units: each record's data plus partition key in 25 KiB units, rounded up. */
  public long putPayloadUnits() {
    return putPayloadUnits.sum();
  }

  /** Events: sub-records of KPL aggregated records, plus one per plain record. */
  public long events() {
    return events.sum();
  }

  /**
   * ListShards calls answered: a producer that aggregates per shard has its shard map once this is
   * positive.
   */
  public long listShardsCalls() {
    return listShardsCalls.sum();
  }

  /** Records that start with the KPL magic but do not decode. */
  public long malformedRecords() {
    return malformed.sum();
  }

  @Override
  public String toString() {
    return "requests="
        + requests()
        + " records="
        + records()
        + " bytes="
        + bytes()
        + " putPayloadUnits="
        + putPayloadUnits()
        + " events="
        + events()
        + " malformed="
        + malformedRecords();
  }

  /** The counts as a JSON object, with the field names of their accessors. */
  public ObjectNode countsAsJson() {
    ObjectNode counts = JSON.createObjectNode();
    counts.put("requests", requests());
    counts.put("records", records());
    counts.put("bytes", bytes());
    counts.put("putPayloadUnits", putPayloadUnits());
    counts.put("events", events());
    counts.put("malformedRecords", malformedRecords());
    counts.put("listShardsCalls", listShardsCalls());
    return counts;
  }

  /** Sets every count to zero, between runs. Not atomic with requests in flight. */
  public void reset() {
    for (LongAdder counter :
        new LongAdder[] {
          requests, records, bytes, putPayloadUnits, events, malformed, listShardsCalls
        }) {
      counter.reset();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void counts(HttpExchange exchange) throws IOException {
    try {
      ObjectNode counts = countsAsJson();
      String query = exchange.getRequestURI().getQuery();
      if (query != null && query.startsWith("reset")) {
        reset();
      }
      send(exchange, 200, "application/json", JSON.writeValueAsBytes(counts));
    } finally {
      exchange.close();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      ObjectMapper mapper =
          contentType != null && contentType.startsWith("application/x-amz-cbor") ? CBOR : JSON;
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String operation = target == null ? "" : target.substring(target.lastIndexOf('.') + 1);
      JsonNode request = mapper.readTree(body);
      ObjectNode answer = mapper.createObjectNode();
      switch (operation) {
        case "PutRecords":
          putRecords(request, answer);
          break;
        case "ListShards":
          listShardsCalls.increment();
          listShards(answer);
          break;
        case "DescribeStreamSummary":
          answer
              .putObject("StreamDescriptionSummary")
              .put("StreamName", request.path("StreamName").asText("stream"))
              .put("StreamStatus", "ACTIVE")
              .put("OpenShardCount", shards);
          break;
        default:
          answer.put("__type", "UnknownOperationException");
          answer.put("message", "the counting endpoint does not serve " + operation);
          send(exchange, 400, contentType, mapper.writeValueAsBytes(answer));
          return;
      }
      send(exchange, 200, contentType, mapper.writeValueAsBytes(answer));
    } finally {
      exchange.close();
    }
  }

  private void putRecords(JsonNode request, ObjectNode answer) throws IOException {
    requests.increment();
    ArrayNode results = answer.putArray("Records");
    for (JsonNode entry : request.path("Records")) {
      byte[] data = entry.path("Data").binaryValue();
      int billed =
          data.length + entry.path("PartitionKey").asText().getBytes(StandardCharsets.UTF_8).length;
      records.increment();
      bytes.add(billed);
      putPayloadUnits.add((billed + PUT_PAYLOAD_UNIT_BYTES - 1) / PUT_PAYLOAD_UNIT_BYTES);
      if (KplRecords.isAggregated(data)) {
        try {
          events.add(KplRecords.decode(data).getRecordsCount());
        } catch (MalformedRecordException e) {
          malformed.increment();
        }
      } else {
        events.increment();
      }
      // The shard Kinesis would store the record in, so a tracker sees its prediction confirmed.
      BigInteger hashKey =
          entry.hasNonNull("ExplicitHashKey")
              ? new BigInteger(entry.get("ExplicitHashKey").asText())
              : md5(entry.path("PartitionKey").asText());
      results
          .addObject()
          .put("ShardId", shardId(shardIndex(hashKey)))
          .put("SequenceNumber", Long.toString(1_000_000_000L + sequence.incrementAndGet()));
    }
    answer.put("FailedRecordCount", 0);
  }

  /** The first hash key of shard i: 2^128 * i / shards, rounded down. */
  private BigInteger start(int i) {
    return BigInteger.ONE
        .shiftLeft(128)
        .multiply(BigInteger.valueOf(i))
        .divide(BigInteger.valueOf(shards));
  }

  private int shardIndex(BigInteger hashKey) {
    int index = shards - 1;
    while (index > 0 && start(index).compareTo(hashKey) > 0) {
      index--;
    }
    return index;
  }

  private void listShards(ObjectNode answer) {
    ArrayNode list = answer.putArray("Shards");
    for (int i = 0; i < shards; i++) {
      BigInteger start = start(i);
      BigInteger end =
          (i + 1 == shards ? BigInteger.ONE.shiftLeft(128) : start(i + 1)).subtract(BigInteger.ONE);
      ObjectNode shard = list.addObject();
      shard.put("ShardId", shardId(i));
      shard
          .putObject("HashKeyRange")
          .put("StartingHashKey", start.toString())
          .put("EndingHashKey", end.toString());
      shard.putObject("SequenceNumberRange").put("StartingSequenceNumber", "1");
    }
  }

  private static String shardId(int index) {
    return String.format("shardId-%012d", index);
  }

  private static BigInteger md5(String partitionKey) {
    return HashKeys.of(partitionKey);
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("x-amzn-RequestId", Long.toHexString(System.nanoTime()));
    if (status != 200) {
      exchange.getResponseHeaders().set("x-amzn-ErrorType", "UnknownOperationException");
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /**
   * Runs an endpoint until the process is stopped, printing its counts every 10 seconds; another
   * process reads and resets them at {@link #COUNTS_PATH}.
   */
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 4567;
    int shards = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    try (CountingKinesisEndpoint endpoint = start(port, shards)) {
      System.out.println(
          "counting Kinesis endpoint on "
              + endpoint.endpoint()
              + "; counts at "
              + endpoint.endpoint()
              + COUNTS_PATH);
      while (true) {
        Thread.sleep(10_000);
        System.out.println(endpoint);
      }
    }
  }
}
