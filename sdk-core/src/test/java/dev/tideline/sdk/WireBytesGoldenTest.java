package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.events.v1.Click;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Platform;
import dev.tideline.schema.SchemaRegistry;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bytes the SDK puts on the wire, pinned: envelopes as {@link EnvelopeWriter} writes them, with
 * sequence and sent time appended, alone and in a KPL aggregate. The digests were taken from the
 * code as it was before the wire format got its one home (dev.tideline.wire), so any change to them
 * is a change of the wire format, which consumers of records already written would see.
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

  /** An accepted event with a fixed event id (the writer draws a random one). */
  private static TrackedEvent event(EnvelopeWriter writer, int n, String partitionKey) {
    EnvelopeWriter.Encoded out = new EnvelopeWriter.Encoded();
    writer.encode(
        Click.newBuilder().setElementId("buy-" + n).setScreenName("cart").build(),
        EVENT_MICROS + n,
        out);
    assertThat(out.refusal).isNull();
    byte[] body = out.body;
    // Field 1 (event_id, 16 bytes) comes first: bytes 2 to 17 are the random id.
    for (int i = 0; i < 16; i++) {
      body[2 + i] = (byte) (n * 16 + i);
    }
    TrackedEvent event =
        new TrackedEvent(
            body,
            out.eventType,
            partitionKey,
            partitionKey.length(),
            EVENT_MICROS + n,
            out.idHigh,
            out.idLow);
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
  void aSingleEnvelopeIsWrittenAsBefore() throws Exception {
    TrackedEvent event = event(writer(), 1, "device-1");

    assertThat(sha256(event.envelope()))
        .isEqualTo("137:9b60c409b9a14a6fec3eecd0b4c3443afd7f673342d8939d463f635f0fd2635a");
    OutRecord single = Aggregator.single(event, "lane", BUILT);
    assertThat(single.record.partitionKey()).isEqualTo("device-1");
    assertThat(single.record.explicitHashKey()).isNull();
    assertThat(sha256(single.record.data()))
        .isEqualTo("146:d755d2a294ec2fc22c791a65b6fb1f66e0220504fed2ea6b9a3a4cf28253e8cf");
  }

  @Test
  void anAggregatedRecordIsWrittenAsBefore() throws Exception {
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
    assertThat(sha256(record.record.data()))
        .isEqualTo("669:599dc1f5464b77de544db54fe6203a03c6e8396df8f5856ca4029d0185097c87");
  }
}
