package dev.tideline.sdk.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.testkit.ManualClock;
import dev.tideline.sdk.testkit.ManualScheduler;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.wire.Envelopes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Delivery through the fault-injecting proxy in front of the local Kinesis: partial failures, HTTP
 * 500s, timeouts and connection resets.
 */
@ExtendWith(LocalKinesisExtension.class)
class FaultToleranceTest {
  /** Names each envelope's event type from its schema id. */
  private static final SchemaRegistry EVENT_TYPES = SchemaRegistry.fromClasspath();

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  @Test
  void onlyTheFailedEntriesOfAPartialFailureAreSentAgain(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    proxy.enqueue(
        Fault.failEach(
            i -> i == 3 ? Fault.THROTTLED : i == 7 || i == 8 ? Fault.INTERNAL_FAILURE : null));
    Tracker tracker =
        Tracker.builder()
            .streamName(stream.name())
            .sink(KinesisSink.create(client(server, proxy)))
            .aggregation(false)
            .auditPeriod(0, TimeUnit.SECONDS)
            .lingerTime(1, TimeUnit.SECONDS)
            .retryBackoff(10, 100, TimeUnit.MILLISECONDS)
            .build();

    for (int i = 0; i < 20; i++) {
      assertThat(tracker.log(Events.mixed(0, i))).isEqualTo(LogOutcome.ACCEPTED);
    }
    flushAndClose(tracker);

    List<PutRecordsCall> calls = proxy.putRecordsCalls();
    assertThat(calls.get(0).entries()).hasSize(20);
    List<UUID> failed = eventIds(calls.get(0).failedEntries());
    assertThat(failed).hasSize(3);
    List<UUID> resent = new ArrayList<>();
    calls.subList(1, calls.size()).forEach(c -> resent.addAll(eventIds(c.entries())));
    assertThat(resent).as("what was sent after the partial failure").hasSameElementsAs(failed);
    assertThat(resent).hasSize(3);
    assertThat(tracker.metrics().retriesByErrorCode())
        .containsEntry(ErrorCodes.THROTTLED, 1L)
        .containsEntry(ErrorCodes.INTERNAL_FAILURE, 2L);
    List<Envelope> stored = envelopes(server, stream);
    assertThat(stored).hasSize(20);
    assertThat(stored.stream().map(Envelopes::eventId).distinct()).hasSize(20);
  }

  @Test
  void noEventIsLostUnderFaultsAndEveryDuplicateComesFromACallThatWasNeverAnswered(
      @TestStream(shards = 2) LocalKinesisStream stream, LocalKinesisServer server)
      throws Exception {
    FaultInjectingProxy proxy = proxy(server);
    // Every kind of fault, twice, on the first calls (retries included); later calls go through.
    proxy.enqueue(
        partialFailure(Fault.THROTTLED),
        Fault.http500(),
        Fault.delayAfterForwarding(Duration.ofSeconds(5)),
        Fault.resetBeforeForwarding(),
        Fault.resetAfterForwarding(),
        partialFailure(Fault.INTERNAL_FAILURE),
        Fault.none(),
        Fault.resetAfterForwarding(),
        Fault.delayAfterForwarding(Duration.ofSeconds(5)),
        Fault.http500(),
        Fault.resetBeforeForwarding(),
        partialFailure(Fault.THROTTLED));
    List<TrackedEvent> deadLettered = new CopyOnWriteArrayList<>();
    CountingSink sink =
        new CountingSink(
            KinesisSink.builder(client(server, proxy))
                .requestTimeout(Duration.ofSeconds(3))
                .build());
    Tracker tracker =
        Tracker.builder()
            .streamName(stream.name())
            .sink(sink)
            .lingerTime(50, TimeUnit.MILLISECONDS)
            .retryBackoff(10, 200, TimeUnit.MILLISECONDS)
            .recordTtl(5, TimeUnit.MINUTES)
            .listener(
                new TrackerListener() {
                  @Override
                  public void onDeadLettered(
                      List<TrackedEvent> events, DropReason reason, String code, String message) {
                    deadLettered.addAll(events);
                  }
                })
            .build();

    // In waves, so that there are calls enough for every fault.
    int events = 20_000;
    for (int wave = 0; wave < 10; wave++) {
      for (int i = wave * 2_000; i < (wave + 1) * 2_000; i++) {
        assertThat(tracker.log(Events.mixed(i % 2, i))).isEqualTo(LogOutcome.ACCEPTED);
      }
      assertThat(tracker.flush().await(2, TimeUnit.MINUTES))
          .as("wave %s flushed: %s", wave, tracker.metrics())
          .isTrue();
    }
    flushAndClose(tracker);

    List<PutRecordsCall> calls = proxy.putRecordsCalls();
    assertThat(calls.stream().map(c -> c.fault().kind()).collect(Collectors.toSet()))
        .as("faults met")
        .contains(
            Fault.Kind.FAIL_ENTRIES,
            Fault.Kind.HTTP_500,
            Fault.Kind.DELAY_AFTER_FORWARDING,
            Fault.Kind.RESET_BEFORE_FORWARDING,
            Fault.Kind.RESET_AFTER_FORWARDING);
    RequestLimits.assertWithinLimits(
        calls, RequestLimits.MAX_REQUEST_BYTES, RequestLimits.MAX_RECORD_BYTES);
    assertThat(deadLettered).isEmpty();
    TrackerMetrics metrics = tracker.metrics();
    assertThat(metrics.eventsDropped()).as("%s", metrics).isZero();

    List<Arrivals.Arrival> arrivals =
        Arrivals.decodeWithOurCodec(StreamContents.read(server, stream.name()));
    Arrivals.assertEveryHashKeyInItsShardsRange(arrivals);
    Map<UUID, Integer> copies = new HashMap<>();
    Set<String> ids = new HashSet<>();
    for (Arrivals.Arrival arrival : arrivals) {
      Envelope envelope = arrival.envelope();
      copies.merge(Envelopes.eventId(envelope), 1, Integer::sum);
      if (!EVENT_TYPES.eventType(envelope).equals("tideline.events.v1.ProducerAudit")) {
        ids.add(Events.idOf(Events.parse(EVENT_TYPES.eventType(envelope), envelope.getPayload())));
      }
    }
    assertThat(ids).as("every logged event arrived").hasSize(events);
    assertThat(copies.size())
        .as("every accepted event arrived")
        .isEqualTo(metrics.eventsAccepted());

    // A duplicate is allowed only for an event that went in a call the tracker got no answer to
    // (a timeout or a reset: injected, or the local Kinesis being slow), which Kinesis may have
    // stored all the same.
    Set<UUID> unanswered = new HashSet<>();
    sink.unanswered().forEach(r -> unanswered.addAll(eventIdsOf(r.data())));
    assertThat(unanswered)
        .as("the injected timeouts and resets after forwarding went unanswered")
        .containsAll(
            calls.stream()
                .filter(c -> c.fault().mayDuplicate())
                .flatMap(c -> eventIds(c.entries()).stream())
                .toList());
    Set<UUID> duplicated =
        copies.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    assertThat(unanswered).containsAll(duplicated);
  }

  @Test
  void whatOutlivesItsTimeToLiveIsDeadLetteredWithItsEventsAndCounted(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    proxy.otherwise(index -> Fault.failAllEntries(Fault.INTERNAL_FAILURE));
    ManualClock time = new ManualClock();
    ManualScheduler tasks = new ManualScheduler(time);
    CountingSink sink = new CountingSink(KinesisSink.create(client(server, proxy)));
    List<TrackedEvent> deadLettered = new CopyOnWriteArrayList<>();
    List<String> reasons = new CopyOnWriteArrayList<>();
    Tracker tracker =
        Tracker.builder()
            .streamName(stream.name())
            .sink(sink)
            .clock(time)
            .scheduler(tasks)
            .auditPeriod(0, TimeUnit.SECONDS)
            .recordTtl(10, TimeUnit.SECONDS)
            .maxAttempts(1_000)
            .retryBackoff(100, 1_000, TimeUnit.MILLISECONDS)
            .listener(
                new TrackerListener() {
                  @Override
                  public void onDeadLettered(
                      List<TrackedEvent> events, DropReason reason, String code, String message) {
                    deadLettered.addAll(events);
                    reasons.add(reason + " " + code);
                  }
                })
            .build();

    List<Long> sequences = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      assertThat(tracker.log(Events.mixed(0, i))).isEqualTo(LogOutcome.ACCEPTED);
    }
    // Time moves only here: 250 ms a step, each step once every answer came back.
    for (int step = 0; step < 200 && deadLettered.size() < 10; step++) {
      tasks.runDue();
      await().atMost(Duration.ofSeconds(30)).until(sink::isIdle);
      tasks.runDue();
      time.advance(250, TimeUnit.MILLISECONDS);
    }

    deadLettered.forEach(e -> sequences.add(e.sequence()));
    assertThat(sequences).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(reasons).allSatisfy(r -> assertThat(r).isEqualTo("EXPIRED InternalFailure"));
    assertThat(tracker.metrics().dropped()).containsEntry(DropReason.EXPIRED, 10L);
    assertThat(proxy.putRecordsCalls().size()).as("attempts before expiring").isGreaterThan(2);
    assertThat(envelopes(server, stream)).isEmpty();
    tracker.close(0, TimeUnit.SECONDS);
    tasks.runDue();
  }

  @Test
  void aCallKinesisNeverAnswersTimesOutOnTheTrackersClockAndItsEventsAreSentAgain(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    CountDownLatch release = new CountDownLatch(1);
    toClose.add(release::countDown);
    // The first call is stored but its answer held back until the end; later calls go through.
    proxy.enqueue(Fault.holdUntil(release));
    ManualClock time = new ManualClock();
    ManualScheduler tasks = new ManualScheduler(time);
    // The AWS SDK's own timeout is out of the way: only the tracker's call timeout, on its clock.
    CountingSink sink =
        new CountingSink(
            KinesisSink.builder(client(server, proxy))
                .requestTimeout(Duration.ofMinutes(10))
                .build());
    Tracker tracker =
        Tracker.builder()
            .streamName(stream.name())
            .sink(sink)
            .clock(time)
            .scheduler(tasks)
            .auditPeriod(0, TimeUnit.SECONDS)
            .callTimeout(30, TimeUnit.SECONDS)
            .retryBackoff(100, 1_000, TimeUnit.MILLISECONDS)
            .build();

    for (int i = 0; i < 5; i++) {
      assertThat(tracker.log(Events.mixed(0, i))).isEqualTo(LogOutcome.ACCEPTED);
    }
    // Until the call is held: the shard map and the first PutRecords.
    for (int step = 0; step < 100 && proxy.putRecordsCalls().isEmpty(); step++) {
      tasks.runDue();
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.inFlight() <= 1);
      tasks.runDue();
      time.advance(100, TimeUnit.MILLISECONDS);
    }
    assertThat(proxy.putRecordsCalls()).hasSize(1);
    // 29 s on the tracker's clock: not yet given up.
    time.advance(29, TimeUnit.SECONDS);
    tasks.runDue();
    assertThat(tracker.metrics().retriesByErrorCode()).isEmpty();
    // Past 30 s: a transport error, and the events go again in a new call.
    for (int step = 0; step < 100 && tracker.metrics().eventsSent() < 5; step++) {
      time.advance(500, TimeUnit.MILLISECONDS);
      tasks.runDue();
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.inFlight() <= 1);
      tasks.runDue();
    }

    // One record (the five events, aggregated), retried once.
    assertThat(tracker.metrics().retriesByErrorCode())
        .containsOnlyKeys(ErrorCodes.TRANSPORT_ERROR)
        .containsEntry(ErrorCodes.TRANSPORT_ERROR, 1L);
    assertThat(tracker.metrics().eventsSent()).isEqualTo(5);
    assertThat(proxy.putRecordsCalls()).hasSize(2);
    release.countDown();
    await().atMost(Duration.ofSeconds(30)).until(sink::isIdle);
    tasks.runDue();
    // Both calls were stored: every event twice, each copy with its event id.
    List<Envelope> stored = envelopes(server, stream);
    assertThat(stored).hasSize(10);
    assertThat(stored.stream().map(Envelopes::eventId).distinct()).hasSize(5);
    assertThat(tracker.metrics().eventsDropped()).isZero();
    tracker.close(0, TimeUnit.SECONDS);
    tasks.runDue();
  }

  /** The first entry of the call fails with the code; the others are stored. */
  private static Fault partialFailure(String code) {
    return Fault.failEach(i -> i == 0 ? code : null);
  }

  private static List<UUID> eventIds(List<PutRecordsCall.Entry> entries) {
    List<UUID> ids = new ArrayList<>();
    for (PutRecordsCall.Entry entry : entries) {
      Arrivals.envelopesOf(entry.data()).forEach(e -> ids.add(Envelopes.eventId(e)));
    }
    return ids;
  }

  private static List<UUID> eventIdsOf(byte[] data) {
    return Arrivals.envelopesOf(data).stream().map(Envelopes::eventId).toList();
  }

  private static List<Envelope> envelopes(LocalKinesisServer server, LocalKinesisStream stream) {
    List<Envelope> envelopes = new ArrayList<>();
    StreamContents.read(server, stream.name())
        .records()
        .forEach(r -> envelopes.addAll(Arrivals.envelopesOf(r.data().asByteArray())));
    return envelopes;
  }

  private static void flushAndClose(Tracker tracker) {
    assertThat(tracker.flush().await(3, TimeUnit.MINUTES))
        .as("flushed: %s", tracker.metrics())
        .isTrue();
    assertThat(tracker.close(30, TimeUnit.SECONDS).await(1, TimeUnit.MINUTES)).isTrue();
  }

  private KinesisAsyncClient client(LocalKinesisServer server, FaultInjectingProxy proxy) {
    KinesisAsyncClient client = Clients.async(server, proxy.endpoint());
    toClose.add(client);
    return client;
  }

  private FaultInjectingProxy proxy(LocalKinesisServer server) {
    FaultInjectingProxy proxy = FaultInjectingProxy.start(server.httpEndpoint());
    toClose.add(proxy);
    return proxy;
  }
}
