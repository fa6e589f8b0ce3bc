package dev.tideline.wire;

import com.google.protobuf.ByteString;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.Platform;
import dev.tideline.proto.v1.SchemaFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the committed seed corpora of this module's fuzz tests: valid inputs from the real
 * encoders and damaged copies of them (truncated, a flipped bit, a length made huge). Off in the
 * normal build; regenerate with {@code ./mvnw -B -pl schema-registry test -Dtest=FuzzSeeds
 * -Dtideline.fuzz.writeSeeds=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "tideline.fuzz.writeSeeds", matches = "true")
class FuzzSeeds {
  static final Envelope ENVELOPE =
      Envelope.newBuilder()
          .setEventId(ByteString.copyFrom(new byte[16]))
          .setEventType("tideline.events.v1.Payment")
          .setFormat(SchemaFormat.PROTOBUF)
          .setSchemaId(0x8f5cffffa6154e46L)
          .setEventTimeUs(1_764_000_000_000_000L)
          .setProducerId(ByteString.copyFrom(new byte[16]))
          .setSequence(7)
          .setContext(Context.newBuilder().setPlatform(Platform.JVM).setAppVersion("1.2.3"))
          .setPayload(ByteString.copyFromUtf8("payload"))
          .putAttributes("test", "t-1")
          .build();

  static final AggregatedRecord AGGREGATE =
      AggregatedRecord.newBuilder()
          .addPartitionKeyTable("user-1")
          .addPartitionKeyTable("user-2")
          .addExplicitHashKeyTable("170141183460469231731687303715884105728")
          .addRecords(Record.newBuilder().setPartitionKeyIndex(0).setData(ENVELOPE.toByteString()))
          .addRecords(
              Record.newBuilder()
                  .setPartitionKeyIndex(1)
                  .setExplicitHashKeyIndex(0)
                  .setData(ByteString.copyFromUtf8("second")))
          .build();

  @Test
  void writeSeeds() throws IOException {
    byte[] envelope = Envelopes.encode(ENVELOPE);
    Path envelopes = inputs("EnvelopesFuzzTest");
    write(envelopes, "valid", envelope);
    write(
        envelopes,
        "valid-minimal",
        Envelopes.encode(ENVELOPE.toBuilder().clearContext().clearAttributes().build()));
    write(envelopes, "truncated", Arrays.copyOf(envelope, envelope.length / 2));
    write(envelopes, "flipped-bit", flip(envelope, 3));
    write(
        envelopes,
        "short-event-id",
        Envelopes.encode(
            ENVELOPE.toBuilder().setEventId(ByteString.copyFrom(new byte[3])).build()));

    byte[] aggregate = KplRecords.encode(AGGREGATE);
    Path kpl = inputs("KplRecordsFuzzTest");
    write(kpl, "valid", aggregate);
    write(kpl, "valid-empty", KplRecords.encode(AggregatedRecord.getDefaultInstance()));
    write(kpl, "truncated", Arrays.copyOf(aggregate, aggregate.length - 5));
    write(kpl, "flipped-bit-in-body", flip(aggregate, 10));
    write(
        kpl,
        "bad-key-index",
        KplRecords.encode(
            AGGREGATE.toBuilder()
                .setRecords(0, AGGREGATE.getRecords(0).toBuilder().setPartitionKeyIndex(9))
                .build()));
    write(kpl, "magic-only", KplRecords.magic());

    Path bodies = inputs("KplRecordsFuzzTest", "decodesOrRejectsAnyBodyWithItsDigest");
    byte[] body = AGGREGATE.toByteArray();
    write(bodies, "valid", body);
    write(bodies, "truncated", Arrays.copyOf(body, body.length - 5));
    write(bodies, "flipped-bit", flip(body, 10));
    write(
        bodies,
        "bad-key-index",
        AGGREGATE.toBuilder()
            .setRecords(0, AGGREGATE.getRecords(0).toBuilder().setPartitionKeyIndex(9))
            .build()
            .toByteArray());
    write(
        bodies,
        "bad-hash-key-index",
        AGGREGATE.toBuilder()
            .setRecords(1, AGGREGATE.getRecords(1).toBuilder().setExplicitHashKeyIndex(5))
            .build()
            .toByteArray());
  }

  static byte[] flip(byte[] bytes, int at) {
    byte[] copy = bytes.clone();
    copy[at] ^= 0x10;
    return copy;
  }

  private static Path inputs(String testClass) throws IOException {
    return inputs(testClass, "decodesOrRejectsAnyBytes");
  }

  private static Path inputs(String testClass, String method) throws IOException {
    Path dir = Paths.get("src/test/resources/dev/tideline/wire", testClass + "Inputs", method);
    Files.createDirectories(dir);
    return dir;
  }

  private static void write(Path dir, String name, byte[] bytes) throws IOException {
    Files.write(dir.resolve(name), bytes);
  }
}
