package dev.tideline.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.NetworkType;
import dev.tideline.proto.v1.Platform;
import dev.tideline.proto.v1.SchemaFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tags are the ones the generated serializers write, each one byte long. */
class WireTagsTest {
  private static List<Integer> tags(ByteString bytes) throws Exception {
    List<Integer> out = new ArrayList<>();
    CodedInputStream in = bytes.newCodedInput();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      out.add(tag);
      in.skipField(tag);
    }
    return out;
  }

  @Test
  void envelopeTagsAreTheGeneratedSerializersInFieldOrder() throws Exception {
    Envelope envelope =
        Envelope.newBuilder()
            .setEventId(ByteString.copyFrom(new byte[16]))
            .setEventType("t")
            .setFormat(SchemaFormat.PROTOBUF)
            .setSchemaId(1)
            .setEventTimeUs(2)
            .setSentTimeUs(3)
            .setProducerId(ByteString.copyFrom(new byte[16]))
            .setSequence(4)
            .setContext(Context.newBuilder().setAppId("a"))
            .setPayload(ByteString.copyFromUtf8("p"))
            .putAttributes("k", "v")
            .setSendDelayUs(5)
            .build();

    assertThat(tags(envelope.toByteString()))
        .containsExactly(
            WireTags.ENVELOPE_EVENT_ID,
            WireTags.ENVELOPE_EVENT_TYPE,
            WireTags.ENVELOPE_FORMAT,
            WireTags.ENVELOPE_SCHEMA_ID,
            WireTags.ENVELOPE_EVENT_TIME_US,
            WireTags.ENVELOPE_SENT_TIME_US,
            WireTags.ENVELOPE_PRODUCER_ID,
            WireTags.ENVELOPE_SEQUENCE,
            WireTags.ENVELOPE_CONTEXT,
            WireTags.ENVELOPE_PAYLOAD,
            WireTags.ENVELOPE_ATTRIBUTES,
            WireTags.ENVELOPE_SEND_DELAY_US);
  }

  @Test
  void contextTagsAreTheGeneratedSerializers() throws Exception {
    Context context =
        Context.newBuilder()
            .setAppVersion("1.0")
            .setPlatform(Platform.ANDROID)
            .setNetwork(NetworkType.WIFI)
            .build();

    assertThat(tags(context.toByteString()))
        .containsExactly(
            WireTags.CONTEXT_APP_VERSION, WireTags.CONTEXT_PLATFORM, WireTags.CONTEXT_NETWORK);
  }

  @Test
  void aggregateTagsAreTheGeneratedSerializers() throws Exception {
    Record record =
        Record.newBuilder().setPartitionKeyIndex(0).setData(ByteString.copyFromUtf8("d")).build();
    AggregatedRecord aggregate =
        AggregatedRecord.newBuilder()
            .addPartitionKeyTable("k")
            .addExplicitHashKeyTable("1")
            .addRecords(record)
            .build();

    assertThat(tags(aggregate.toByteString()))
        .containsExactly(
            WireTags.AGGREGATE_PARTITION_KEY,
            WireTags.AGGREGATE_EXPLICIT_HASH_KEY,
            WireTags.AGGREGATE_RECORD);
    assertThat(tags(record.toByteString()))
        .containsExactly(WireTags.RECORD_PARTITION_KEY_INDEX, WireTags.RECORD_DATA);
  }

  @Test
  void everyTagIsOneByteAndSplitsIntoItsNumberAndWireType() {
    int[] all = {
      WireTags.ENVELOPE_EVENT_ID,
      WireTags.ENVELOPE_ATTRIBUTES,
      WireTags.CONTEXT_NETWORK,
      WireTags.AGGREGATE_RECORD,
      WireTags.RECORD_DATA
    };
    for (int tag : all) {
      assertThat(CodedOutputStream.computeUInt32SizeNoTag(tag)).isEqualTo(WireTags.TAG_SIZE);
    }
    assertThat(WireTags.fieldNumber(WireTags.ENVELOPE_PAYLOAD))
        .isEqualTo(Envelope.PAYLOAD_FIELD_NUMBER);
    assertThat(WireTags.wireType(WireTags.ENVELOPE_SCHEMA_ID))
        .isEqualTo(WireFormat.WIRETYPE_FIXED64);
  }
}
