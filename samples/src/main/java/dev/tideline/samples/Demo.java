package dev.tideline.samples;

import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The end-to-end demo on the local Kinesis: starts the server, creates a stream, puts a record and
 * reads it back.
 *
 * <p>Run it with {@code ./mvnw -B -q -Pdemo -DskipTests package}. It grows with the product: the
 * SDK logging events and the validator reporting on them come next.
 */
public final class Demo {
  static final String STREAM = "tideline-demo";

  private Demo() {}

  public static void main(String[] args) throws Exception {
    try (LocalKinesisServer server = LocalKinesisServer.start()) {
      run(server, System.out);
    }
  }

  /** Runs the demo against a server and returns the records it read back. */
  static List<String> run(LocalKinesisServer server, PrintStream out) {
    out.println("Tideline demo");
    out.println("  local Kinesis (kinesis-mock) listening on " + server.httpEndpoint());
    LocalKinesisStream stream = server.createStream(STREAM + "-" + System.nanoTime(), 2);
    out.println("  created stream " + stream.name() + " with " + stream.shardCount() + " shards");

    KinesisClient kinesis = server.client();
    String payload = "hello from Tideline";
    PutRecordResponse put =
        kinesis.putRecord(
            b ->
                b.streamName(stream.name())
                    .partitionKey("demo")
                    .data(SdkBytes.fromUtf8String(payload)));
    out.println(
        "  put 1 record into " + put.shardId() + " (sequence " + put.sequenceNumber() + ")");

    List<String> read = new ArrayList<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream.name())).shards()) {
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName(stream.name())
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      for (Record record : kinesis.getRecords(b -> b.shardIterator(iterator)).records()) {
        String data = record.data().asString(StandardCharsets.UTF_8);
        read.add(data);
        out.println("  read back from " + shard.shardId() + ": \"" + data + "\"");
      }
    }
    server.deleteStream(stream.name());
    out.println();
    out.println(
        "Coming next: the SDK logging typed events in KPL-aggregated records, and the validator"
            + " counting and checking them (see the open issues).");
    return read;
  }
}
