package dev.tideline.benchmarks.sdk;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.tideline.benchmarks.compare.ProducerComparison;
import dev.tideline.events.v1.Click;
import dev.tideline.events.v1.ProducerAudit;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.Platform;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.BufferPolicy;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.sink.FileSink;
import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.sink.SinkRecord;
import dev.tideline.wire.KplRecords;
import dev.tideline.wire.MalformedRecordException;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Where the bytes of a Tideline stream go, per event: the envelope's fields one by one, the KPL
 * sub-record frame, the aggregate's partition-key table and frame, and the records' partition keys,
 * next to the events' own bytes; and the PUT payload units they cost against the floor (the events'
 * own bytes in full 1 MiB records).
 *
 * <p>{@code java -cp benchmarks.jar dev.tideline.benchmarks.sdk.EnvelopeBytes [EVENTS]} logs that
 * many 200-byte Click events (the comparison's events, default 100,000) through a tracker with its
 * default settings (but waiting for buffer room, so that none is dropped) into a four-shard
 * in-memory sink, twice: with no context, as the producer comparison sends them, and with a minimal
 * backend context (app id, platform, host). {@code EnvelopeBytes FILE...} reads record files of the
 * file sink instead, for example records written by an earlier version. The producer's audit
 * records are counted apart.
 */
public final class EnvelopeBytes {
  private static final int PUT_PAYLOAD_UNIT = CountingKinesisEndpoint.PUT_PAYLOAD_UNIT_BYTES;

  private static final String[] FIELD_NAMES = {
    "",
    "event_id",
    "event_type",
    "format",
    "schema_id",
    "event_time_us",
    "sent_time_us",
    "producer_id",
    "sequence",
    "context",
    "payload tag and length",
    "attributes",
    "send_delay_us"
  };

  private final long auditSchemaId =
      Objects.requireNonNull(SchemaRegistry.fromClasspath().forClass(ProducerAudit.class))
          .getSchemaId();
  private final Map<String, Long> bytes = new TreeMap<>();
  private long events;
  private long payloadBytes;
  private long audits;
  private long auditBytes;
  private long records;
  private long putPayloadUnits;

  private EnvelopeBytes() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && new File(args[0]).isFile()) {
      EnvelopeBytes tally = new EnvelopeBytes();
      for (String file : args) {
        for (FileSink.FileRecord record : FileSink.readAll(new File(file))) {
          tally.add(record.record());
        }
      }
      tally.print(String.join(" ", args));
      return;
    }
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Click[] clicks = TrackerLogBenchmark.clicks(events, 200);
    measure("no context (as the producer comparison sends)", clicks, Context.getDefaultInstance());
    measure(
        "a minimal backend context (app id, platform, host)",
        clicks,
        Context.newBuilder()
            .setAppId("checkout")
            .setPlatform(Platform.JVM)
            .setHost("web-1")
            .build());
  }

  private static void measure(String title, Click[] clicks, Context context) throws Exception {
    InMemorySink sink = InMemorySink.withShards(4);
    Tracker tracker =
        Tracker.builder()
            .streamName("bytes")
            .sink(sink)
            .context(context)
            .bufferPolicy(BufferPolicy.BLOCK)
            .blockTimeout(1, TimeUnit.MINUTES)
            .build();
    for (Click click : clicks) {
      tracker.log(click);
    }
    if (!tracker.close(1, TimeUnit.MINUTES).await(2, TimeUnit.MINUTES)) {
      throw new IllegalStateException("the tracker did not close");
    }
    EnvelopeBytes tally = new EnvelopeBytes();
    for (InMemorySink.StoredRecord stored : sink.storedRecords()) {
      tally.add(stored.record());
    }
    tally.print(clicks.length + " events of 200 bytes, " + title);
  }

  private void add(SinkRecord record) throws IOException, MalformedRecordException {
    byte[] data = record.data();
    int billed = data.length + record.partitionKey().length();
    records++;
    putPayloadUnits += (billed + PUT_PAYLOAD_UNIT - 1) / PUT_PAYLOAD_UNIT;
    count("record: partition key", record.partitionKey().length());
    if (!KplRecords.isAggregated(data)) {
      envelope(ByteString.copyFrom(data));
      return;
    }
    AggregatedRecord aggregate = KplRecords.decode(data);
    count("KPL: magic and MD5", KplRecords.OVERHEAD);
    for (int i = 0; i < aggregate.getPartitionKeyTableCount(); i++) {
      ByteString key = aggregate.getPartitionKeyTableBytes(i);
      count("KPL: partition-key table", 1 + varintSize(key.size()) + key.size());
    }
    for (int i = 0; i < aggregate.getExplicitHashKeyTableCount(); i++) {
      ByteString key = aggregate.getExplicitHashKeyTableBytes(i);
      count("KPL: explicit-hash-key table", 1 + varintSize(key.size()) + key.size());
    }
    for (Record sub : aggregate.getRecordsList()) {
      int size = sub.getSerializedSize();
      count("KPL: sub-record frame", 1 + varintSize(size) + size - sub.getData().size());
      envelope(sub.getData());
    }
  }

  /** Attributes an envelope's bytes to its fields. */
  private void envelope(ByteString data) throws IOException {
    Envelope envelope = Envelope.parseFrom(data);
    if (envelope.getSchemaId() == auditSchemaId) {
      audits++;
      auditBytes += data.size();
      return;
    }
    events++;
    payloadBytes += envelope.getPayload().size();
    CodedInputStream in = data.newCodedInput();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int start = in.getTotalBytesRead() - varintSize(tag);
      int number = WireFormat.getTagFieldNumber(tag);
      in.skipField(tag);
      int size = in.getTotalBytesRead() - start;
      if (number == Envelope.PAYLOAD_FIELD_NUMBER) {
        size -= envelope.getPayload().size();
      }
      String name = number < FIELD_NAMES.length ? FIELD_NAMES[number] : "field " + number;
      count("envelope: " + name, size);
    }
  }

  private void count(String item, long size) {
    bytes.merge(item, size, Long::sum);
  }

  private static int varintSize(int value) {
    return com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(value);
  }

  private void print(String title) {
    System.out.println("## " + title);
    System.out.println();
    System.out.println("| bytes per event | item |");
    System.out.println("|---:|---|");
    long overhead = 0;
    for (Map.Entry<String, Long> item : bytes.entrySet()) {
      overhead += item.getValue();
      System.out.printf(
          Locale.ROOT, "| %.2f | %s |%n", item.getValue() / (double) events, item.getKey());
    }
    System.out.printf(
        Locale.ROOT, "| **%.2f** | **overhead per event** |%n", overhead / (double) events);
    System.out.printf(
        Locale.ROOT,
        "| %.2f | the event itself (serialized payload) |%n",
        payloadBytes / (double) events);
    long floor = ProducerComparison.floorUnits(payloadBytes);
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%,d events, %,d records", events, records));
    lines.add(
        String.format(
            Locale.ROOT,
            "PUT payload units: %,d; floor (the events' bytes in full 1 MiB records) %,d: %.2fx"
                + " the floor",
            putPayloadUnits,
            floor,
            putPayloadUnits / (double) floor));
    lines.add(
        String.format(
            Locale.ROOT,
            "audit records: %,d envelopes, %,d bytes, left out above",
            audits,
            auditBytes));
    System.out.println();
    lines.forEach(System.out::println);
    System.out.println();
  }
}
