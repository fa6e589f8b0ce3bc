package dev.tideline.validator.flink.hourly;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.tideline.events.v1.Click;
import dev.tideline.events.v1.Payment;
import dev.tideline.events.v1.ProducerAudit;
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
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/** Events built as a producer builds them, put into a stream as KPL aggregates. */
final class Planting {
  static final SchemaRegistry REGISTRY = SchemaRegistry.fromClasspath();

  private final List<PutRecordsRequestEntry> records = new ArrayList<>();

  static ByteString id(long high, long n) {
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(high).putLong(n).array());
  }

  static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
  }

  /** An envelope with every required field: logged at {@code eventTime}, sent 1 s later. */
  static Envelope event(MessageLite payload, long producer, long sequence, Instant eventTime) {
    CatalogEntry entry = REGISTRY.forClass(payload.getClass());
    return Envelope.newBuilder()
        .setEventType(entry.getEventType())
        .setFormat(SchemaFormat.PROTOBUF)
        .setSchemaId(entry.getSchemaId())
        .setPayload(payload.toByteString())
        .setEventId(id(producer, sequence))
        .setProducerId(id(producer, 0))
        .setSequence(sequence)
        .setEventTimeUs(micros(eventTime))
        .setSentTimeUs(micros(eventTime.plusSeconds(1)))
        .setContext(
            Context.newBuilder()
                .setAppId("dev.tideline.demo")
                .setAppVersion("1.2.0")
                .setPlatform(Platform.ANDROID))
        .build();
  }

  static ScreenView screenView(String name) {
    return ScreenView.newBuilder().setScreenName(name).setLoadTimeMs(120).build();
  }

  static Click click(String element) {
    return Click.newBuilder().setElementId(element).setScreenName("home").setX(10).setY(20).build();
  }

  /** A payment whose currency breaks its rule. */
  static Payment badPayment(String orderId) {
    return Payment.newBuilder()
        .setOrderId(orderId)
        .setAmountMinor(1999)
        .setCurrency("euro")
        .setMethod(Payment.Method.CARD)
        .setStatus(Payment.Status.CAPTURED)
        .setUserId("user-42")
        .build();
  }

  /** The producer's own audit: {@code sent} clicks sent of sequences first to last. */
  static ProducerAudit clickAudit(long first, long last, long sent) {
    return ProducerAudit.newBuilder()
        .setPeriodStartUs(1_764_000_000_000_000L)
        .setPeriodEndUs(1_764_000_060_000_000L)
        .setFirstSequence(first)
        .setLastSequence(last)
        .addCounts(
            ProducerAudit.TypeCounts.newBuilder()
                .setEventType("tideline.events.v1.Click")
                .setAccepted(sent)
                .setSent(sent))
        .build();
  }

  /**
   * Adds records of every kind the report counts, around {@code now}: 45 events in 8 records. Valid
   * screen views in three hours, 3 of them sent twice; clicks 3 h late with a gap of 2 and their
   * producer's audit (8 sent, so 2 lost); a click 7 h old; invalid events (a rule violation, an
   * event time in the future, none); a truncated aggregate (a malformed record) and a record that
   * is not an envelope.
   */
  Planting everyKind(Instant now) {
    // Valid screen views in three hours, some sent twice (same key, so the same shard order).
    List<Envelope> views = new ArrayList<>();
    for (int seq = 1; seq <= 30; seq++) {
      views.add(event(screenView("home"), 1, seq, now.minus(Duration.ofMinutes(50L * (seq % 3)))));
    }
    aggregate("producer-1", views.subList(0, 15))
        .aggregate("producer-1", views.subList(15, 30))
        .aggregate("producer-1", views.subList(5, 8));
    // Clicks hours late, with a gap (4 and 5), audited: 8 sent, 6 arrived, so 2 lost.
    List<Envelope> clicks = new ArrayList<>();
    for (int seq : new int[] {1, 2, 3, 6, 7, 8}) {
      clicks.add(event(click("buy"), 2, seq, now.minus(Duration.ofHours(3))));
    }
    clicks.add(event(clickAudit(1, 8, 8), 2, 9, now.minusSeconds(5)));
    aggregate("producer-2", clicks);
    // Cold: logged 7 h ago (beyond the allowed lateness of its hour only for a running job).
    aggregate("producer-3", List.of(event(click("offline"), 3, 1, now.minus(Duration.ofHours(7)))));
    // Invalid: a rule violation, an event time in the future, no event time.
    aggregate(
        "producer-4",
        List.of(
            event(badPayment("order-1"), 4, 1, now),
            event(click("future"), 4, 2, now.plus(Duration.ofHours(2))),
            event(click("untimed"), 4, 3, now).toBuilder().clearEventTimeUs().build()));
    // A record that cannot be split into events (a truncated aggregate), and one that is not an
    // envelope (an event whose envelope cannot be read, which has no event hour either).
    raw("producer-5", new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2, 1});
    return raw("producer-5", new byte[] {1, 2, 3});
  }

  /** Adds a KPL aggregate of the envelopes, under one partition key. */
  Planting aggregate(String partitionKey, List<Envelope> envelopes) {
    AggregatedRecord.Builder aggregate =
        AggregatedRecord.newBuilder().addPartitionKeyTable(partitionKey);
    for (Envelope envelope : envelopes) {
      aggregate.addRecords(
          Record.newBuilder().setPartitionKeyIndex(0).setData(envelope.toByteString()));
    }
    return raw(partitionKey, KplRecords.encode(aggregate.build()));
  }

  /** Adds a record of any bytes. */
  Planting raw(String partitionKey, byte[] data) {
    records.add(
        PutRecordsRequestEntry.builder()
            .partitionKey(partitionKey)
            .data(SdkBytes.fromByteArray(data))
            .build());
    return this;
  }

  /** How many records were added and not yet put. */
  int size() {
    return records.size();
  }

  /** Puts what was added, in one call, and forgets it. */
  void put(KinesisClient kinesis, String stream) {
    PutRecordsResponse response =
        kinesis.putRecords(b -> b.streamName(stream).records(new ArrayList<>(records)));
    assertThat(response.failedRecordCount()).isZero();
    records.clear();
  }
}
