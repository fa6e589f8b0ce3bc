package dev.tideline.sdk.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.MessageLite;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.Platform;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.BufferPolicy;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.TrackerMetrics;
import dev.tideline.sdk.kinesis.proxy.FaultInjectingProxy;
import dev.tideline.sdk.kinesis.proxy.PutRecordsCall;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.wire.Envelopes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * 100,000 mixed events logged from 4 threads, through the Kinesis sink, into a local Kinesis stream
 * of 2 shards: read back, deaggregated with our codec and with the KCL's, and compared field by
 * field with what was logged.
 */
@ExtendWith(LocalKinesisExtension.class)
class EndToEndDeliveryTest {
  /** Names each envelope's event type from its schema id. */
  private static final SchemaRegistry EVENT_TYPES = SchemaRegistry.fromClasspath();

  private static final int THREADS = 4;
  private static final int EVENTS_PER_THREAD = 25_000;
  private static final int EVENTS = THREADS * EVENTS_PER_THREAD;
  private static final String AUDIT = "tideline.events.v1.ProducerAudit";

  @Test
  void oneHundredThousandMixedEventsFromFourThreadsArriveExactlyOnceAndIntact(
      @TestStream(shards = 2) LocalKinesisStream stream, LocalKinesisServer server)
      throws Exception {
    SchemaRegistry registry = SchemaRegistry.fromClasspath();
    Context context =
        Context.newBuilder()
            .setAppId("tideline-e2e")
            .setAppVersion("1.2.3")
            .setPlatform(Platform.JVM)
            .setHost("e2e-host")
            .build();
    long startMicros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    List<PutRecordsCall> calls;
    TrackerMetrics metrics;
    byte[] producerId;
    try (FaultInjectingProxy proxy = FaultInjectingProxy.start(server.httpEndpoint());
        KinesisAsyncClient client = Clients.async(server, proxy.endpoint())) {
      Tracker tracker =
          Tracker.builder()
              .streamName(stream.name())
              // The local Kinesis can take seconds per call on a busy machine; a timeout would
              // resend a call (a duplicate), and this test is about delivery without faults.
              .sink(KinesisSink.builder(client).requestTimeout(Duration.ofMinutes(2)).build())
              .registry(registry)
              .context(context)
              // Back-pressure instead of drops: four threads log faster than one worker sends.
              .bufferPolicy(BufferPolicy.BLOCK)
              .blockTimeout(1, TimeUnit.MINUTES)
              .build();
      producerId = tracker.producerId();
      // Log once the shard map is known, as a service does after its start-up: until then the
      // tracker sends unaggregated records (by design), and on a busy machine the local Kinesis
      // can take longer than the linger time to answer the first ListShards.
      await().atMost(Duration.ofMinutes(1)).until(() -> tracker.metrics().shardMapRefreshes() >= 1);

      Map<LogOutcome, Integer> outcomes = logFromThreads(tracker);

      assertThat(outcomes).containsOnlyKeys(LogOutcome.ACCEPTED);
      boolean flushed = tracker.flush().await(2, TimeUnit.MINUTES);
      assertThat(flushed)
          .as("flushed in time; %s; proxy saw %s", tracker.metrics(), proxy.putRecordsCalls())
          .isTrue();
      assertThat(tracker.close(30, TimeUnit.SECONDS).await(1, TimeUnit.MINUTES)).isTrue();
      metrics = tracker.metrics();
      calls = proxy.putRecordsCalls();
    }
    long endMicros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());

    assertThat(metrics.eventsDropped()).isZero();
    RequestLimits.assertWithinLimits(
        calls, RequestLimits.MAX_REQUEST_BYTES, RequestLimits.MAX_RECORD_BYTES);
    assertThat(calls).allSatisfy(c -> assertThat(c.fullySucceeded()).isTrue());

    System.out.printf(
        "%d events in %d PutRecords calls of %d records; %s%n",
        EVENTS, calls.size(), calls.stream().mapToInt(c -> c.entries().size()).sum(), metrics);
    StreamContents contents = StreamContents.read(server, stream.name());
    int recordsSent = calls.stream().mapToInt(c -> c.entries().size()).sum();
    assertThat(contents.records()).hasSize(recordsSent);
    assertThat(recordsSent).as("aggregation: a few dozen records").isLessThan(200);

    List<Arrivals.Arrival> arrivals = Arrivals.decodeWithOurCodec(contents);
    Arrivals.assertEveryHashKeyInItsShardsRange(arrivals);
    assertThat(contents.shards()).allSatisfy(s -> assertThat(s.records()).isNotEmpty());

    Set<UUID> eventIds = new HashSet<>();
    Set<Long> sequences = new HashSet<>();
    List<Long> repeatedSequences = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Arrivals.Arrival arrival : arrivals) {
      Envelope envelope = arrival.envelope();
      assertThat(envelope.getProducerId().toByteArray()).isEqualTo(producerId);
      assertThat(envelope.getContext()).isEqualTo(context);
      assertThat(Envelopes.eventId(envelope)).isNotNull();
      assertThat(envelope.getEventTimeUs()).isBetween(startMicros - 1_000_000, endMicros);
      // The send delay (sent time − event time) is stamped when the record is built: never
      // negative, and the sent time it gives is before the test ended.
      assertThat(envelope.getSendDelayUs()).isNotNegative();
      assertThat(envelope.getEventTimeUs() + envelope.getSendDelayUs())
          .isLessThanOrEqualTo(endMicros);
      assertThat(registry.byId(envelope.getSchemaId()).getFormat())
          .isEqualTo(SchemaFormat.PROTOBUF);
      eventIds.add(Envelopes.eventId(envelope));
      if (!sequences.add(envelope.getSequence()) && repeatedSequences.size() < 20) {
        repeatedSequences.add(envelope.getSequence());
      }
      if (EVENT_TYPES.eventType(envelope).equals(AUDIT)) {
        continue; // the tracker's own delivery audit, logged alongside
      }
      MessageLite event = Events.parse(EVENT_TYPES.eventType(envelope), envelope.getPayload());
      String id = Events.idOf(event);
      MessageLite logged = Events.mixed(id);
      assertThat(event).as("event %s", id).isEqualTo(logged);
      assertThat(EVENT_TYPES.eventType(envelope))
          .isEqualTo(registry.forClass(logged.getClass()).getEventType());
      assertThat(envelope.getSchemaId())
          .isEqualTo(registry.forClass(logged.getClass()).getSchemaId());
      ids.add(id);
    }
    assertThat(ids).as("distinct logged events that arrived").hasSize(EVENTS);
    assertThat(metrics.eventsAccepted()).as("accepted (with audits)").isEqualTo(arrivals.size());
    assertThat(eventIds).as("distinct event ids: no duplicates").hasSize(arrivals.size());
    assertThat(repeatedSequences)
        .as("sequence numbers given to more than one of the %s events (first 20)", arrivals.size())
        .isEmpty();
    assertThat(sequences.stream().mapToLong(Long::longValue).min().getAsLong()).isEqualTo(1);
    assertThat(sequences.stream().mapToLong(Long::longValue).max().getAsLong())
        .isEqualTo(arrivals.size());

    List<Envelope> throughTheKcl = Arrivals.decodeWithTheKcl(contents);
    assertThat(throughTheKcl)
        .as("the KCL keeps every sub-record: none lies outside its shard's range")
        .hasSize(arrivals.size());
    Set<UUID> kclIds = new HashSet<>();
    throughTheKcl.forEach(e -> kclIds.add(Envelopes.eventId(e)));
    assertThat(kclIds).isEqualTo(eventIds);
  }

  private static Map<LogOutcome, Integer> logFromThreads(Tracker tracker) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Map<LogOutcome, Integer>>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        results.add(
            threads.submit(
                () -> {
                  Map<LogOutcome, Integer> outcomes = new EnumMap<>(LogOutcome.class);
                  for (int i = 0; i < EVENTS_PER_THREAD; i++) {
                    outcomes.merge(tracker.log(Events.mixed(thread, i)), 1, Integer::sum);
                  }
                  return outcomes;
                }));
      }
      Map<LogOutcome, Integer> total = new EnumMap<>(LogOutcome.class);
      for (Future<Map<LogOutcome, Integer>> result : results) {
        result.get(2, TimeUnit.MINUTES).forEach((k, v) -> total.merge(k, v, Integer::sum));
      }
      return total;
    } finally {
      threads.shutdownNow();
    }
  }
}
