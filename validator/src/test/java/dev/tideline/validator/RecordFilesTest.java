package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tideline.validator.cli.TidelineValidate;
import dev.tideline.validator.source.RecordFileSource;
import dev.tideline.validator.source.SourceRecord;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Files in the SDK file sink's format (docs/formats/file-sink.md) are read and validated. */
class RecordFilesTest {
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");

  @TempDir Path dir;

  /** Writes records as the file sink does: TLRF, version 1, then length, CRC-32 and body. */
  static byte[] recordFile(List<PlantedScenario.Planted> records, Instant arrival)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(new byte[] {'T', 'L', 'R', 'F'});
    out.writeShort(1);
    long micros = arrival.getEpochSecond() * 1_000_000L + arrival.getNano() / 1000;
    for (PlantedScenario.Planted record : records) {
      ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream();
      DataOutputStream body = new DataOutputStream(bodyBytes);
      byte[] key = record.partitionKey.getBytes(StandardCharsets.UTF_8);
      byte[] hashKey =
          record.explicitHashKey == null
              ? new byte[0]
              : record.explicitHashKey.getBytes(StandardCharsets.US_ASCII);
      body.writeLong(micros);
      body.writeShort(key.length);
      body.write(key);
      body.writeShort(hashKey.length);
      body.write(hashKey);
      body.writeInt(record.data.length);
      body.write(record.data);
      byte[] b = bodyBytes.toByteArray();
      CRC32 crc = new CRC32();
      crc.update(b, 0, b.length);
      out.writeInt(b.length);
      out.writeInt((int) crc.getValue());
      out.write(b);
    }
    return bytes.toByteArray();
  }

  @Test
  void readsEveryRecordOfAFileAndIgnoresATornLastRecord() throws Exception {
    List<PlantedScenario.Planted> planted = PlantedScenario.records(T);
    byte[] file = recordFile(planted, T.plusSeconds(2));
    Path torn = dir.resolve("torn.tlrf");
    Files.write(torn, Arrays.copyOf(file, file.length - 3));

    List<SourceRecord> read = new ArrayList<>();
    RecordFileSource.of(List.of(torn)).read(read::add);

    assertThat(read).hasSize(planted.size() - 1);
    assertThat(read.get(0).arrivalTime()).isEqualTo(T.plusSeconds(2));
    assertThat(read.get(0).partitionKey()).isEqualTo("producer-1");
    assertThat(read.get(0).data()).isEqualTo(planted.get(0).data);
    assertThat(read.get(6).explicitHashKey()).isEqualTo("0");
    assertThat(read.get(3).sequenceNumber()).isEqualTo("4");
  }

  @Test
  void refusesAFileOfAnotherFormat() throws Exception {
    Path other = dir.resolve("other.bin");
    Files.write(other, "PK\u0003\u0004 not a record file".getBytes(StandardCharsets.UTF_8));

    StringWriter err = new StringWriter();
    CommandLine cli = TidelineValidate.commandLine(new TidelineValidate());
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));

    assertThat(cli.execute("files", other.toString())).isEqualTo(TidelineValidate.EXIT_IO);
    assertThat(err.toString()).contains("is not a record file");
  }

  @Test
  void theFilesCommandReportsThePlantedNumbers() throws Exception {
    Path file = dir.resolve("events.tlrf");
    Files.write(file, recordFile(PlantedScenario.records(T), T.plusSeconds(2)));
    Path json = dir.resolve("report.json");
    Path text = dir.resolve("report.txt");
    CommandLine cli = TidelineValidate.commandLine(new TidelineValidate());
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));

    int exit =
        cli.execute(
            "files",
            file.toString(),
            "--report",
            json.toString(),
            "--report",
            text.toString(),
            "--fail-on",
            "rule_violation>=3,bad_checksum>50%");

    assertThat(exit).isZero();
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.at("/source").asText()).isEqualTo("files events.tlrf");
    assertThat(report.at("/totals/events").asLong()).isEqualTo(39);
    // A file is one pseudo-shard owning every hash key: no sub-record is outside it.
    assertThat(report.at("/totals/invalid_by_reason/outside_shard_range").isMissingNode()).isTrue();
    assertThat(report.at("/completeness/0/arrived_by/end+6h").asLong()).isZero();
    assertThat(Files.readString(text)).isEqualTo(out.toString());
  }

  @Test
  void refusesAFailOnConditionThatDoesNotParse() throws Exception {
    Path file = dir.resolve("events.tlrf");
    Files.write(file, recordFile(List.of(), T));
    StringWriter err = new StringWriter();
    CommandLine cli = TidelineValidate.commandLine(new TidelineValidate());
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("files", file.toString(), "--fail-on", "invalid~3")).isEqualTo(2);
    assertThat(err.toString()).contains("--fail-on condition 'invalid~3' does not parse");
  }
}
