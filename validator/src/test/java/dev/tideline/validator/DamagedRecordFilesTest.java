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
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and hostile record files (docs/formats/file-sink.md, "Reading"): nothing is allocated
 * before a bounds check, a torn tail is reported, corruption is skipped up to the next valid record
 * and fails the run, and every error names the file and the offset.
 */
class DamagedRecordFilesTest {
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");
  private static final byte[] HEADER = {'T', 'L', 'R', 'F', 0, 1};

  @TempDir Path dir;

  private static ValidateCli cli(String... args) {
    return ValidateCli.run(args);
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    return file;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part, 0, part.length);
    }
    return out.toByteArray();
  }

  /** A record with a matching CRC around whatever body is given. */
  private static byte[] framed(byte[] body) {
    CRC32 crc = new CRC32();
    crc.update(body, 0, body.length);
    return ByteBuffer.allocate(8 + body.length)
        .putInt(body.length)
        .putInt((int) crc.getValue())
        .put(body)
        .array();
  }

  private static byte[] body(long arrivalMicros, String key, int dataLength, byte[] data)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream body = new DataOutputStream(bytes);
    body.writeLong(arrivalMicros);
    body.writeShort(key.length());
    body.writeBytes(key);
    body.writeShort(0);
    body.writeInt(dataLength);
    body.write(data);
    return bytes.toByteArray();
  }

  private static List<SourceRecord> read(RecordFileSource source) throws IOException {
    List<SourceRecord> read = new ArrayList<>();
    source.read(read::add);
    return read;
  }

  /** The offset of each record in a file from {@link RecordFilesTest#recordFile}. */
  private static List<Integer> offsets(byte[] file) {
    List<Integer> offsets = new ArrayList<>();
    int offset = HEADER.length;
    while (offset < file.length) {
      offsets.add(offset);
      offset += 8 + ByteBuffer.wrap(file, offset, 4).getInt();
    }
    return offsets;
  }

  @Test
  void aFourteenByteFileWithALengthOf7fffffffIsCorruptionNotAnOutOfMemoryError() throws Exception {
    Path file =
        write(
            "huge.tlrf",
            concat(HEADER, new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}));

    ValidateCli run = cli("files", file.toString());

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_IO);
    assertThat(run.err)
        .contains(file + ": corrupt data at offset 6, 8 bytes skipped")
        .contains("record length 2147483647 is outside 16..16777216");
  }

  @Test
  void aDataLengthNearIntegerMaxValueIsCorruptionNamingTheFileAndOffset() throws Exception {
    byte[] body = body(1, "pk", Integer.MAX_VALUE - 1, new byte[] {1, 2, 3});
    Path file = write("data-length.tlrf", concat(HEADER, framed(body)));

    ValidateCli run = cli("files", file.toString());

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_IO);
    assertThat(run.err)
        .contains(file + ": corrupt data at offset 6")
        .contains("data_length 2147483646 does not match the 3 bytes left");
  }

  @Test
  void aNegativeDataLengthIsNamedWithTheFileAndOffsetNotAsMinusOne() throws Exception {
    byte[] body = body(1, "pk", -1, new byte[] {1, 2, 3});
    Path file = write("negative.tlrf", concat(HEADER, framed(body)));

    ValidateCli run = cli("files", file.toString());

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_IO);
    assertThat(run.err)
        .doesNotContain("tideline-validate: -1")
        .contains(file + ": corrupt data at offset 6")
        .contains("data_length 4294967295");
  }

  @Test
  void aZeroLengthRecordBreaksTheFormatsMinimumOf16AndIsNamed() throws Exception {
    byte[] planted = RecordFilesTest.recordFile(PlantedScenario.records(T), T);
    Path file =
        write(
            "zero.tlrf",
            concat(planted, framed(new byte[0]), Arrays.copyOfRange(planted, 6, planted.length)));

    ValidateCli run = cli("files", file.toString(), "--quiet");

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_IO);
    assertThat(run.err)
        .doesNotContain("null")
        .contains(file + ": corrupt data at offset " + planted.length + ", 8 bytes skipped")
        .contains("record length 0 is outside 16..");
    assertThat(read(RecordFileSource.of(List.of(file))))
        .hasSize(2 * PlantedScenario.records(T).size());
  }

  @Test
  void aFlippedBitInALengthIsCorruptionAndEveryRecordAfterItIsStillRead() throws Exception {
    List<PlantedScenario.Planted> planted = PlantedScenario.records(T);
    byte[] file = RecordFilesTest.recordFile(planted, T);
    int third = offsets(file).get(2);
    int thirdSize = offsets(file).get(3) - third;
    file[third + 1] ^= 0x10; // + 1 MiB: longer than what remains, but below 2^31
    Path path = write("flipped.tlrf", file);
    RecordFileSource source = RecordFileSource.of(List.of(path));

    List<SourceRecord> read = read(source);

    assertThat(read).hasSize(planted.size() - 1);
    assertThat(read.get(2).data()).isEqualTo(planted.get(3).data);
    assertThat(read.get(2).sequenceNumber()).isEqualTo("3");
    assertThat(source.damage())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.kind()).isEqualTo("corrupt");
              assertThat(d.offset()).isEqualTo(third);
              assertThat(d.bytes()).isEqualTo(thirdSize);
              assertThat(d.afterRecord()).isEqualTo(2);
            });

    Path json = dir.resolve("report.json");
    ValidateCli run =
        cli(
            "files",
            path.toString(),
            "--report",
            json.toString(),
            "--fail-on",
            "invalid>0,malformed>0");
    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_IO);
    assertThat(run.err).contains("reading resumed at offset " + (third + thirdSize));
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.at("/source_damage/corrupt").asLong()).isEqualTo(1);
    assertThat(report.at("/source_damage/bytes_skipped").asLong()).isEqualTo(thirdSize);
    assertThat(report.at("/source_damage/regions/0/offset").asLong()).isEqualTo(third);
    assertThat(report.at("/totals/records").asLong()).isEqualTo(planted.size() - 1);
  }

  @Test
  void twoConcatenatedFilesAreBothRead() throws Exception {
    List<PlantedScenario.Planted> planted = PlantedScenario.records(T);
    byte[] one = RecordFilesTest.recordFile(planted, T);
    RecordFileSource source = RecordFileSource.of(List.of(write("twice.tlrf", concat(one, one))));

    List<SourceRecord> read = read(source);

    assertThat(read).hasSize(2 * planted.size());
    assertThat(read.get(planted.size()).data()).isEqualTo(planted.get(0).data);
    assertThat(read.get(planted.size()).sequenceNumber())
        .isEqualTo(Integer.toString(planted.size() + 1));
    assertThat(source.damage()).isEmpty();
  }

  @Test
  void aHeaderFollowedBy100KilobytesOfGarbageFailsInsteadOfReportingZeroRecords() throws Exception {
    byte[] garbage = new byte[100_000];
    new Random(14).nextBytes(garbage);
    Path file = write("garbage.tlrf", concat(HEADER, garbage));
    Path json = dir.resolve("report.json");

    ValidateCli run = cli("files", file.toString(), "--report", json.toString());

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_IO);
    assertThat(run.err)
        .contains(file + ": corrupt data at offset 6, 100000 bytes skipped")
        .contains("no valid record follows");
    assertThat(run.out).contains("Source damage: 0 torn tails, 1 corrupt regions, 100000 bytes");
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.at("/source_damage/corrupt").asLong()).isEqualTo(1);
  }

  @Test
  void aTornTailIsReportedWithItsPositionAndCanFailTheRun() throws Exception {
    List<PlantedScenario.Planted> planted = PlantedScenario.records(T);
    byte[] whole = RecordFilesTest.recordFile(planted, T);
    int last = offsets(whole).get(planted.size() - 1);
    Path file = write("torn.tlrf", Arrays.copyOf(whole, whole.length - 3));
    Path json = dir.resolve("report.json");

    Path html = dir.resolve("report.html");
    ValidateCli passing =
        cli("files", file.toString(), "--report", json.toString(), "--report", html.toString());

    assertThat(passing.exit).isZero();
    String expected =
        file
            + ": torn tail at offset "
            + last
            + ", "
            + (whole.length - 3 - last)
            + " bytes skipped after record "
            + (planted.size() - 1);
    assertThat(passing.err).contains("tideline-validate: warning: " + expected);
    assertThat(passing.out).contains("Source damage: 1 torn tails").contains(expected);
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.at("/source_damage/torn_tails").asLong()).isEqualTo(1);
    assertThat(report.at("/source_damage/regions/0/kind").asText()).isEqualTo("torn_tail");
    assertThat(report.at("/source_damage/regions/0/offset").asLong()).isEqualTo(last);
    assertThat(report.at("/source_damage/regions/0/bytes").asLong())
        .isEqualTo(whole.length - 3 - last);
    assertThat(Files.readString(html)).contains("<h2>Source damage</h2>").contains(expected);

    ValidateCli gated = cli("files", file.toString(), "--quiet", "--fail-on", "torn_tail>0");

    assertThat(gated.exit).isEqualTo(TidelineValidate.EXIT_THRESHOLD);
    assertThat(gated.err).contains("FAILED: torn_tail>0 (measured 1)");
  }

  @Test
  void filesOfOneToFiveBytesAreCheckedAgainstTheHeaderNotTakenAsEmpty() throws Exception {
    Path notOurs = write("three.tlrf", new byte[] {'P', 'K', 3});
    ValidateCli refused = cli("files", notOurs.toString());
    assertThat(refused.exit).isEqualTo(TidelineValidate.EXIT_IO);
    assertThat(refused.err)
        .contains(
            notOurs + " is not a record file: it does not start with TLRF (offset 0: 50 4B 03)");

    Path cutShort = write("five.tlrf", new byte[] {'T', 'L', 'R', 'F', 0});
    ValidateCli torn = cli("files", cutShort.toString(), "--quiet");
    assertThat(torn.exit).isZero();
    assertThat(torn.err)
        .doesNotContain("null")
        .contains(cutShort + ": torn tail at offset 0, 5 bytes skipped after record 0")
        .contains("the file ends inside its 6-byte header");
  }

  @Test
  void anArrivalTimeOfLongMinValueIsValidatedWithoutOverflow() throws Exception {
    byte[] data = PlantedScenario.records(T).get(0).data;
    Path file =
        write("min.tlrf", concat(HEADER, framed(body(Long.MIN_VALUE, "pk", data.length, data))));

    ValidateCli run = cli("files", file.toString(), "--quiet");

    assertThat(run.err).doesNotContain("overflow");
    assertThat(run.exit).isZero();
  }
}
