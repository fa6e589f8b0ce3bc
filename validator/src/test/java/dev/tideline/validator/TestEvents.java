package dev.tideline.validator;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.tideline.events.v1.Click;
import dev.tideline.events.v1.Payment;
import dev.tideline.events.v1.ScreenView;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.Platform;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.wire.KplRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Builds envelopes and aggregates the way a producer would, for tests. */
final class TestEvents {
  static final SchemaRegistry REGISTRY = SchemaRegistry.fromClasspath();

  private TestEvents() {}

  /** A 16-byte id whose last bytes are {@code n}, so tests can tell ids apart and repeat them. */
  static ByteString id(long high, long n) {
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(high).putLong(n).array());
  }

  static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
  }

  static Envelope.Builder envelope(MessageLite payload, Class<?> type) {
    CatalogEntry entry = REGISTRY.forClass(type);
    return Envelope.newBuilder()
        .setEventType(entry.getEventType())
        .setFormat(SchemaFormat.PROTOBUF)
        .setSchemaId(entry.getSchemaId())
        .setPayload(payload.toByteString());
  }

  /**
   * An envelope with every required field set: event logged at {@code eventTime}, sent 1 s later.
   */
  static Envelope.Builder event(
      MessageLite payload, long producer, long sequence, Instant eventTime) {
    return envelope(payload, payload.getClass())
        .setEventId(id(producer, sequence))
        .setProducerId(id(producer, 0))
        .setSequence(sequence)
        .setEventTimeUs(micros(eventTime))
        .setSentTimeUs(micros(eventTime.plusSeconds(1)))
        .setContext(
            Context.newBuilder()
                .setAppId("dev.tideline.demo")
                .setAppVersion("1.2.0")
                .setPlatform(Platform.ANDROID));
  }

  static Envelope.Builder avroEvent(
      String eventType, GenericRecord record, long producer, long sequence, Instant eventTime) {
    CatalogEntry entry = REGISTRY.latest(eventType).get();
    return Envelope.newBuilder()
        .setEventType(eventType)
        .setFormat(SchemaFormat.AVRO)
        .setSchemaId(entry.getSchemaId())
        .setPayload(avro(record))
        .setEventId(id(producer, sequence))
        .setProducerId(id(producer, 0))
        .setSequence(sequence)
        .setEventTimeUs(micros(eventTime))
        .setSentTimeUs(micros(eventTime.plusSeconds(1)))
        .setContext(Context.newBuilder().setAppVersion("2.0.0").setPlatform(Platform.JVM));
  }

  static Schema avroSchema(String eventType) {
    return new Schema.Parser().parse(REGISTRY.latest(eventType).get().getAvroSchema());
  }

  static ByteString avro(GenericRecord record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return ByteString.copyFrom(out.toByteArray());
  }

  static ScreenView screenView(String name) {
    return ScreenView.newBuilder().setScreenName(name).setLoadTimeMs(120).build();
  }

  static Click click(String element) {
    return Click.newBuilder().setElementId(element).setScreenName("home").setX(10).setY(20).build();
  }

  static Payment payment(String orderId) {
    return Payment.newBuilder()
        .setOrderId(orderId)
        .setAmountMinor(1999)
        .setCurrency("EUR")
        .setMethod(Payment.Method.CARD)
        .setStatus(Payment.Status.CAPTURED)
        .setUserId("user-42")
        .build();
  }

  /** A KPL aggregate of envelopes, each with its own partition key. */
  static byte[] aggregate(List<Envelope> envelopes, List<String> partitionKeys) {
    AggregatedRecord.Builder aggregate = AggregatedRecord.newBuilder();
    for (int i = 0; i < envelopes.size(); i++) {
      aggregate.addPartitionKeyTable(partitionKeys.get(i));
      aggregate.addRecords(
          Record.newBuilder().setPartitionKeyIndex(i).setData(envelopes.get(i).toByteString()));
    }
    return KplRecords.encode(aggregate.build());
  }

  static byte[] aggregate(List<Envelope> envelopes) {
    AggregatedRecord.Builder aggregate = AggregatedRecord.newBuilder().addPartitionKeyTable("pk");
    for (Envelope envelope : envelopes) {
      aggregate.addRecords(
          Record.newBuilder().setPartitionKeyIndex(0).setData(envelope.toByteString()));
    }
    return KplRecords.encode(aggregate.build());
  }
}
