package dev.tideline.sdk.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.Tracker;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.wire.Envelopes;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A stream resharded under a running tracker: records aggregated for the old shard land in one of
 * its children; a KCL consumer drops such an aggregate whole, so every event of it must be sent
 * again, or it would never see them.
 */
@ExtendWith(LocalKinesisExtension.class)
class ReshardingTest {
  /** Names each envelope's event type from its schema id. */
  private static final SchemaRegistry EVENT_TYPES = SchemaRegistry.fromClasspath();

  @Test
  void afterASplitEveryEventStillReachesAKclConsumer(
      LocalKinesisStream stream, LocalKinesisServer server) throws Exception {
    String metrics;
    try (KinesisAsyncClient client = Clients.async(server, server.httpEndpoint())) {
      Tracker tracker =
          Tracker.builder()
              .streamName(stream.name())
              .sink(KinesisSink.builder(client).requestTimeout(Duration.ofMinutes(2)).build())
              .auditPeriod(0, TimeUnit.SECONDS)
              .build();
      await().atMost(Duration.ofMinutes(1)).until(() -> tracker.metrics().shardMapRefreshes() >= 1);
      for (int i = 0; i < 1_000; i++) {
        assertThat(tracker.log(Events.mixed(0, i))).isEqualTo(LogOutcome.ACCEPTED);
      }
      assertThat(tracker.flush().await(2, TimeUnit.MINUTES)).isTrue();

      // The tracker's map still has the one shard; Kinesis now has two open children.
      server
          .client()
          .updateShardCount(
              b ->
                  b.streamName(stream.name())
                      .targetShardCount(2)
                      .scalingType(ScalingType.UNIFORM_SCALING));
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  server
                          .client()
                          .describeStreamSummary(b -> b.streamName(stream.name()))
                          .streamDescriptionSummary()
                          .streamStatus()
                      == StreamStatus.ACTIVE);
      for (int i = 1_000; i < 3_000; i++) {
        assertThat(tracker.log(Events.mixed(0, i))).isEqualTo(LogOutcome.ACCEPTED);
      }
      assertThat(tracker.flush().await(2, TimeUnit.MINUTES))
          .as("flushed: %s", tracker.metrics())
          .isTrue();
      assertThat(tracker.close(30, TimeUnit.SECONDS).await(1, TimeUnit.MINUTES)).isTrue();
      assertThat(tracker.metrics().eventsDropped()).isZero();
      assertThat(tracker.metrics().shardMapRefreshes()).isGreaterThanOrEqualTo(2);
      metrics = tracker.metrics().toString();
    }

    StreamContents contents = StreamContents.read(server, stream.name());
    assertThat(contents.shards()).hasSize(3);
    List<Envelope> seenByTheKcl = Arrivals.decodeWithTheKcl(contents);
    Set<String> ids = new HashSet<>();
    Set<UUID> eventIds = new HashSet<>();
    for (Envelope envelope : seenByTheKcl) {
      ids.add(Events.idOf(Events.parse(EVENT_TYPES.eventType(envelope), envelope.getPayload())));
      eventIds.add(Envelopes.eventId(envelope));
    }
    List<Arrivals.Arrival> arrivals = Arrivals.decodeWithOurCodec(contents);
    assertThat(ids)
        .as(
            "every event, as a KCL consumer reads the stream; tracker %s; stored %s events, %s"
                + " outside their shard's range, in shards %s",
            metrics,
            arrivals.size(),
            arrivals.stream().filter(a -> !a.hashKeyInShardRange()).count(),
            contents.shards().stream()
                .map(
                    s ->
                        s.shardId()
                            + " ["
                            + s.startingHashKey()
                            + ", "
                            + s.endingHashKey()
                            + "] "
                            + s.records().size()
                            + " records")
                .toList())
        .hasSize(3_000);
    assertThat(eventIds).hasSize(3_000);
  }
}
