package dev.tideline.sdk.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.KplRecords;
import dev.tideline.wire.MalformedRecordException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/** The events a stream holds, deaggregated two ways: with our codec and with the KCL's. */
final class Arrivals {
  private Arrivals() {}

  /**
   * One event as it arrived: the shard its record landed in and the sub-record's routing.
   *
   * @param shard the shard the Kinesis record is stored in
   * @param partitionKey the sub-record's partition key (the record's, when not aggregated)
   * @param hashKey the sub-record's effective hash key: its explicit hash key, else the MD5 of its
   *     partition key
   * @param envelope the decoded envelope
   */
  record Arrival(
      StreamContents.ShardRecords shard,
      String partitionKey,
      BigInteger hashKey,
      Envelope envelope) {
    boolean hashKeyInShardRange() {
      return shard.startingHashKey().compareTo(hashKey) <= 0
          && shard.endingHashKey().compareTo(hashKey) >= 0;
    }
  }

  /** Deaggregates with {@link KplRecords#decode}; non-aggregated records hold one envelope. */
  static List<Arrival> decodeWithOurCodec(StreamContents contents) {
    List<Arrival> arrivals = new ArrayList<>();
    for (StreamContents.ShardRecords shard : contents.shards()) {
      for (software.amazon.awssdk.services.kinesis.model.Record record : shard.records()) {
        byte[] data = record.data().asByteArrayUnsafe();
        try {
          if (!KplRecords.isAggregated(data)) {
            String key = record.partitionKey();
            arrivals.add(new Arrival(shard, key, md5(key), Envelopes.decode(data)));
            continue;
          }
          AggregatedRecord aggregate = KplRecords.decode(data);
          for (Record sub : aggregate.getRecordsList()) {
            String key = aggregate.getPartitionKeyTable((int) sub.getPartitionKeyIndex());
            BigInteger hashKey =
                sub.hasExplicitHashKeyIndex()
                    ? new BigInteger(
                        aggregate.getExplicitHashKeyTable((int) sub.getExplicitHashKeyIndex()))
                    : md5(key);
            arrivals.add(new Arrival(shard, key, hashKey, Envelopes.decode(sub.getData())));
          }
        } catch (MalformedRecordException e) {
          throw new AssertionError("record " + record.sequenceNumber() + " is malformed", e);
        }
      }
    }
    return arrivals;
  }

  /**
   * Deaggregates with the KCL's {@link AggregatorUtil}, shard by shard with the shard's hash key
   * range, as a KCL consumer does: the KCL drops sub-records whose hash key lies outside the range
   * of the shard they were read from, so every envelope missing here was misrouted.
   */
  static List<Envelope> decodeWithTheKcl(StreamContents contents) {
    List<Envelope> envelopes = new ArrayList<>();
    AggregatorUtil kcl = new AggregatorUtil();
    for (StreamContents.ShardRecords shard : contents.shards()) {
      List<KinesisClientRecord> records = new ArrayList<>();
      shard.records().forEach(r -> records.add(KinesisClientRecord.fromRecord(r)));
      for (KinesisClientRecord user :
          kcl.deaggregate(records, shard.startingHashKey(), shard.endingHashKey())) {
        try {
          envelopes.add(Envelopes.decode(ByteString.copyFrom(user.data())));
        } catch (MalformedRecordException e) {
          throw new AssertionError("the KCL gave a malformed envelope", e);
        }
      }
    }
    return envelopes;
  }

  /** The envelopes one Kinesis record's data holds: one, or every sub-record's of an aggregate. */
  static List<Envelope> envelopesOf(byte[] data) {
    try {
      if (!KplRecords.isAggregated(data)) {
        return List.of(Envelopes.decode(data));
      }
      List<Envelope> envelopes = new ArrayList<>();
      for (Record sub : KplRecords.decode(data).getRecordsList()) {
        envelopes.add(Envelopes.decode(sub.getData()));
      }
      return envelopes;
    } catch (MalformedRecordException e) {
      throw new AssertionError("a record sent is malformed", e);
    }
  }

  /** Asserts every sub-record's hash key lies in the range of the shard it is stored in. */
  static void assertEveryHashKeyInItsShardsRange(List<Arrival> arrivals) {
    assertThat(arrivals)
        .allSatisfy(
            a ->
                assertThat(a.hashKeyInShardRange())
                    .as(
                        "hash key %s of event %s in %s [%s, %s]",
                        a.hashKey(),
                        a.envelope().getSequence(),
                        a.shard().shardId(),
                        a.shard().startingHashKey(),
                        a.shard().endingHashKey())
                    .isTrue());
  }

  /** The hash key Kinesis gives a partition key: its MD5 as an unsigned 128-bit integer. */
  static BigInteger md5(String partitionKey) {
    try {
      return new BigInteger(
          1,
          MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
