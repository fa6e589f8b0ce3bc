package dev.tideline.android;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.android.aws.AndroidKinesisSink;
import dev.tideline.android.aws.AwsCredentials;
import dev.tideline.android.aws.CredentialsProvider;
import dev.tideline.events.v1.Click;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.LogReceipt;
import dev.tideline.sdk.SpoolAccess;
import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.testkit.FaultInjectingSink;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.KplRecords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.annotation.Config;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The end-to-end check: an app logs while offline, is killed, starts again, and everything
 * arrives in the local Kinesis through the Android transport with SigV4 signing, complete and once,
 * by event id and sequence. Runs on the newest API level only (one local Kinesis per run).
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 34)
public class KinesisDeliveryTest {
  /** Names each envelope's event type from its schema id. */
  private static final SchemaRegistry EVENT_TYPES = SchemaRegistry.fromClasspath();

  private static final int BEFORE_KILL = 300;
  private static final int AFTER_KILL = 200;

  @Rule public final TidelineRule rule = new TidelineRule();

  @Test
  public void eventsLoggedAcrossAKillArriveInKinesisCompleteAndOnce() throws Exception {
    try (LocalKinesisServer server = LocalKinesisServer.start()) {
      LocalKinesisStream stream = server.createStream("android-e2e", 1);
      software.amazon.awssdk.auth.credentials.AwsCredentials local =
          server.credentials().resolveCredentials();
      AndroidKinesisSink kinesis =
          AndroidKinesisSink.builder(
                  LocalKinesisServer.REGION.id(),
                  CredentialsProvider.of(
                      AwsCredentials.create(local.accessKeyId(), local.secretAccessKey())))
              .endpoint(server.httpEndpoint().toString())
              .readTimeout(2, TimeUnit.MINUTES)
              .build();

      Set<String> logged = new HashSet<>();
      Tideline offline =
          rule.initReady(
              rule.quiet()
                  .streamName(stream.name())
                  .sink(FaultInjectingSink.wrap(InMemorySink.create()).holdCalls())
                  .build());
      LogReceipt last = null;
      for (int i = 0; i < BEFORE_KILL; i++) {
        last = offline.logDurably(TidelineRule.click("before-" + i)).value();
        logged.add("before-" + i);
      }
      assertThat(last.written().await(30, TimeUnit.SECONDS)).isTrue();
      byte[] producer = offline.tracker().producerId();
      SpoolAccess.kill(offline.abandon());

      Tideline online =
          rule.initReady(
              rule.quiet()
                  .streamName(stream.name())
                  .sink(kinesis)
                  .trackerOptions(
                      b ->
                          b.lingerTime(1, TimeUnit.HOURS)
                              .auditPeriod(0, TimeUnit.MILLISECONDS)
                              .callTimeout(3, TimeUnit.MINUTES))
                  .build());
      for (int i = 0; i < AFTER_KILL; i++) {
        online.log(TidelineRule.click("after-" + i));
        logged.add("after-" + i);
      }
      assertThat(online.flush().await(3, TimeUnit.MINUTES)).isTrue();
      assertThat(online.close(30, TimeUnit.SECONDS).await(1, TimeUnit.MINUTES)).isTrue();

      Map<UUID, Integer> byEventId = new HashMap<>();
      Set<Long> sequences = new HashSet<>();
      Set<String> arrived = new HashSet<>();
      int clickArrivals = 0;
      for (Envelope envelope : readBack(server.client(), stream.name())) {
        assertThat(envelope.getProducerId().toByteArray()).isEqualTo(producer);
        if (EVENT_TYPES.eventType(envelope).equals("tideline.events.v1.Click")) {
          clickArrivals++;
          byEventId.merge(Envelopes.eventId(envelope), 1, Integer::sum);
          sequences.add(envelope.getSequence());
          arrived.add(Click.parseFrom(envelope.getPayload()).getElementId());
        }
      }
      int duplicated = clickArrivals - byEventId.size();
      Set<String> lost = new HashSet<>(logged);
      lost.removeAll(arrived);
      System.out.printf(
          "Android app killed offline, then online, to the local Kinesis: %d events logged,"
              + " %d arrived, %d duplicated, %d lost%n",
          logged.size(), arrived.size(), duplicated, lost.size());

      assertThat(lost).as("lost").isEmpty();
      assertThat(duplicated).as("duplicated").isZero();
      assertThat(sequences).as("one sequence per event").hasSize(clickArrivals);
    }
  }

  private static List<Envelope> readBack(KinesisClient kinesis, String streamName)
      throws Exception {
    List<Envelope> envelopes = new ArrayList<>();
    String shardId = kinesis.listShards(b -> b.streamName(streamName)).shards().get(0).shardId();
    String iterator =
        kinesis
            .getShardIterator(
                b ->
                    b.streamName(streamName)
                        .shardId(shardId)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
            .shardIterator();
    for (int page = 0; page < 1_000 && iterator != null; page++) {
      String current = iterator;
      GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current));
      if (response.records().isEmpty()) {
        break;
      }
      for (Record record : response.records()) {
        byte[] data = record.data().asByteArrayUnsafe();
        if (KplRecords.isAggregated(data)) {
          for (dev.tideline.proto.kpl.Record sub : KplRecords.decode(data).getRecordsList()) {
            envelopes.add(Envelopes.decode(sub.getData()));
          }
        } else {
          envelopes.add(Envelopes.decode(data));
        }
      }
      iterator = response.nextShardIterator();
    }
    return envelopes;
  }
}
