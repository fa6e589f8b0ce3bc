package dev.tideline.sdk.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.PartitionKeyStrategy;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.TrackerBuilder;
import dev.tideline.sdk.kinesis.proxy.FaultInjectingProxy;
import dev.tideline.sdk.kinesis.proxy.PutRecordsCall;
import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The PutRecords requests the Tracker builds, read as they go over the wire to the local Kinesis:
 * at most 500 entries, at most the request limit, every record at most the maximum record size
 * counting its partition key, with events sized exactly at each limit, one byte under and one byte
 * over. The local Kinesis enforces the 1 MiB record limit itself, so a record one byte too large
 * would also be refused there.
 */
@ExtendWith(LocalKinesisExtension.class)
class RequestShapeTest {
  /** Names each envelope's event type from its schema id. */
  private static final SchemaRegistry EVENT_TYPES = SchemaRegistry.fromClasspath();

  /** Every event gets this partition key: one byte, so sizes are easy to reason about. */
  private static final String KEY = "k";

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  @Test
  void anEventExactlyAtTheRecordLimitAndOneByteUnderArriveAndOneByteOverIsRefusedAsTooLarge(
      LocalKinesisStream stream, LocalKinesisServer server) {
    int limit = RequestLimits.MAX_RECORD_BYTES;
    int exact = textLengthForRecordSize(limit);
    FaultInjectingProxy proxy = proxy(server);
    Tracker tracker = tracker(stream, server, proxy, b -> b);

    LogOutcome atLimit = tracker.log(Events.sized("exact-00", exact));
    LogOutcome under = tracker.log(Events.sized("under-00", exact - 1));
    LogOutcome over = tracker.log(Events.sized("over--00", exact + 1));
    close(tracker);

    assertThat(atLimit).isEqualTo(LogOutcome.ACCEPTED);
    assertThat(under).isEqualTo(LogOutcome.ACCEPTED);
    assertThat(over).isEqualTo(LogOutcome.TOO_LARGE);
    List<PutRecordsCall> calls = proxy.putRecordsCalls();
    RequestLimits.assertWithinLimits(calls, RequestLimits.MAX_REQUEST_BYTES, limit);
    assertThat(calls.stream().flatMap(c -> c.entries().stream()))
        .extracting(PutRecordsCall.Entry::billedSize)
        .contains(limit, limit - 1);
    assertThat(calls).allSatisfy(c -> assertThat(c.fullySucceeded()).isTrue());
    assertThat(Arrivals.decodeWithOurCodec(StreamContents.read(server, stream.name())))
        .extracting(a -> Events.idOf(parse(a.envelope())))
        .containsExactlyInAnyOrder("exact-00", "under-00");
  }

  @Test
  void aRequestHoldsRecordsUpToExactlyTheRequestLimitAndTheNextRecordGoesInAnother(
      LocalKinesisStream stream, LocalKinesisServer server) {
    int limit = RequestLimits.MAX_RECORD_BYTES;
    int exact = textLengthForRecordSize(limit);
    FaultInjectingProxy proxy = proxy(server);
    // The shard's 1 MiB/s limit would send the records one a second; the local Kinesis does not
    // enforce shard throughput, so lift it to look at the request limit alone.
    Tracker tracker =
        tracker(stream, server, proxy, b -> b.lingerTime(5, TimeUnit.SECONDS).rateLimitFactor(10));

    // Five records of exactly 1 MiB fill a 5 MiB request exactly; the sixth does not fit. No
    // flush (which sends whatever is ready at once): the full request goes out on its size, the
    // sixth record after the linger time.
    for (int i = 0; i < 6; i++) {
      assertThat(tracker.log(Events.sized("exact-0" + i, exact))).isEqualTo(LogOutcome.ACCEPTED);
    }
    await().atMost(Duration.ofMinutes(2)).until(() -> tracker.metrics().eventsSent() == 6);
    close(tracker);

    List<PutRecordsCall> calls = proxy.putRecordsCalls();
    RequestLimits.assertWithinLimits(calls, RequestLimits.MAX_REQUEST_BYTES, limit);
    assertThat(calls).extracting(PutRecordsCall::billedBytes).contains(5L * limit);
    assertThat(calls.stream().mapToInt(c -> c.entries().size()).sum())
        .as("%s %s", calls, calls.stream().map(PutRecordsCall::entryErrors).toList())
        .isEqualTo(6);
    assertThat(StreamContents.read(server, stream.name()).records()).hasSize(6);
  }

  @Test
  void aRequestHoldsAtMostFiveHundredEntries(LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    Tracker tracker =
        tracker(
            stream,
            server,
            proxy,
            b ->
                b.aggregation(false)
                    .partitionKeys(PartitionKeyStrategy.perEvent())
                    .lingerTime(5, TimeUnit.SECONDS)
                    .rateLimitFactor(10));

    // 500 fill a request exactly; the 501st and later go in the next. No flush, as above.
    for (int i = 0; i < 1_001; i++) {
      assertThat(tracker.log(Events.mixed(0, i))).isEqualTo(LogOutcome.ACCEPTED);
    }
    await().atMost(Duration.ofMinutes(2)).until(() -> tracker.metrics().eventsSent() == 1_001);
    close(tracker);

    List<PutRecordsCall> calls = proxy.putRecordsCalls();
    RequestLimits.assertWithinLimits(
        calls, RequestLimits.MAX_REQUEST_BYTES, RequestLimits.MAX_RECORD_BYTES);
    assertThat(calls).extracting(c -> c.entries().size()).contains(RequestLimits.MAX_ENTRIES);
    assertThat(calls.stream().mapToInt(c -> c.entries().size()).sum()).isEqualTo(1_001);
    assertThat(StreamContents.read(server, stream.name()).records()).hasSize(1_001);
  }

  /**
   * The length of a {@link Events#sized} click's text that makes its envelope plus the partition
   * key exactly {@code recordBytes}, as measured on a tracker with the same settings writing to an
   * in-memory sink (the envelope's own fields, such as its times, are of fixed size).
   */
  private static int textLengthForRecordSize(int recordBytes) {
    int guess = recordBytes - 1_000;
    int measured = measuredRecordSize(guess);
    int exact = guess + (recordBytes - measured);
    assertThat(measuredRecordSize(exact))
        .as("probe of %s characters", exact)
        .isEqualTo(recordBytes);
    return exact;
  }

  private static int measuredRecordSize(int textLength) {
    InMemorySink sink = InMemorySink.create().setMaxRecordBytes(4 * 1024 * 1024);
    Tracker probe =
        base(Tracker.builder().streamName("probe").sink(sink)).maxRecordBytes(4 << 20).build();
    assertThat(probe.log(Events.sized("probe-00", textLength))).isEqualTo(LogOutcome.ACCEPTED);
    close(probe);
    List<Envelope> envelopes = sink.storedEnvelopes();
    assertThat(envelopes).hasSize(1);
    // A record at the limit is sent without its send delay (only for clock-skew correction), so
    // an event's record size is that of its envelope without one.
    return envelopes.get(0).toBuilder().clearSendDelayUs().build().getSerializedSize()
        + KEY.length();
  }

  private Tracker tracker(
      LocalKinesisStream stream,
      LocalKinesisServer server,
      FaultInjectingProxy proxy,
      Function<TrackerBuilder, TrackerBuilder> settings) {
    KinesisAsyncClient client = Clients.async(server, proxy.endpoint());
    toClose.add(client);
    return settings
        .apply(
            base(
                Tracker.builder()
                    .streamName(stream.name())
                    // The local Kinesis takes seconds over a 5 MiB request when the machine is
                    // busy; a timeout would resend it (a duplicate), which is not under test here.
                    .sink(
                        KinesisSink.builder(client).requestTimeout(Duration.ofMinutes(2)).build())))
        .build();
  }

  private static TrackerBuilder base(TrackerBuilder builder) {
    return builder
        .partitionKeys(PartitionKeyStrategy.of(e -> KEY))
        .auditPeriod(0, TimeUnit.SECONDS);
  }

  private FaultInjectingProxy proxy(LocalKinesisServer server) {
    FaultInjectingProxy proxy = FaultInjectingProxy.start(server.httpEndpoint());
    toClose.add(proxy);
    return proxy;
  }

  private static void close(Tracker tracker) {
    assertThat(tracker.flush().await(1, TimeUnit.MINUTES))
        .as("flushed: %s", tracker.metrics())
        .isTrue();
    assertThat(tracker.close(30, TimeUnit.SECONDS).await(1, TimeUnit.MINUTES)).isTrue();
    assertThat(tracker.metrics().eventsDropped()).as("%s", tracker.metrics()).isZero();
  }

  private static com.google.protobuf.MessageLite parse(Envelope envelope) {
    try {
      return Events.parse(EVENT_TYPES.eventType(envelope), envelope.getPayload());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
