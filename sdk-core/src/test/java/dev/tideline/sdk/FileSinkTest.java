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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
}
