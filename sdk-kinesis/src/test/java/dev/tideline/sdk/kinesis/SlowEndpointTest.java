package dev.tideline.sdk.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.DropReason;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.TrackedEvent;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.TrackerListener;
import dev.tideline.sdk.TrackerMetrics;
import dev.tideline.sdk.kinesis.proxy.Fault;
import dev.tideline.sdk.kinesis.proxy.FaultInjectingProxy;
import dev.tideline.sdk.kinesis.proxy.PutRecordsCall;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.wire.Envelopes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A slow but working endpoint: every PutRecords call is answered only once a shared link of limited
 * bandwidth has carried it, so the default calls (5 MiB, 4 in flight) are answered after the
 * request timeout, while smaller and fewer calls are answered in time. The tracker must adapt
 * (smaller, fewer calls) and deliver everything within the time-to-live, instead of resending the
 * same too-large calls until their events expire.
 */
@ExtendWith(LocalKinesisExtension.class)
class SlowEndpointTest {
  /** Names each envelope's event type from its schema id. */
  private static final SchemaRegistry EVENT_TYPES = SchemaRegistry.fromClasspath();

  private static final int MIB = 1024 * 1024;

  @Test
  void aSlowEndpointGetsSmallerAndFewerCallsAndEverythingArrivesWithinTheTimeToLive(
      @TestStream(shards = 4) LocalKinesisStream stream, LocalKinesisServer server) {
    // 1 MiB/s: the first calls (4 MiB each, 8 MiB in all) need 8 s against a 3 s request timeout.
    try (FaultInjectingProxy proxy = FaultInjectingProxy.start(server.httpEndpoint());
        KinesisAsyncClient client = Clients.async(server, proxy.endpoint())) {
      proxy.otherwise(i -> Fault.slowLink(MIB));
      List<TrackedEvent> deadLettered = new CopyOnWriteArrayList<>();
      CountingSink sink =
          new CountingSink(
              KinesisSink.builder(client).requestTimeout(Duration.ofSeconds(3)).build());
      Tracker tracker =
          Tracker.builder()
              .streamName(stream.name())
              .sink(sink)
              .auditPeriod(0, TimeUnit.SECONDS)
              .lingerTime(2, TimeUnit.SECONDS) // everything is buffered before the first call
              .retryBackoff(10, 500, TimeUnit.MILLISECONDS)
              .recordTtl(2, TimeUnit.MINUTES)
              .maxBufferBytes(32L * MIB)
              .listener(
                  new TrackerListener() {
                    @Override
                    public void onDeadLettered(
                        List<TrackedEvent> events, DropReason reason, String code, String message) {
                      deadLettered.addAll(events);
                    }
                  })
              .build();

      int events = 8_000; // about 1 KiB each: 8 MiB in all
      for (int i = 0; i < events; i++) {
        assertThat(tracker.log(Events.sized(Integer.toString(i), 1_000)))
            .isEqualTo(LogOutcome.ACCEPTED);
      }
      assertThat(tracker.flush().await(3, TimeUnit.MINUTES))
          .as("flushed: %s", tracker.metrics())
          .isTrue();
      assertThat(tracker.close(30, TimeUnit.SECONDS).await(1, TimeUnit.MINUTES)).isTrue();

      TrackerMetrics metrics = tracker.metrics();
      assertThat(deadLettered).as("dead-lettered: %s", metrics).isEmpty();
      assertThat(metrics.eventsDropped()).as("%s", metrics).isZero();
      assertThat(metrics.requestWindowShrinks()).as("%s", metrics).isPositive();

      List<PutRecordsCall> calls = proxy.putRecordsCalls();
      int first = calls.get(0).bodyBytes();
      int last = calls.get(calls.size() - 1).bodyBytes();
      assertThat(first).as("the first call was a large one").isGreaterThan(3 * MIB);
      assertThat(calls.stream().mapToInt(PutRecordsCall::bodyBytes).min().orElseThrow())
          .as("later calls were smaller")
          .isLessThan(first / 2);
      assertThat(last).isLessThan(first);

      Map<UUID, Integer> copies = new HashMap<>();
      Set<String> ids = new HashSet<>();
      for (Arrivals.Arrival arrival :
          Arrivals.decodeWithOurCodec(StreamContents.read(server, stream.name()))) {
        Envelope envelope = arrival.envelope();
        copies.merge(Envelopes.eventId(envelope), 1, Integer::sum);
        ids.add(Events.idOf(Events.parse(EVENT_TYPES.eventType(envelope), envelope.getPayload())));
      }
      assertThat(ids).as("every logged event arrived").hasSize(events);
      // Duplicates come only from calls the tracker got no answer to (stored all the same).
      Set<UUID> unanswered = new HashSet<>();
      sink.unanswered().forEach(r -> unanswered.addAll(eventIdsOf(r.data())));
      copies.forEach(
          (id, n) -> {
            if (n > 1) {
              assertThat(unanswered).contains(id);
            }
          });
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<UUID> eventIdsOf(byte[] data) {
    return Arrivals.envelopesOf(data).stream().map(Envelopes::eventId).toList();
  }
}
