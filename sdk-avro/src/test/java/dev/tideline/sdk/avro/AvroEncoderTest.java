package dev.tideline.sdk.avro;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.events.avro.Payment;
import dev.tideline.events.avro.PaymentMethod;
import dev.tideline.events.avro.PaymentStatus;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.SchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class AvroEncoderTest {
  private final SchemaRegistry registry = SchemaRegistry.fromClasspath();
  private final Payment payment =
      Payment.newBuilder()
          .setOrderId("order-123")
          .setAmountMinor(1999)
          .setCurrency("EUR")
          .setMethod(PaymentMethod.CARD)
          .setStatus(PaymentStatus.CAPTURED)
          .setProviderReference(null)
          .setUserId("u-1")
          .build();

  @Test
  void aGeneratedRecordIsWrittenAsPlainAvroBinaryThatItsSchemaReadsBack() throws Exception {
    AvroEncoder<SpecificRecord> encoder = AvroEncoder.specific();
    byte[] bytes = encoder.encode(payment);

    GenericRecord read =
        new GenericDatumReader<GenericRecord>(Payment.getClassSchema())
            .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    assertThat(read.get("order_id").toString()).isEqualTo("order-123");
    assertThat(read.get("amount_minor")).isEqualTo(1999L);
    assertThat(read.get("status").toString()).isEqualTo("CAPTURED");
    assertThat(bytes[0]).as("no single-object header (C3 01)").isNotEqualTo((byte) 0xC3);
  }

  @Test
  void aGeneratedRecordFindsItsCatalogEntryByClass() {
    assertThat(AvroEncoder.specific().schema(payment, registry))
        .satisfies(
            e -> {
              assertThat(e.getEventType()).isEqualTo("dev.tideline.events.avro.Payment");
              assertThat(e.getFormat()).isEqualTo(SchemaFormat.AVRO);
            });
  }

  @Test
  void aGenericRecordFindsItsEntryByFingerprintAndAnUncataloguedSchemaIsUnknown() throws Exception {
    GenericRecord generic = new GenericData.Record(Payment.getClassSchema());
    for (Schema.Field field : Payment.getClassSchema().getFields()) {
      generic.put(field.name(), payment.get(field.name()));
    }
    AvroEncoder<GenericRecord> encoder = AvroEncoder.generic();
    assertThat(encoder.schema(generic, registry).getSchemaId()).isEqualTo(0xed39f92c72ad7df4L);
    assertThat(encoder.encode(generic)).isEqualTo(AvroEncoder.specific().encode(payment));

    Schema other =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Unlisted\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
    assertThat(encoder.schema(new GenericData.Record(other), registry)).isNull();
  }
}
