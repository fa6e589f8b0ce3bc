package dev.tideline.android.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tideline.events.v1.Click;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.Tracker;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.KplRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Events logged through a real Tracker and the Android transport (signed requests in the AWS JSON
 * protocol over HttpURLConnection) arrive in the local Kinesis (kinesis-mock, over its plain HTTP
 * port), read back with the AWS SDK, deaggregated and decoded: every one, once.
 */
@ExtendWith(LocalKinesisExtension.class)
class LocalKinesisDeliveryTest {
  /** Names each envelope's event type from its schema id. */
  private static final SchemaRegistry EVENT_TYPES = SchemaRegistry.fromClasspath();

  private static final int EVENTS = 2_000;
  private static final String CLICK = "tideline.events.v1.Click";

  @Test
  void eventsLoggedThroughTheAndroidTransportArriveInTheLocalKinesisCompleteAndOnce(
      @TestStream(shards = 2) LocalKinesisStream stream, LocalKinesisServer server)
      throws Exception {
    software.amazon.awssdk.auth.credentials.AwsCredentials local =
        server.credentials().resolveCredentials();
    AndroidKinesisSink sink =
        AndroidKinesisSink.builder(
                LocalKinesisServer.REGION.id(),
                CredentialsProvider.of(
                    AwsCredentials.create(local.accessKeyId(), local.secretAccessKey())))
            .endpoint(server.httpEndpoint().toString())
            // kinesis-mock on a busy 2-core machine can take seconds per call; a timeout would
            // resend a call (a duplicate this test did not inject).
            .readTimeout(2, TimeUnit.MINUTES)
            .build();
    Tracker tracker =
        Tracker.builder()
            .streamName(stream.name())
            .sink(sink)
            .registry(SchemaRegistry.fromClasspath())
            .callTimeout(3, TimeUnit.MINUTES)
            .build();
    byte[] producerId = tracker.producerId();
    // The shard map comes from ListShards through the transport: aggregation by shard needs it.
    await().atMost(Duration.ofMinutes(1)).until(() -> tracker.metrics().shardMapRefreshes() >= 1);

    Set<String> logged = new HashSet<>();
    for (int i = 0; i < EVENTS; i++) {
      String id = "button-" + i;
      assertThat(tracker.log(Click.newBuilder().setElementId(id).setScreenName("checkout").build()))
          .isEqualTo(LogOutcome.ACCEPTED);
      logged.add(id);
    }
    assertThat(tracker.flush().await(3, TimeUnit.MINUTES))
        .as("flushed in time; %s", tracker.metrics())
        .isTrue();
    assertThat(tracker.close(30, TimeUnit.SECONDS).await(1, TimeUnit.MINUTES)).isTrue();
    assertThat(sink.close().await(10, TimeUnit.SECONDS)).isTrue();
    long putRecordsCalls = tracker.metrics().putRecordsCalls();

    List<Envelope> arrived = readBack(server.client(), stream.name());
    Map<UUID, Integer> byEventId = new HashMap<>();
    Set<Long> sequences = new HashSet<>();
    Set<String> clicks = new HashSet<>();
    int clickArrivals = 0;
    for (Envelope envelope : arrived) {
      byEventId.merge(Envelopes.eventId(envelope), 1, Integer::sum);
      sequences.add(envelope.getSequence());
      assertThat(envelope.getProducerId().toByteArray()).isEqualTo(producerId);
      if (EVENT_TYPES.eventType(envelope).equals(CLICK)) {
        clickArrivals++;
        Click click = Click.parseFrom(envelope.getPayload());
        assertThat(click.getScreenName()).isEqualTo("checkout");
        clicks.add(click.getElementId());
      }
    }
    int duplicated = arrived.size() - byEventId.size();
    Set<String> lost = new HashSet<>(logged);
    lost.removeAll(clicks);
    System.out.printf(
        "Android transport to the local Kinesis: %d events logged, %d arrived, %d duplicated,"
            + " %d lost (%d envelopes with the tracker's audits, %d PutRecords calls)%n",
        logged.size(), clicks.size(), duplicated, lost.size(), arrived.size(), putRecordsCalls);

    assertThat(lost).as("lost").isEmpty();
    assertThat(duplicated).as("duplicated").isZero();
    assertThat(clickArrivals).isEqualTo(EVENTS);
    assertThat(sequences).as("one sequence number per event").hasSize(arrived.size());
    assertThat(tracker.metrics().eventsAccepted()).isEqualTo(arrived.size());
  }

  /** Every envelope of every shard, from the trim horizon, deaggregated. */
  private static List<Envelope> readBack(KinesisClient kinesis, String streamName)
      throws Exception {
    List<Envelope> envelopes = new ArrayList<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(streamName)).shards()) {
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName(streamName)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      // A page with no records is the end: every write completed before reading.
      for (int page = 0; page < 1_000 && iterator != null; page++) {
        String current = iterator;
        GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current));
        if (response.records().isEmpty()) {
          break;
        }
        for (Record record : response.records()) {
          byte[] data = record.data().asByteArrayUnsafe();
          if (KplRecords.isAggregated(data)) {
            AggregatedRecord aggregate = KplRecords.decode(data);
            for (dev.tideline.proto.kpl.Record sub : aggregate.getRecordsList()) {
              envelopes.add(Envelopes.decode(sub.getData()));
            }
          } else {
            envelopes.add(Envelopes.decode(data));
          }
        }
        iterator = response.nextShardIterator();
      }
    }
    return envelopes;
  }
}
