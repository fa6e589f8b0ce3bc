package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.validator.report.Reports;
import dev.tideline.wire.KplRecords;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * The validator judging ordinary events from the wire ({@link EnvelopeView}, {@link WireCheck})
 * gives exactly the results of decoding every envelope and payload: the same verdicts, violations,
 * fields, decoded envelopes and payloads, and the same report, on random envelopes of every
 * standard event type, valid and broken in every way the envelope contract knows, whole or damaged.
 */
class FromWireTest {
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");
  private static final String[] STRINGS = {"", "1.2.0", "1.2.0", "é", "日本語", "android", "s-1"};

  private final Validator fromWire = Validator.builder(TestEvents.REGISTRY).build();
  private final Validator decoding = Validator.builder(TestEvents.REGISTRY).fromWire(false).build();
  private final RandomPayloads random = new RandomPayloads(42);
  private final List<CatalogEntry> protobufEntries = new ArrayList<>();

  FromWireTest() {
    for (CatalogEntry entry : TestEvents.REGISTRY.entries()) {
      if (entry.getFormat() == SchemaFormat.PROTOBUF) {
        protobufEntries.add(entry);
      }
    }
  }

  @Test
  void givesTheResultsOfDecodingEverythingOnRandomRecords() {
    Tally wireTally = Tally.create();
    Tally decodingTally = Tally.create();
    int fromWireValid = 0;
    int events = 0;
    for (int r = 0; r < 400; r++) {
      List<byte[]> envelopes = new ArrayList<>();
      int count = 1 + random.random().nextInt(20);
      for (int i = 0; i < count; i++) {
        envelopes.add(envelope(r * 100L + i));
      }
      byte[] record = envelopes.size() == 1 && r % 3 == 0 ? envelopes.get(0) : aggregate(envelopes);
      Instant arrival = T.plusMillis(random.random().nextInt(7_200_000));
      RecordResult expected = decoding.validate(record, "pk-" + r, arrival);
      RecordResult actual = fromWire.validate(record, "pk-" + r, arrival);

      assertThat(describe(actual)).isEqualTo(describe(expected));
      for (int i = 0; i < actual.events().size(); i++) {
        ValidatedEvent event = actual.events().get(i);
        ValidatedEvent reference = expected.events().get(i);
        assertThat(event.envelope()).isEqualTo(reference.envelope());
        // Two validators build their own descriptors, so messages are compared by content.
        assertThat(content(event.payload())).isEqualTo(content(reference.payload()));
        assertThat(event.schema()).isEqualTo(reference.schema());
        if (event.isValid()) {
          fromWireValid++;
        }
        events++;
      }
      wireTally.add(actual);
      decodingTally.add(expected);
    }
    assertThat(withoutTime(Reports.json(wireTally.report("random", false))))
        .isEqualTo(withoutTime(Reports.json(decodingTally.report("random", false))));
    assertThat(fromWireValid).isGreaterThan(events / 5);
    assertThat(events - fromWireValid).isGreaterThan(events / 5);
  }

  /** A random envelope: mostly whole and valid, else broken in one random way. */
  private byte[] envelope(long sequence) {
    Random r = random.random();
    CatalogEntry entry = protobufEntries.get(r.nextInt(protobufEntries.size()));
    Envelope.Builder envelope =
        TestEvents.event(TestEvents.click("x"), 1 + r.nextInt(3), sequence, eventTime(r))
            .setEventType(entry.getEventType())
            .setSchemaId(entry.getSchemaId());
    DynamicMessage payload = random.nearlyValid((ProtoSchema) CompiledSchema.compile(entry));
    envelope.setPayload(payload.toByteString());
    if (r.nextBoolean()) {
      envelope.setContext(
          Context.newBuilder(envelope.getContext())
              .setAppVersion(STRINGS[r.nextInt(STRINGS.length)])
              .setOsName(STRINGS[r.nextInt(STRINGS.length)])
              .setSessionId(STRINGS[r.nextInt(STRINGS.length)])
              .setPlatformValue(r.nextInt(6)));
    }
    switch (r.nextInt(16)) {
      case 0:
        envelope.clearEventId();
        break;
      case 1:
        envelope.setEventType("");
        break;
      case 2:
        envelope.clearSchemaId();
        break;
      case 3:
        envelope.setSchemaId(0x0bad_0bad_0bad_0badL);
        break;
      case 4:
        envelope.setFormat(
            r.nextBoolean() ? SchemaFormat.AVRO : SchemaFormat.SCHEMA_FORMAT_UNSPECIFIED);
        break;
      case 5:
        envelope.setFormatValue(7);
        break;
      case 6:
        envelope.setEventType("tideline.events.v1.Other");
        break;
      case 7:
        envelope.setEventTimeUs(TestEvents.micros(T.plusSeconds(86_400)));
        break;
      case 8:
        envelope.clearSequence().clearEventTimeUs();
        break;
      case 9:
        envelope.putAttributes("tideline.test", "t-" + sequence);
        break;
      case 10:
        envelope.setProducerId(ByteString.copyFromUtf8("short"));
        break;
      case 11:
        {
          // Appending another envelope makes each of its fields occur twice.
          Envelope other =
              TestEvents.event(TestEvents.click("y"), 9, sequence + 1, T.minusSeconds(99))
                  .setContext(Context.newBuilder().setOsName("ios").setPlatformValue(2))
                  .build();
          return random.damage(envelope.build().toByteArray(), other);
        }
      case 12:
        return avroEnvelope(sequence);
      default:
        break;
    }
    return envelope.build().toByteArray();
  }

  private byte[] avroEnvelope(long sequence) {
    String currency = random.random().nextBoolean() ? "EUR" : "euro";
    GenericRecord payment = AvroEventsTest.payment("order-" + sequence, currency, null);
    return TestEvents.avroEvent(AvroEventsTest.PAYMENT, payment, 4, sequence, T)
        .build()
        .toByteArray();
  }

  private static Instant eventTime(Random r) {
    return T.minusSeconds(r.nextInt(30_000));
  }

  private byte[] aggregate(List<byte[]> envelopes) {
    AggregatedRecord.Builder aggregate = AggregatedRecord.newBuilder().addPartitionKeyTable("pk");
    for (byte[] envelope : envelopes) {
      aggregate.addRecords(
          Record.newBuilder().setPartitionKeyIndex(0).setData(ByteString.copyFrom(envelope)));
    }
    return KplRecords.encode(aggregate.build());
  }

  /** Everything a result says but the decoded objects, as text. */
  private static String describe(RecordResult result) {
    StringBuilder out = new StringBuilder();
    out.append(result.aggregated()).append(' ').append(result.violations()).append('\n');
    for (ValidatedEvent event : result.events()) {
      out.append(event.index())
          .append(' ')
          .append(event.eventType())
          .append(' ')
          .append(event.eventIdString())
          .append(' ')
          .append(event.eventTime())
          .append(' ')
          .append(event.sentTime())
          .append(' ')
          .append(event.correctedEventTime())
          .append(' ')
          .append(event.lateness())
          .append(' ')
          .append(event.isValid());
      for (Violation violation : event.violations()) {
        out.append("\n  ")
            .append(violation.kind())
            .append(' ')
            .append(violation.code())
            .append(' ')
            .append(violation.path())
            .append(' ')
            .append(violation.expected())
            .append(' ')
            .append(violation.actual())
            .append(' ')
            .append(violation.message());
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String content(Object payload) {
    if (payload instanceof Message) {
      Message message = (Message) payload;
      return message.getDescriptorForType().getFullName()
          + " "
          + java.util.Base64.getEncoder().encodeToString(message.toByteArray())
          + " "
          + message;
    }
    return String.valueOf(payload);
  }

  /**
   * The report without what describes the run rather than what arrived: when it was made, and how
   * often the fast path handed events to a parser (never, when it is off).
   */
  private static String withoutTime(String json) {
    return json.replaceAll("\"generated_at\"\\s*:\\s*\"[^\"]*\"", "")
        .replaceAll("\"fast_path\"\\s*:\\s*\\{[^}]*\\}", "");
  }
}
