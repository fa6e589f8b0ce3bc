package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tideline.proto.v1.Envelope;
import dev.tideline.sdk.sink.FileSink;
import dev.tideline.sdk.sink.SinkRecord;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.KplRecords;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {
  @TempDir Path dir;

  @Test
  void aTrackerWritesRecordsTheReaderGivesBackWithKeysAndData() throws Exception {
    File file = dir.resolve("events.tlrf").toFile();
    FileSink sink = FileSink.open(file);
    Harness harness = new Harness();
    Tracker tracker = harness.start(harness.builder().sink(sink));
    for (int i = 0; i < 50; i++) {
      tracker.log(Harness.payment(i));
    }
    tracker.close(1, TimeUnit.SECONDS);
    harness.scheduler.runDue();

    List<FileSink.FileRecord> records = FileSink.readAll(file);
    assertThat(records).hasSize(1);
    SinkRecord record = records.get(0).record();
    assertThat(record.explicitHashKey()).isNotNull();
    assertThat(KplRecords.isAggregated(record.data())).isTrue();
    List<Long> sequences = new ArrayList<>();
    for (dev.tideline.proto.kpl.Record sub : KplRecords.decode(record.data()).getRecordsList()) {
      sequences.add(Envelopes.decode(sub.getData()).getSequence());
    }
    assertThat(sequences).hasSize(50).startsWith(1L, 2L, 3L);
    assertThat(records.get(0).arrivalTimeMicros()).isPositive();
  }

  @Test
  void startsWithTheMagicAndVersionAndAppendsToAnExistingFile() throws Exception {
    File file = dir.resolve("append.tlrf").toFile();
    FileSink first = FileSink.open(file);
    first.putRecords("s", List.of(SinkRecord.of("k1", "a".getBytes(StandardCharsets.UTF_8))));
    first.close();
    FileSink second = FileSink.open(file);
    assertThat(
            second
                .putRecords("s", List.of(SinkRecord.of("k2", "170", new byte[] {1, 2})))
                .value()
                .entries()
                .get(0)
                .sequenceNumber())
        .isEqualTo("2");
    second.close();

    byte[] bytes = Files.readAllBytes(file.toPath());
    assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("TLRF");
    assertThat(bytes[4]).isZero();
    assertThat(bytes[5]).isEqualTo((byte) FileSink.VERSION);
    List<FileSink.FileRecord> records = FileSink.readAll(file);
    assertThat(records).extracting(r -> r.record().partitionKey()).containsExactly("k1", "k2");
    assertThat(records.get(0).record().explicitHashKey()).isNull();
    assertThat(records.get(1).record().explicitHashKey()).isEqualTo("170");
    assertThat(records.get(1).record().data()).containsExactly(1, 2);
  }

  @Test
  void ignoresATornLastRecordButRejectsACorruptOne() throws Exception {
    File file = dir.resolve("torn.tlrf").toFile();
    FileSink sink = FileSink.open(file);
    sink.putRecords("s", List.of(SinkRecord.of("k1", new byte[100])));
    sink.putRecords("s", List.of(SinkRecord.of("k2", new byte[100])));
    sink.close();
    long length = file.length();
    try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
      raf.setLength(length - 10);
    }
    assertThat(FileSink.readAll(file)).hasSize(1);

    try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
      raf.seek(30);
      raf.write(0x55);
    }
    assertThatThrownBy(() -> FileSink.readAll(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("CRC-32");
  }

  @Test
  void refusesAFileOfAnotherFormat() throws Exception {
    File file = dir.resolve("other.bin").toFile();
    Files.write(file.toPath(), "PK\u0003\u0004 not ours".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> FileSink.open(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a Tideline record file");
  }

  @Test
  void envelopesReadBackDecode() throws Exception {
    File file = dir.resolve("one.tlrf").toFile();
    Harness harness = new Harness();
    Tracker tracker = harness.start(harness.builder().sink(FileSink.open(file)));
    tracker.log(Harness.payment(7));
    tracker.close(1, TimeUnit.SECONDS);
    harness.scheduler.runDue();
    Envelope envelope = Envelopes.decode(FileSink.readAll(file).get(0).record().data());
    assertThat(envelope.getSchemaId()).isEqualTo(Harness.PAYMENT_SCHEMA_ID);
  }

  private static final byte[] HEADER = {'T', 'L', 'R', 'F', 0, 1};

  /** A file of three 100-byte records, and the offset of each. */
  private File threeRecords(String name, int[] offsets) throws Exception {
    File file = dir.resolve(name).toFile();
    FileSink sink = FileSink.open(file);
    for (int i = 0; i < 3; i++) {
      sink.putRecords("s", List.of(SinkRecord.of("k" + i, new byte[100])));
    }
    sink.close();
    byte[] bytes = Files.readAllBytes(file.toPath());
    int offset = HEADER.length;
    for (int i = 0; i < 3; i++) {
      offsets[i] = offset;
      offset += 8 + ByteBuffer.wrap(bytes, offset, 4).getInt();
    }
    return file;
  }

  /** A record with a matching CRC around a body whose data_length field says {@code dataLength}. */
  private static byte[] framedWithDataLength(int dataLength) {
    byte[] body =
        ByteBuffer.allocate(8 + 2 + 2 + 2 + 4 + 3)
            .putLong(1)
            .putShort((short) 2)
            .put(new byte[] {'p', 'k'})
            .putShort((short) 0)
            .putInt(dataLength)
            .put(new byte[] {1, 2, 3})
            .array();
    CRC32 crc = new CRC32();
    crc.update(body, 0, body.length);
    return ByteBuffer.allocate(8 + body.length)
        .putInt(body.length)
        .putInt((int) crc.getValue())
        .put(body)
        .array();
  }

  private File write(String name, byte[]... parts) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part, 0, part.length);
    }
    File file = dir.resolve(name).toFile();
    Files.write(file.toPath(), out.toByteArray());
    return file;
  }

  @Test
  void aFourteenByteFileWithALengthOf7fffffffFailsWithAnIOExceptionNotAnOutOfMemoryError()
      throws Exception {
    File file =
        write(
            "huge.tlrf",
            HEADER,
            new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0});

    assertThatThrownBy(() -> FileSink.readAll(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file + ": corrupt data at offset 6, after record 0")
        .hasMessageContaining("record length 2147483647 is outside 16..16777216");
    assertThatThrownBy(() -> FileSink.open(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("offset 6");
  }

  @Test
  void aDataLengthNearIntegerMaxValueOrNegativeFailsWithAnIOExceptionNamingTheOffset()
      throws Exception {
    for (int dataLength : new int[] {Integer.MAX_VALUE - 8, -1}) {
      File file = write("data-length.tlrf", HEADER, framedWithDataLength(dataLength));

      assertThatThrownBy(() -> FileSink.readAll(file))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(file + ": corrupt data at offset 6")
          .hasMessageContaining("data_length " + (dataLength & 0xffffffffL));
      assertThatThrownBy(() -> FileSink.open(file)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aFlippedBitInALengthIsCorruptionNotATornTail() throws Exception {
    int[] offsets = new int[3];
    File file = threeRecords("flipped.tlrf", offsets);
    try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
      raf.seek(offsets[1] + 1);
      raf.write(0x10); // the length grows by 1 MiB: past the end, but below 2^31
    }

    assertThatThrownBy(() -> FileSink.readAll(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            file + ": corrupt data at offset " + offsets[1] + ", after record 1: record length")
        .hasMessageContaining("the next valid record is at " + offsets[2]);
  }

  @Test
  void twoConcatenatedFilesAreBothRead() throws Exception {
    File one = threeRecords("one.tlrf", new int[3]);
    byte[] bytes = Files.readAllBytes(one.toPath());
    File twice = write("twice.tlrf", bytes, bytes);

    assertThat(FileSink.readAll(twice))
        .extracting(r -> r.record().partitionKey())
        .containsExactly("k0", "k1", "k2", "k0", "k1", "k2");
  }

  @Test
  void openCutsOffATornTailSoThatTheRecordsAppendedStayReadable() throws Exception {
    int[] offsets = new int[3];
    File file = threeRecords("torn.tlrf", offsets);
    try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
      raf.setLength(offsets[2] + 20);
    }

    FileSink sink = FileSink.open(file);
    sink.putRecords("s", List.of(SinkRecord.of("after", new byte[] {7})));
    sink.close();

    assertThat(FileSink.readAll(file))
        .extracting(r -> r.record().partitionKey())
        .containsExactly("k0", "k1", "after");
  }

  @Test
  void filesShorterThanTheHeaderAreCheckedAgainstItAndNamed() throws Exception {
    File notOurs = write("three.bin", new byte[] {'P', 'K', 3});
    assertThatThrownBy(() -> FileSink.readAll(notOurs))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(notOurs + " is not a Tideline record file");

    File cutShort = write("five.tlrf", Arrays.copyOf(HEADER, 5));
    assertThatThrownBy(() -> FileSink.open(cutShort))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(cutShort + " ends inside its 6-byte header (5 bytes)");
  }
}
