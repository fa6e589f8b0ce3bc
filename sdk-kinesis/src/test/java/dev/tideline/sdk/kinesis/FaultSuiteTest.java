package dev.tideline.sdk.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.v1.Envelope;
import dev.tideline.sdk.DropReason;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.kinesis.proxy.Fault;
import dev.tideline.sdk.kinesis.proxy.FaultInjectingProxy;
import dev.tideline.sdk.kinesis.proxy.LoopbackPort;
import dev.tideline.sdk.kinesis.proxy.PutRecordsCall;
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The producer under every fault of the hardening list, each driven through a Tracker and the
 * KinesisSink into the local Kinesis, and each held to the same three checks ({@link FaultRun}):
 * nothing accepted lost without a counted reason, every drop counted with its reason, the buffer
 * within its bound all along. Time is the tracker's own (scaled down: a "minute" of throttling is a
 * minute of tracker time, stepped in quarter seconds), so the suite runs in minutes.
 */
@ExtendWith(LocalKinesisExtension.class)
class FaultSuiteTest {
  private static final Duration TICK = Duration.ofMillis(250);

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void anEndpointDownForAWhileGetsEveryEventTheBufferKeptOnceItIsBack(
      LocalKinesisStream stream, LocalKinesisServer server) {
    LoopbackPort port = closeLater(LoopbackPort.reserve(server.httpEndpoint()));
    FaultRun run =
        closeLater(
            FaultRun.start(
                stream.name(),
                KinesisSink.create(client(Clients.async(server, port.endpoint("http")))),
                b -> {}));

    // Down: 8 kB events, 4.8 MB of them over 30 s, more than the 2 MiB buffer holds.
    for (int i = 0; i < 600; i++) {
      run.log(Events.sized("t0-" + i, 8_000));
      if (i % 20 == 19) {
        run.step(Duration.ofSeconds(1));
      }
    }
    assertThat(run.tracker().metrics().retriesByErrorCode())
        .as("calls to the closed port failed and were retried")
        .containsKey(ErrorCodes.TRANSPORT_ERROR);
    assertThat(run.tracker().metrics().eventsSent()).isZero();

    port.mode(LoopbackPort.Mode.RELAY);
    run.flushAndClose(Duration.ofMinutes(2));

    FaultRun.Delivery delivery = run.check(server, stream.name());
    assertThat(run.maxBufferedBytesSeen())
        .as("the buffer filled up to its bound")
        .isGreaterThan(FaultRun.MAX_BUFFER_BYTES * 3 / 4);
    long bufferFull =
        delivery.dropped().getOrDefault(DropReason.BUFFER_FULL, 0L)
            + delivery.metrics().rejected().getOrDefault(LogOutcome.BUFFER_FULL, 0L);
    assertThat(bufferFull).as("events the full buffer could not keep").isPositive();
    assertThat(delivery.dropped()).containsOnlyKeys(DropReason.BUFFER_FULL);
    assertThat(delivery.metrics().eventsSent())
        .as("everything the buffer kept")
        .isEqualTo(
            delivery.metrics().eventsAccepted() - delivery.dropped().get(DropReason.BUFFER_FULL))
        .isGreaterThan(100);
  }

  /**
   * Endpoints that never answer a call: a host name that does not resolve, and an https endpoint
   * that speaks plain HTTP. How they come back is the endpoint-down test's path (the same transport
   * error, retried); here the point is that a tracker facing them neither crashes nor hangs, and
   * dead-letters at the time-to-live with the reason.
   */
  @ParameterizedTest
  @ValueSource(strings = {"unresolvable host", "https to a plain HTTP port"})
  void anEndpointThatNeverAnswersDeadLettersEveryEventAtItsTimeToLiveWithTheReason(
      String fault, LocalKinesisStream stream, LocalKinesisServer server) {
    URI endpoint =
        fault.equals("unresolvable host")
            ? URI.create("http://kinesis.tideline-faults.invalid:4567")
            : URI.create("https://127.0.0.1:" + server.httpEndpoint().getPort());
    // Calls bounded at 1 s: the AWS SDK's Netty client sometimes reports a host that does not
    // resolve only when the call times out, not as an UnknownHostException.
    Duration callTimeout = Duration.ofSeconds(1);
    FaultRun run =
        closeLater(
            FaultRun.start(
                stream.name(),
                KinesisSink.builder(
                        client(
                            Clients.async(
                                server,
                                endpoint,
                                KinesisSink.recommendedClientConfiguration().toBuilder()
                                    .apiCallTimeout(callTimeout)
                                    .apiCallAttemptTimeout(callTimeout)
                                    .build())))
                    .requestTimeout(callTimeout)
                    .build(),
                b -> b.recordTtl(10, TimeUnit.SECONDS)));

    run.logMixed(0, 100);
    run.flushAndClose(Duration.ofMinutes(1), Duration.ofSeconds(1));

    FaultRun.Delivery delivery = run.check(server, stream.name());
    assertThat(delivery.arrivals()).isEmpty();
    assertThat(delivery.dropped()).containsOnlyKeys(DropReason.EXPIRED);
    assertThat(delivery.dropped().get(DropReason.EXPIRED)).isEqualTo(100);
    assertThat(run.deadLetterCodes()).containsOnly(ErrorCodes.TRANSPORT_ERROR);
    assertThat(run.deadLetterMessages())
        .allSatisfy(
            m ->
                assertThat(m)
                    .contains("PutRecords on " + stream.name())
                    .containsAnyOf("SdkClientException", "ApiCallTimeoutException"));
    assertThat(delivery.metrics().retriesByErrorCode().get(ErrorCodes.TRANSPORT_ERROR))
        .as("attempts within the time-to-live")
        .isGreaterThan(3);
  }

  @Test
  void aTlsHandshakeThatFailsIsRetriedUntilTheEndpointSpeaksTlsAgain(
      LocalKinesisStream stream, LocalKinesisServer server) {
    LoopbackPort port =
        closeLater(LoopbackPort.reserve(server.httpsEndpoint()).mode(LoopbackPort.Mode.GARBAGE));
    FaultRun run =
        closeLater(
            FaultRun.start(
                stream.name(),
                KinesisSink.create(
                    client(Clients.asyncTrustingAnyCertificate(server, port.endpoint("https")))),
                b -> {}));

    run.logMixed(0, 500);
    run.driveFor(Duration.ofSeconds(10), TICK);
    assertThat(port.connections()).isPositive();
    assertThat(run.tracker().metrics().retriesByErrorCode())
        .containsKey(ErrorCodes.TRANSPORT_ERROR);
    assertThat(run.tracker().metrics().eventsSent()).isZero();

    port.mode(LoopbackPort.Mode.RELAY);
    run.logMixed(500, 1_000);
    run.flushAndClose(Duration.ofMinutes(2));

    FaultRun.Delivery delivery = run.check(server, stream.name());
    assertThat(delivery.dropped()).isEmpty();
    assertThat(delivery.metrics().eventsSent()).isEqualTo(1_000);
    assertThat(delivery.duplicatedEvents()).isZero();
  }

  @Test
  void thirtyPercentOfEntriesThrottledForAMinuteSlowDeliveryButLoseNothing(
      @TestStream(shards = 2) LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    AtomicBoolean throttling = new AtomicBoolean(true);
    proxy.otherwise(
        call ->
            Fault.failEach(
                entry -> throttling.get() && spread(call, entry) < 30 ? Fault.THROTTLED : null));
    FaultRun run =
        closeLater(
            FaultRun.start(
                stream.name(),
                KinesisSink.create(client(Clients.async(server, proxy.endpoint()))),
                b -> b.maxInFlightRequests(2)));

    // A steady 40 events a second for a minute of the tracker's time.
    int logged = 0;
    for (int tick = 0; tick < 240; tick++) {
      run.logMixed(logged, logged + 10);
      logged += 10;
      run.step(TICK);
    }
    throttling.set(false);
    run.flushAndClose(Duration.ofMinutes(2));

    FaultRun.Delivery delivery = run.check(server, stream.name());
    assertThat(delivery.dropped()).isEmpty();
    assertThat(delivery.metrics().eventsSent()).isEqualTo(logged);
    assertThat(delivery.duplicatedEvents()).isZero();
    assertThat(delivery.metrics().retriesByErrorCode()).containsKey(ErrorCodes.THROTTLED);
    assertThat(delivery.metrics().throttlesByShard()).isNotEmpty();
    long throttled =
        proxy.putRecordsCalls().stream()
            .flatMap(c -> c.entryErrors().stream())
            .filter(Fault.THROTTLED::equals)
            .count();
    assertThat(throttled).isEqualTo(delivery.metrics().retriesByErrorCode().get(Fault.THROTTLED));
  }

  @Test
  void burstsOfHttp500AreRetriedAndLoseNothing(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    // Bursts of five failed calls, five good ones between, for the first forty calls.
    proxy.otherwise(call -> call < 40 && (call / 5) % 2 == 0 ? Fault.http500() : Fault.none());
    FaultRun run =
        closeLater(
            FaultRun.start(
                stream.name(),
                KinesisSink.create(client(Clients.async(server, proxy.endpoint()))),
                b -> {}));

    int logged = 0;
    for (int tick = 0; tick < 120; tick++) {
      run.logMixed(logged, logged + 10);
      logged += 10;
      run.step(TICK);
    }
    run.flushAndClose(Duration.ofMinutes(2));

    FaultRun.Delivery delivery = run.check(server, stream.name());
    assertThat(faultsMet(proxy)).contains(Fault.Kind.HTTP_500);
    assertThat(delivery.dropped()).isEmpty();
    assertThat(delivery.metrics().eventsSent()).isEqualTo(logged);
    assertThat(delivery.duplicatedEvents()).isZero();
    assertThat(delivery.metrics().retriesByErrorCode()).containsKey(ErrorCodes.INTERNAL_FAILURE);
  }

  @Test
  void connectionsResetBeforeAndAfterForwardingLoseNothingAndDuplicateOnlyUnansweredCalls(
      @TestStream(shards = 2) LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    proxy.otherwise(
        call ->
            call >= 30
                ? Fault.none()
                : call % 3 == 0
                    ? Fault.resetBeforeForwarding()
                    : call % 3 == 1 ? Fault.resetAfterForwarding() : Fault.none());
    FaultRun run =
        closeLater(
            FaultRun.start(
                stream.name(),
                KinesisSink.create(client(Clients.async(server, proxy.endpoint()))),
                b -> {}));

    int logged = 0;
    for (int tick = 0; tick < 120; tick++) {
      run.logMixed(logged, logged + 10);
      logged += 10;
      run.step(TICK);
    }
    run.flushAndClose(Duration.ofMinutes(2));

    FaultRun.Delivery delivery = run.check(server, stream.name());
    assertThat(faultsMet(proxy))
        .contains(Fault.Kind.RESET_BEFORE_FORWARDING, Fault.Kind.RESET_AFTER_FORWARDING);
    assertThat(delivery.dropped()).isEmpty();
    assertThat(delivery.metrics().eventsSent()).isEqualTo(logged);
    assertThat(delivery.duplicatedEvents())
        .as("the calls reset after forwarding were stored, then sent again")
        .isPositive();
    assertThat(delivery.metrics().retriesByErrorCode()).containsKey(ErrorCodes.TRANSPORT_ERROR);
  }

  @Test
  void reshardingWhileSendingLosesNothingAKclConsumerCanSee(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultRun run =
        closeLater(
            FaultRun.start(
                stream.name(),
                KinesisSink.builder(client(Clients.async(server, server.httpEndpoint())))
                    .requestTimeout(Duration.ofMinutes(2))
                    .build(),
                b -> {}));
    run.driveUntil(
        () -> run.tracker().metrics().shardMapRefreshes() >= 1,
        Duration.ofMinutes(1),
        TICK,
        "the first shard map");
    int logged = 0;
    for (; logged < 400; logged += 20) {
      run.logMixed(logged, logged + 20);
      run.step(TICK);
    }

    server
        .client()
        .updateShardCount(
            b ->
                b.streamName(stream.name())
                    .targetShardCount(2)
                    .scalingType(ScalingType.UNIFORM_SCALING));
    // Sending on while Kinesis splits the shard, and after.
    for (int tick = 0; tick < 400 && (tick < 40 || !isActive(server, stream)); tick++) {
      run.logMixed(logged, logged + 20);
      logged += 20;
      run.step(TICK);
    }
    assertThat(isActive(server, stream)).as("resharding finished").isTrue();
    run.allowMisroutedResends();
    run.flushAndClose(Duration.ofMinutes(2));

    FaultRun.Delivery delivery = run.check(server, stream.name());
    assertThat(delivery.dropped()).isEmpty();
    assertThat(delivery.metrics().shardMapRefreshes()).isGreaterThanOrEqualTo(2);
    StreamContents contents = StreamContents.read(server, stream.name());
    assertThat(contents.shards()).hasSize(3);
    Set<Long> seenByTheKcl = new HashSet<>();
    Arrivals.decodeWithTheKcl(contents).forEach(e -> seenByTheKcl.add(e.getSequence()));
    assertThat(seenByTheKcl)
        .as("every accepted event, as a KCL consumer reads the stream")
        .hasSize(logged);
  }

  @Test
  void aForwardJumpOfTheMonotonicClockWithinTheTimeToLiveDropsNothing(
      LocalKinesisStream stream, LocalKinesisServer server) {
    AtomicBoolean failing = new AtomicBoolean(true);
    FaultRun run = retryingForFiveSeconds(stream, server, failing);
    // 5 s + 50 s of the 60 s time-to-live: a suspended VM waking up.
    run.jumpMonotonicClock(Duration.ofSeconds(50));
    failing.set(false);
    run.flushAndClose(Duration.ofSeconds(4));

    FaultRun.Delivery delivery = run.check(server, stream.name());
    assertThat(delivery.dropped()).isEmpty();
    assertThat(delivery.metrics().eventsSent()).isEqualTo(200);
    assertThat(run.smallestScheduledDelayNanos()).as("no negative delay").isNotNegative();
  }

  @Test
  void wallClockJumpsForwardAndBackMoveEventTimesButNotDelivery(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultRun run =
        closeLater(
            FaultRun.start(
                stream.name(),
                KinesisSink.create(client(Clients.async(server, server.httpEndpoint()))),
                b -> b.recordTtl(60, TimeUnit.SECONDS)));

    long before = run.wallClockMicros();
    run.logMixed(0, 100);
    run.step(TICK);
    run.jumpWallClock(Duration.ofDays(1));
    run.logMixed(100, 200);
    run.step(TICK);
    run.jumpWallClock(Duration.ofDays(-2));
    run.logMixed(200, 300);
    run.flushAndClose(Duration.ofSeconds(10));

    FaultRun.Delivery delivery = run.check(server, stream.name());
    assertThat(delivery.dropped()).isEmpty();
    assertThat(delivery.metrics().eventsSent()).isEqualTo(300);
    long day = TimeUnit.DAYS.toMicros(1);
    long slack = TimeUnit.SECONDS.toMicros(5);
    for (Envelope envelope : delivery.envelopes()) {
      long offset = envelope.getSequence() <= 100 ? 0 : envelope.getSequence() <= 200 ? day : -day;
      assertThat(envelope.getEventTimeUs())
          .as("event time of sequence %s", envelope.getSequence())
          .isBetween(before + offset, before + offset + slack);
    }
    assertThat(run.smallestScheduledDelayNanos()).as("no negative delay").isNotNegative();
  }

  @Test
  void aBackwardJumpOfTheMonotonicClockDoesNotStallRetries(
      LocalKinesisStream stream, LocalKinesisServer server) {
    AtomicBoolean failing = new AtomicBoolean(true);
    FaultRun run = retryingForFiveSeconds(stream, server, failing);
    run.jumpMonotonicClock(Duration.ofHours(-1));
    failing.set(false);
    // The longest backoff is 2 s: a retry due then, not an hour later.
    run.flushAndClose(Duration.ofSeconds(10));

    FaultRun.Delivery delivery = run.check(server, stream.name());
    assertThat(delivery.dropped()).isEmpty();
    assertThat(delivery.metrics().eventsSent()).isEqualTo(200);
    assertThat(run.smallestScheduledDelayNanos()).as("no negative delay").isNotNegative();
  }

  /**
   * 200 events logged while every call fails with InternalFailure (until {@code failing} is
   * cleared), driven for 5 s of tracker time so that they are waiting to be retried; time-to-live
   * 60 s, backoff 100 ms to 2 s.
   */
  private FaultRun retryingForFiveSeconds(
      LocalKinesisStream stream, LocalKinesisServer server, AtomicBoolean failing) {
    FaultInjectingProxy proxy = proxy(server);
    proxy.otherwise(
        call -> failing.get() ? Fault.failAllEntries(Fault.INTERNAL_FAILURE) : Fault.none());
    FaultRun run =
        closeLater(
            FaultRun.start(
                stream.name(),
                KinesisSink.create(client(Clients.async(server, proxy.endpoint()))),
                b ->
                    b.recordTtl(60, TimeUnit.SECONDS)
                        .retryBackoff(100, 2_000, TimeUnit.MILLISECONDS)));
    run.logMixed(0, 200);
    run.driveFor(Duration.ofSeconds(5), TICK);
    assertThat(run.tracker().metrics().retriesByErrorCode())
        .containsKey(ErrorCodes.INTERNAL_FAILURE);
    return run;
  }

  /** A number from 0 to 99 spread evenly over calls and entries, the same on every run. */
  private static int spread(int call, int entry) {
    return Math.floorMod((call * 31 + entry) * 0x9E3779B9, 100);
  }

  private static Set<Fault.Kind> faultsMet(FaultInjectingProxy proxy) {
    return proxy.putRecordsCalls().stream()
        .map(PutRecordsCall::fault)
        .map(Fault::kind)
        .collect(Collectors.toSet());
  }

  private static boolean isActive(LocalKinesisServer server, LocalKinesisStream stream) {
    return server
            .client()
            .describeStreamSummary(b -> b.streamName(stream.name()))
            .streamDescriptionSummary()
            .streamStatus()
        == StreamStatus.ACTIVE;
  }

  private FaultInjectingProxy proxy(LocalKinesisServer server) {
    return closeLater(FaultInjectingProxy.start(server.httpEndpoint()));
  }

  private KinesisAsyncClient client(KinesisAsyncClient client) {
    return closeLater(client);
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    toClose.add(closeable);
    return closeable;
  }
}
