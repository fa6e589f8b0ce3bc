package dev.tideline.sdk.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.MessageLite;
import dev.tideline.events.v1.Payment;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.Tracker;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.MalformedRecordException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * The example of docs/consuming.md, run: a consumer that does not use the validator reads a
 * Tideline stream with the KCL's deaggregation, decodes each envelope and finds its schema.
 */
@ExtendWith(LocalKinesisExtension.class)
class ConsumingAStreamTest {
  /** The consumer's code, as in docs/consuming.md. */
  static final class TidelineConsumer {
    private final SchemaRegistry schemas = SchemaRegistry.fromClasspath();
    private final Map<String, Function<com.google.protobuf.ByteString, MessageLite>> parsers;

    TidelineConsumer(Map<String, Function<com.google.protobuf.ByteString, MessageLite>> parsers) {
      this.parsers = parsers;
    }

    /**
     * What a KCL ShardRecordProcessor does in processRecords: the KCL has already deaggregated (one
     * KinesisClientRecord per event), so each record's data is one envelope.
     */
    List<MessageLite> process(List<KinesisClientRecord> records) {
      List<MessageLite> events = new ArrayList<>();
      for (KinesisClientRecord record : records) {
        Envelope envelope;
        try {
          envelope = Envelopes.decode(SdkBytes.fromByteBuffer(record.data()).asByteArray());
        } catch (MalformedRecordException e) {
          continue; // not a Tideline envelope: count it and move on
        }
        // The schema id names the exact schema version the event was written with.
        CatalogEntry schema = schemas.find(envelope.getSchemaId()).orElse(null);
        if (schema == null) {
          continue; // written with a schema this consumer does not know yet
        }
        // Its catalog entry names the event type.
        Function<com.google.protobuf.ByteString, MessageLite> parser =
            parsers.get(schema.getEventType());
        if (parser != null) {
          events.add(parser.apply(envelope.getPayload()));
        }
      }
      return events;
    }
  }

  @Test
  void aKclConsumerDeaggregatesDecodesAndParsesEveryEvent(
      @TestStream(shards = 2) LocalKinesisStream stream, LocalKinesisServer server) {
    int payments = 300;
    try (KinesisAsyncClient client = Clients.async(server, server.httpEndpoint())) {
      Tracker tracker =
          Tracker.builder()
              .streamName(stream.name())
              .sink(KinesisSink.create(client))
              .auditPeriod(0, TimeUnit.SECONDS)
              .build();
      for (int i = 0; i < payments; i++) {
        assertThat(tracker.log(payment(i))).isEqualTo(LogOutcome.ACCEPTED);
      }
      assertThat(tracker.close(1, TimeUnit.MINUTES).await(2, TimeUnit.MINUTES)).isTrue();
      assertThat(tracker.metrics().eventsSent()).isEqualTo(payments);
    }

    TidelineConsumer consumer =
        new TidelineConsumer(Map.of("tideline.events.v1.Payment", ConsumingAStreamTest::parse));
    List<MessageLite> events = new ArrayList<>();
    for (StreamContents.ShardRecords shard : StreamContents.read(server, stream.name()).shards()) {
      List<KinesisClientRecord> records = new ArrayList<>();
      for (Record record : shard.records()) {
        records.add(KinesisClientRecord.fromRecord(record));
      }
      // The KCL deaggregates before processRecords; it keeps only what belongs to the shard.
      List<KinesisClientRecord> deaggregated =
          new AggregatorUtil().deaggregate(records, shard.startingHashKey(), shard.endingHashKey());
      assertThat(deaggregated.size()).isGreaterThan(records.size()); // they were aggregated
      events.addAll(consumer.process(deaggregated));
    }

    assertThat(events).hasSize(payments).allSatisfy(e -> assertThat(e).isInstanceOf(Payment.class));
    assertThat(events.stream().map(e -> ((Payment) e).getOrderId()).distinct()).hasSize(payments);
  }

  private static Payment payment(int i) {
    return Payment.newBuilder()
        .setOrderId("order-" + i)
        .setAmountMinor(100 + i)
        .setCurrency("EUR")
        .setMethod(Payment.Method.CARD)
        .setStatus(Payment.Status.CAPTURED)
        .build();
  }

  private static MessageLite parse(com.google.protobuf.ByteString payload) {
    try {
      return Payment.parseFrom(payload);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
