package dev.tideline.benchmarks.validator;

import com.google.protobuf.ByteString;
import dev.tideline.events.v1.ScreenView;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.Platform;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.wire.KplRecords;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The validator benchmarks' input: one batch of {@link #EVENTS} valid ScreenView envelopes of about
 * 193 bytes, in {@link #RECORDS} KPL aggregates of {@link #EVENTS_PER_RECORD}, all arriving at one
 * moment, their event times 20 s before it. {@link ValidatorBenchmark} validates one batch over and
 * over; {@link FlinkThroughput} streams many, each with event ids of its own.
 *
 * <p>Immutable once made; the record arrays must not be changed.
 */
final class ScreenViewRecords {
  static final int EVENTS_PER_RECORD = 100;
  static final int RECORDS = 100;
  static final int EVENTS = EVENTS_PER_RECORD * RECORDS;

  /** The partition key every record was put with (each event has a key of its own inside). */
  static final String PARTITION_KEY = "device";

  /** The ValidatorBenchmark's batch: its event ids and arrival time. */
  static final long BENCHMARK_BATCH = 7;

  static final Instant BENCHMARK_ARRIVAL = Instant.parse("2026-11-25T15:30:00Z");

  private final List<byte[]> records;
  private final List<ByteString> envelopes;
  private final int envelopeBytes;

  private ScreenViewRecords(List<byte[]> records, List<ByteString> envelopes, int envelopeBytes) {
    this.records = records;
    this.envelopes = envelopes;
    this.envelopeBytes = envelopeBytes;
  }

  /**
   * A batch of records.
   *
   * @param entry the ScreenView's catalog entry
   * @param arrival when the records arrive; the events happened 20 s before
   * @param batch the high half of every event id, so that batches have distinct ids
   */
  static ScreenViewRecords make(CatalogEntry entry, Instant arrival, long batch) {
    List<byte[]> records = new ArrayList<>(RECORDS);
    List<ByteString> envelopes = new ArrayList<>(EVENTS);
    int envelopeBytes = 0;
    long eventMicros = arrival.minusSeconds(20).toEpochMilli() * 1000;
    long sequence = 0;
    for (int r = 0; r < RECORDS; r++) {
      AggregatedRecord.Builder aggregate =
          AggregatedRecord.newBuilder().addPartitionKeyTable("device-" + r);
      for (int e = 0; e < EVENTS_PER_RECORD; e++) {
        sequence++;
        Envelope envelope =
            Envelope.newBuilder()
                .setEventId(id(batch, sequence))
                .setEventType(entry.getEventType())
                .setFormat(SchemaFormat.PROTOBUF)
                .setSchemaId(entry.getSchemaId())
                .setEventTimeUs(eventMicros + sequence)
                .setSentTimeUs(eventMicros + 1_000_000)
                .setProducerId(id(r, 0))
                .setSequence(sequence)
                .setContext(
                    Context.newBuilder()
                        .setAppVersion("4.12.0")
                        .setPlatform(Platform.ANDROID)
                        .setSessionId("s-" + r))
                .setPayload(
                    ScreenView.newBuilder()
                        .setScreenName("product_detail")
                        .setScreenClass("com.example.shop.ProductDetailActivity")
                        .setPreviousScreen("search_results")
                        .setLoadTimeMs(137)
                        .build()
                        .toByteString())
                .build();
        envelopes.add(envelope.toByteString());
        envelopeBytes += envelope.getSerializedSize();
        aggregate.addRecords(
            Record.newBuilder().setPartitionKeyIndex(0).setData(envelope.toByteString()));
      }
      records.add(KplRecords.encode(aggregate.build()));
    }
    return new ScreenViewRecords(List.copyOf(records), List.copyOf(envelopes), envelopeBytes);
  }

  /** The KPL aggregates, as Kinesis stores them. */
  List<byte[]> records() {
    return records;
  }

  /** Each event's envelope, in order. */
  List<ByteString> envelopes() {
    return envelopes;
  }

  /** The average envelope size, to check the events are about 200 bytes. */
  int averageEnvelopeBytes() {
    return envelopeBytes / EVENTS;
  }

  private static ByteString id(long high, long low) {
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(high).putLong(low).array());
  }
}
