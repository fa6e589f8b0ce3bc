package dev.tideline.benchmarks.compare;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.benchmarks.sdk.CountingKinesisEndpoint;
import dev.tideline.events.v1.Click;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.MalformedRecordException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * What a stream of the local Kinesis holds after a producer's run, read back from every shard from
 * the trim horizon and deaggregated with the KCL's {@link AggregatorUtil} (with each shard's hash
 * key range, as a KCL consumer does): the figures the counting endpoint would have counted for the
 * same records, and every event checked against the one that was sent.
 *
 * @param records Kinesis records, the warm-up's left out
 * @param bytes data plus partition key of those records
 * @param putPayloadUnits their PUT payload units (25 KiB each, rounded up per record)
 * @param events user records the KCL gave for them (audit records included)
 * @param delivered distinct events equal to one that was sent
 * @param duplicates events read more than once
 * @param mismatched events that equal none that was sent
 * @param otherEvents Tideline's audit records (not events of the run)
 */
record StreamReadBack(
    long records,
    long bytes,
    long putPayloadUnits,
    long events,
    long delivered,
    long duplicates,
    long mismatched,
    long otherEvents) {
  private static final long CLICK_SCHEMA_ID =
      Objects.requireNonNull(SchemaRegistry.fromClasspath().forClass(Click.class)).getSchemaId();

  /** Reads every shard of the stream and checks its events against {@code sent}. */
  static StreamReadBack read(KinesisClient kinesis, String stream, Click[] sent, Producer producer)
      throws MalformedRecordException, InvalidProtocolBufferException {
    AggregatorUtil kcl = new AggregatorUtil();
    boolean[] seen = new boolean[sent.length];
    long records = 0;
    long bytes = 0;
    long units = 0;
    long events = 0;
    long delivered = 0;
    long duplicates = 0;
    long mismatched = 0;
    long other = 0;
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
      BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
      BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
        if (page.records().isEmpty()) {
          break;
        }
        iterator = page.nextShardIterator();
        for (Record record : page.records()) {
          List<KinesisClientRecord> users =
              kcl.deaggregate(List.of(KinesisClientRecord.fromRecord(record)), start, end);
          List<Click> clicks = new ArrayList<>();
          for (KinesisClientRecord user : users) {
            byte[] data = bytes(user.data());
            if (producer == Producer.TIDELINE) {
              Envelope envelope = Envelopes.decode(data);
              if (envelope.getSchemaId() != CLICK_SCHEMA_ID) {
                other++;
                continue;
              }
              data = envelope.getPayload().toByteArray();
            }
            clicks.add(Click.parseFrom(data));
          }
          if (clicks.size() == 1
              && clicks.get(0).getElementId().equals(ComparisonProducer.WARM_UP_ID)) {
            continue; // sent and acknowledged before the run, alone in its record
          }
          int billed =
              record.data().asByteArrayUnsafe().length
                  + record.partitionKey().getBytes(StandardCharsets.UTF_8).length;
          records++;
          bytes += billed;
          units +=
              (billed + CountingKinesisEndpoint.PUT_PAYLOAD_UNIT_BYTES - 1)
                  / CountingKinesisEndpoint.PUT_PAYLOAD_UNIT_BYTES;
          events += users.size();
          for (Click click : clicks) {
            int index = indexOf(click, sent.length);
            if (index < 0 || !sent[index].equals(click)) {
              mismatched++;
            } else if (seen[index]) {
              duplicates++;
            } else {
              seen[index] = true;
              delivered++;
            }
          }
        }
      }
    }
    return new StreamReadBack(
        records, bytes, units, events, delivered, duplicates, mismatched, other);
  }

  /** The index in the sent events that a click's element id ("element-i") names, or -1. */
  private static int indexOf(Click click, int count) {
    String id = click.getElementId();
    if (!id.startsWith("element-")) {
      return -1;
    }
    try {
      int index = Integer.parseInt(id.substring("element-".length()));
      return index < count ? index : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
