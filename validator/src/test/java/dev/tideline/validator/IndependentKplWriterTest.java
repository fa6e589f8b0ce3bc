package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.source.KinesisStreamReader;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * KPL aggregated records written by AWS's own Node.js aggregation library (npm {@code
 * aws-kinesis-agg}, pinned in tools/kinesis-agg) decode: our reading of the format is not only
 * checked against our own writer.
 */
@ExtendWith(LocalKinesisExtension.class)
@Timeout(180)
class IndependentKplWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path tools() {
    String root = System.getProperty("tideline.repo.root", "..");
    return Paths.get(root, "tools", "kinesis-agg").toAbsolutePath().normalize();
  }

  /** Runs the pinned aws-kinesis-agg over the records; installs it from the lockfile if needed. */
  static JsonNode aggregateWithAwsKinesisAgg(ArrayNode records) throws Exception {
    Path tools = tools();
    if (!Files.isDirectory(tools.resolve("node_modules/aws-kinesis-agg"))) {
      run(tools, List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"), null);
    }
    byte[] out = run(tools, List.of("node", "aggregate.js"), JSON.writeValueAsBytes(records));
    return JSON.readTree(out);
  }

  private static byte[] run(Path dir, List<String> command, byte[] stdin) throws Exception {
    File errors = Files.createTempFile("kinesis-agg", ".err").toFile();
    errors.deleteOnExit();
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectError(errors).start();
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    }
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(command + " did not finish in 120 s");
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          command
              + " exited with "
              + process.exitValue()
              + ": "
              + Files.readString(errors.toPath(), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void decodesRecordsAggregatedByAwsKinesisAggOnAStream(
      @TestStream(shards = 2) LocalKinesisStream stream, KinesisClient kinesis) throws Exception {
    Instant logged = Instant.now().minusSeconds(5);
    ArrayNode input = JSON.createArrayNode();
    for (int seq = 1; seq <= 50; seq++) {
      Envelope envelope =
          TestEvents.event(TestEvents.screenView("screen-" + seq), 11, seq, logged).build();
      ObjectNode record = input.addObject();
      record.put("partitionKey", "user-" + (seq % 7));
      record.put("data", Base64.getEncoder().encodeToString(envelope.toByteArray()));
    }

    JsonNode aggregated = aggregateWithAwsKinesisAgg(input);

    assertThat(aggregated.size()).isBetween(1, 5);
    List<PlantedScenario.Planted> records = new ArrayList<>();
    for (JsonNode record : aggregated) {
      records.add(
          new PlantedScenario.Planted(
              Base64.getDecoder().decode(record.get("data").asText()),
              record.get("partitionKey").asText(),
              record.hasNonNull("explicitHashKey")
                  ? record.get("explicitHashKey").asText()
                  : null));
    }
    StreamValidationTest.plant(kinesis, stream.name(), records);
    Validator validator = Validator.builder(TestEvents.REGISTRY).build();
    List<ValidatedEvent> events = new ArrayList<>();
    KinesisStreamReader.builder(kinesis, stream.name())
        .getRecordsPerSecond(5)
        .build()
        .read(
            record -> {
              RecordResult result =
                  validator.validate(
                      record.data(), record.partitionKey(), record.arrivalTime(), null);
              assertThat(result.aggregated()).isTrue();
              events.addAll(result.events());
            });

    assertThat(events).hasSize(50).allSatisfy(e -> assertThat(e.violations()).isEmpty());
    assertThat(events)
        .extracting(e -> e.envelope().getSequence())
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList());
    assertThat(events).extracting(ValidatedEvent::partitionKey).contains("user-0", "user-6");
  }
}
