package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.events.v1.Click;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.Platform;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.KplRecords;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bytes the SDK puts on the wire, pinned: compact envelopes as {@link EnvelopeWriter} writes
 * them, with sequence and send delay appended, alone and in a KPL aggregate. Any change to these
 * digests is a change of the wire format, which consumers of records already written would see: it
 * needs a decision, docs/formats/envelope.md, and a reader for the old form (the validator's {@code
 * EarlierEnvelopesTest} reads records of the envelope before the compact one).
 */
class WireBytesGoldenTest {
  private static final long EVENT_MICROS = 1_795_000_000_000_000L;
  private static final long OPENED = EVENT_MICROS + 1_000;
  private static final long BUILT = OPENED + 250_000;
  private static final byte[] PRODUCER_ID = {
    0x11,
    0x22,
    0x33,
    0x44,
    0x55,
    0x66,
    0x47,
    0x08,
    (byte) 0x89,
    0x0a,
    0x1b,
    0x2c,
    0x3d,
    0x4e,
    0x5f,
    0x60
  };

  private static EnvelopeWriter writer() {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("run", "golden");
    return new EnvelopeWriter(
        SchemaRegistry.fromClasspath(),
        Collections.<EventEncoder<?>>emptyList(),
        PRODUCER_ID,
        Context.newBuilder()
            .setAppId("shop")
            .setAppVersion("4.12.0")
            .setPlatform(Platform.ANDROID)
            .setSessionId("s-1")
            .build(),
        attributes,
        PiiPolicy.keepAll());
  }

  /** An accepted event of the writer's producer. */
  private static TrackedEvent event(EnvelopeWriter writer, int n, String partitionKey) {
    EnvelopeWriter.Encoded out = new EnvelopeWriter.Encoded();
    writer.encode(
        Click.newBuilder().setElementId("buy-" + n).setScreenName("cart").build(),
        EVENT_MICROS + n,
        out);
    assertThat(out.refusal).isNull();
    byte[] body = out.body;
    TrackedEvent event =
        new TrackedEvent(
            body,
            out.eventType,
            partitionKey,
            partitionKey.length(),
            EVENT_MICROS + n,
            java.nio.ByteBuffer.wrap(PRODUCER_ID).getLong(0),
            java.nio.ByteBuffer.wrap(PRODUCER_ID).getLong(8));
    event.accept(n, 0);
    ShardMap.hash(partitionKey, event);
    return event;
  }

  private static String sha256(byte[] data) throws Exception {
    StringBuilder out = new StringBuilder();
    for (byte b : MessageDigest.getInstance("SHA-256").digest(data)) {
      out.append(String.format("%02x", b));
    }
    return data.length + ":" + out;
  }

  @Test
  void aSingleCompactEnvelope() throws Exception {
    TrackedEvent event = event(writer(), 1, "device-1");

    assertThat(sha256(event.envelope()))
        .isEqualTo("91:4366f023fdfd5c6ec7ac3fef8bc235acc509f2f297ff581947f088beb306250b");
    OutRecord single = Aggregator.single(event, "lane", event.delayAt(BUILT));
    assertThat(single.record.partitionKey()).isEqualTo("device-1");
    assertThat(single.record.explicitHashKey()).isNull();
    assertThat(sha256(single.record.data()))
        .isEqualTo("95:0f33d5bd92152ad121a827a8fad661c5cb68fa891ebe5e612594932cec67b85a");
  }

  @Test
  void anAggregatedRecordOfCompactEnvelopes() throws Exception {
    EnvelopeWriter writer = writer();
    List<TrackedEvent> events = new ArrayList<>();
    events.add(event(writer, 1, "device-1"));
    events.add(event(writer, 2, "device-2"));
    events.add(event(writer, 3, "device-1"));
    events.add(event(writer, 300, "device-3"));
    Aggregator aggregator = new Aggregator(1 << 20, OPENED);
    for (TrackedEvent event : events) {
      assertThat(aggregator.tryAdd(event)).isTrue();
    }

    OutRecord record = aggregator.build("lane", BUILT);

    assertThat(record.aggregated).isTrue();
    assertThat(record.record.partitionKey()).isEqualTo("device-1");
    assertThat(record.record.explicitHashKey())
        .isEqualTo("277901890176008628857739572313990950024");
    AggregatedRecord aggregate = KplRecords.decode(record.record.data());
    for (int i = 0; i < events.size(); i++) {
      Envelope envelope = Envelopes.decode(aggregate.getRecords(i).getData());
      assertThat(envelope.getEventId().isEmpty()).isTrue();
      assertThat(envelope.getEventType()).isEmpty();
      assertThat(envelope.getSchemaId()).isNotZero();
      assertThat(envelope.getProducerId().toByteArray()).isEqualTo(PRODUCER_ID);
      assertThat(envelope.getSequence()).isEqualTo(events.get(i).sequence());
      assertThat(envelope.getEventTimeUs() + envelope.getSendDelayUs()).isEqualTo(BUILT);
    }
    assertThat(sha256(record.record.data()))
        .isEqualTo("457:bb5a8013577ed31fbdc242935e3e0a060ad5311a63a64cd89b71fa0a097a076e");
  }
}
