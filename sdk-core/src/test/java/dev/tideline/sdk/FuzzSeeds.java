package dev.tideline.sdk;

import dev.tideline.sdk.sink.FileSink;
import dev.tideline.sdk.sink.SinkRecord;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes the committed seed corpora of this module's fuzz tests ({@code FileSinkFuzzTest}, {@link
 * SpoolRecoveryFuzzTest}): files written by the real {@link FileSink} and {@link Spool}, and
 * damaged copies of them (a torn tail, a flipped bit, a huge length, trailing garbage). Off in the
 * normal build; regenerate with {@code ./mvnw -B -pl sdk-core test -Dtest=FuzzSeeds
 * -Dtideline.fuzz.writeSeeds=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "tideline.fuzz.writeSeeds", matches = "true")
class FuzzSeeds {
  @TempDir Path temp;

  @Test
  void writeFileSinkSeeds() throws IOException {
    File file = temp.resolve("events.tlrf").toFile();
    FileSink sink = FileSink.open(file);
    sink.putRecords(
        "s",
        Arrays.asList(
            SinkRecord.of("user-1", "first".getBytes(StandardCharsets.UTF_8)),
            SinkRecord.of(
                "user-2",
                "170141183460469231731687303715884105728",
                "second".getBytes(StandardCharsets.UTF_8))));
    sink.close();
    byte[] valid = Files.readAllBytes(file.toPath());
    Path dir = inputs("sink/FileSinkFuzzTestInputs/readsOrRejectsAnyFile");
    write(dir, "valid", valid);
    write(dir, "header-only", Arrays.copyOf(valid, 6));
    write(dir, "concatenated", concat(valid, valid));
    write(dir, "torn-tail", Arrays.copyOf(valid, valid.length - 3));
    write(dir, "flipped-bit", flip(valid, 20));
    byte[] huge = valid.clone();
    ByteBuffer.wrap(huge).putInt(6, 0x7FFFFFFF);
    write(dir, "huge-length", Arrays.copyOf(huge, 14));
    write(
        dir,
        "trailing-garbage",
        concat(valid, "not a record at all, really".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void writeSpoolSeeds() throws IOException {
    File dir = temp.resolve("spool").toFile();
    try (Spool spool = Spool.open(dir, SpoolFiles.REAL, 1 << 20, 64 * 1024, new byte[16])) {
      long first = 0;
      for (long sequence = 1; sequence <= 4; sequence++) {
        byte[] envelope = ("envelope " + sequence).getBytes(StandardCharsets.UTF_8);
        long position =
            spool.append(
                sequence,
                ("k" + sequence % 2).getBytes(StandardCharsets.UTF_8),
                envelope,
                envelope.length);
        if (sequence == 1) {
          first = position;
        }
      }
      spool.commit();
      spool.publish();
      spool.release(first, 1); // an acknowledgement frame follows with the next commit
      spool.commit();
      spool.publish();
    }
    byte[] valid = Files.readAllBytes(new File(dir, SpoolRecoveryFuzzTest.SEGMENT).toPath());
    Path out = inputs("SpoolRecoveryFuzzTestInputs/recoversAnySegmentReadingOnlySoundFrames");
    write(out, "valid", valid);
    write(out, "header-only", Arrays.copyOf(valid, SpoolFormat.HEADER_BYTES));
    write(out, "torn-tail", Arrays.copyOf(valid, valid.length - 5));
    write(out, "flipped-bit-in-first-body", flip(valid, SpoolFormat.HEADER_BYTES + 20));
    write(out, "flipped-bit-in-header", flip(valid, 10));
    byte[] huge = valid.clone();
    ByteBuffer.wrap(huge).putInt(SpoolFormat.HEADER_BYTES, 0x7FFFFFFF);
    write(out, "huge-length", huge);
    byte[] garbage = new byte[300];
    Arrays.fill(garbage, (byte) 0x5A);
    write(
        out,
        "garbage-between-frames",
        concat(
            Arrays.copyOf(valid, SpoolFormat.HEADER_BYTES),
            garbage,
            Arrays.copyOfRange(valid, SpoolFormat.HEADER_BYTES, valid.length)));
  }

  private static byte[] flip(byte[] bytes, int at) {
    byte[] copy = bytes.clone();
    copy[at] ^= 0x10;
    return copy;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part, 0, part.length);
    }
    return out.toByteArray();
  }

  private static Path inputs(String under) throws IOException {
    Path dir = Paths.get("src/test/resources/dev/tideline/sdk", under);
    Files.createDirectories(dir);
    return dir;
  }

  private static void write(Path dir, String name, byte[] bytes) throws IOException {
    Files.write(dir.resolve(name), bytes);
  }
}
