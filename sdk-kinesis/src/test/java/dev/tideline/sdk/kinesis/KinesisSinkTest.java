package dev.tideline.sdk.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tideline.sdk.Completion;
import dev.tideline.sdk.kinesis.proxy.Fault;
import dev.tideline.sdk.kinesis.proxy.FaultInjectingProxy;
import dev.tideline.sdk.sink.EntryResult;
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.RecordSink;
import dev.tideline.sdk.sink.Shard;
import dev.tideline.sdk.sink.SinkRecord;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** {@link KinesisSink} against the local Kinesis server, directly and through the proxy. */
@ExtendWith(LocalKinesisExtension.class)
class KinesisSinkTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  @Test
  void storesEachRecordAndAnswersItsShardAndSequenceNumberInRequestOrder(
      @TestStream(shards = 2) LocalKinesisStream stream, LocalKinesisServer server) {
    KinesisSink sink = KinesisSink.create(client(server, server.httpEndpoint()));
    List<Shard> shards = await(sink.listShards(stream.name()));
    shards.sort(Comparator.comparing(Shard::startingHashKey));
    List<SinkRecord> records =
        List.of(
            SinkRecord.of("a", shards.get(1).startingHashKey().toString(), bytes("to the second")),
            SinkRecord.of("b", shards.get(0).endingHashKey().toString(), bytes("to the first")),
            SinkRecord.of("c", bytes("by partition key")));

    PutRecordsResult result = await(sink.putRecords(stream.name(), records));

    assertThat(result.failedCount()).isZero();
    assertThat(result.entries()).allSatisfy(e -> assertThat(e.sequenceNumber()).isNotBlank());
    assertThat(result.entries().get(0).shardId()).isEqualTo(shards.get(1).shardId());
    assertThat(result.entries().get(1).shardId()).isEqualTo(shards.get(0).shardId());
    assertThat(StreamContents.read(server, stream.name()).records())
        .extracting(r -> r.data().asUtf8String())
        .containsExactlyInAnyOrder("to the second", "to the first", "by partition key");
  }

  @Test
  void sendsEachRecordAsGivenWithItsKeysOverTheWire(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisSink sink = KinesisSink.create(client(server, proxy.endpoint()));

    await(
        sink.putRecords(
            stream.name(),
            List.of(SinkRecord.of("key", "12345", bytes("one")), SinkRecord.of("k2", bytes("2")))));

    assertThat(proxy.putRecordsCalls()).hasSize(1);
    var entries = proxy.putRecordsCalls().get(0).entries();
    assertThat(entries.get(0).partitionKey()).isEqualTo("key");
    assertThat(entries.get(0).explicitHashKey()).isEqualTo("12345");
    assertThat(entries.get(0).data()).isEqualTo(bytes("one"));
    assertThat(entries.get(1).explicitHashKey()).isNull();
  }

  @Test
  void passesAPartialFailureThroughEntryByEntry(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisSink sink = KinesisSink.create(client(server, proxy.endpoint()));
    proxy.enqueue(
        Fault.failEach(i -> i == 0 ? Fault.THROTTLED : i == 2 ? Fault.INTERNAL_FAILURE : null));

    PutRecordsResult result = await(sink.putRecords(stream.name(), records(4)));

    assertThat(result.failedCount()).isEqualTo(2);
    assertThat(result.entries())
        .extracting(EntryResult::errorCode)
        .containsExactly(ErrorCodes.THROTTLED, null, ErrorCodes.INTERNAL_FAILURE, null);
    assertThat(result.entries().get(0).errorMessage()).isNotBlank();
    assertThat(result.entries().get(1).shardId()).isEqualTo("shardId-000000000000");
  }

  @Test
  void failsEveryEntryWithTheServiceErrorCodeWhenTheWholeCallFails(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisSink sink = KinesisSink.create(client(server, proxy.endpoint()));
    proxy.enqueue(Fault.http500());

    PutRecordsResult result = await(sink.putRecords(stream.name(), records(3)));

    assertThat(result.entries())
        .hasSize(3)
        .allSatisfy(e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.INTERNAL_FAILURE));
  }

  @Test
  void failsEveryEntryAsATransportErrorWhenTheCallTimesOut(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisSink sink =
        KinesisSink.builder(client(server, proxy.endpoint()))
            .requestTimeout(Duration.ofMillis(300))
            .build();
    proxy.enqueue(Fault.delayAfterForwarding(Duration.ofSeconds(2)));

    PutRecordsResult result = await(sink.putRecords(stream.name(), records(2)));

    assertThat(result.entries())
        .allSatisfy(e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.TRANSPORT_ERROR))
        .allSatisfy(e -> assertThat(e.errorMessage()).contains("PutRecords on " + stream.name()));
  }

  @Test
  void failsEveryEntryAsATransportErrorWhenTheConnectionCloses(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisSink sink = KinesisSink.create(client(server, proxy.endpoint()));
    proxy.enqueue(Fault.resetBeforeForwarding());

    PutRecordsResult result = await(sink.putRecords(stream.name(), records(2)));

    assertThat(result.entries())
        .allSatisfy(e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.TRANSPORT_ERROR));
  }

  @Test
  void failsEveryEntryWithResourceNotFoundForAStreamThatDoesNotExist(LocalKinesisServer server) {
    KinesisSink sink = KinesisSink.create(client(server, server.httpEndpoint()));

    PutRecordsResult result = await(sink.putRecords("no-such-stream", records(2)));

    assertThat(result.entries())
        .allSatisfy(e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.RESOURCE_NOT_FOUND));
    assertThat(ErrorCodes.isPermanent(result.entries().get(0).errorCode())).isTrue();
  }

  @Test
  void listsEveryShardPageByPageAndTheRangesCoverEveryHashKey(
      @TestStream(shards = 3) LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisSink sink =
        KinesisSink.builder(client(server, proxy.endpoint())).listShardsPageSize(1).build();

    List<Shard> shards = await(sink.listShards(stream.name()));

    assertThat(proxy.operationCount("ListShards")).isEqualTo(3);
    assertThat(shards).hasSize(3).allSatisfy(s -> assertThat(s.isOpen()).isTrue());
    shards.sort(Comparator.comparing(Shard::startingHashKey));
    assertThat(shards.get(0).startingHashKey()).isEqualTo(BigInteger.ZERO);
    assertThat(shards.get(2).endingHashKey()).isEqualTo(Shard.MAX_HASH_KEY);
    for (int i = 1; i < shards.size(); i++) {
      assertThat(shards.get(i).startingHashKey())
          .isEqualTo(shards.get(i - 1).endingHashKey().add(BigInteger.ONE));
    }
  }

  @Test
  void failsTheListingOfAStreamThatDoesNotExist(LocalKinesisServer server) {
    KinesisSink sink = KinesisSink.create(client(server, server.httpEndpoint()));

    Completion<List<Shard>> listing = sink.listShards("no-such-stream");

    assertThat(listing.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(listing.failure()).hasMessageContaining("no-such-stream");
  }

  @Test
  void asksTheStreamForItsMaximumRecordSizeUnlessItIsConfigured(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisAsyncClient client = client(server, proxy.endpoint());

    int asked = await(KinesisSink.create(client).maxRecordBytes(stream.name()));
    int configured =
        await(
            KinesisSink.builder(client)
                .maxRecordBytes(2 * 1024 * 1024)
                .build()
                .maxRecordBytes(stream.name()));

    // The local server reports no MaxRecordSizeInKiB, so the Kinesis default applies.
    assertThat(asked).isEqualTo(RecordSink.DEFAULT_MAX_RECORD_BYTES);
    assertThat(configured).isEqualTo(2 * 1024 * 1024);
    assertThat(proxy.operationCount("DescribeStreamSummary")).isEqualTo(1);
  }

  @Test
  void worksOverTheSynchronousClientToo(
      @TestStream(shards = 2) LocalKinesisStream stream, LocalKinesisServer server) {
    KinesisClient client = Clients.sync(server, server.httpEndpoint());
    toClose.add(client);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    toClose.add(executor::shutdownNow);
    KinesisSink sink = KinesisSink.builder(client).executor(executor).build();

    assertThat(await(sink.listShards(stream.name()))).hasSize(2);
    assertThat(await(sink.putRecords(stream.name(), records(3))).failedCount()).isZero();
    await(sink.close());
    assertThat(executor.isShutdown()).as("the executor is the caller's").isFalse();
    assertThat(StreamContents.read(server, stream.name()).records()).hasSize(3);
  }

  @Test
  void speaksTheJsonProtocolWhenTheClientDoes(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    // The AWS SDK picks CBOR or JSON when the client is built, from this system property.
    System.setProperty("aws.cborEnabled", "false");
    KinesisClient client;
    try {
      client = Clients.sync(server, proxy.endpoint());
    } finally {
      System.clearProperty("aws.cborEnabled");
    }
    toClose.add(client);
    proxy.enqueue(Fault.failEntries(Fault.THROTTLED, 1));

    PutRecordsResult result =
        await(KinesisSink.create(client).putRecords(stream.name(), records(3)));

    assertThat(proxy.putRecordsCalls().get(0).contentType()).isEqualTo(FaultInjectingProxy.JSON);
    assertThat(result.entries())
        .extracting(EntryResult::errorCode)
        .containsExactly(null, ErrorCodes.THROTTLED, null);
    assertThat(StreamContents.read(server, stream.name()).records()).hasSize(2);
  }

  @Test
  void closeWaitsForTheCallsInFlightAndLaterCallsFailAsSinkErrors(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    CountDownLatch release = new CountDownLatch(1);
    proxy.enqueue(Fault.holdUntil(release));
    KinesisSink sink = KinesisSink.create(client(server, proxy.endpoint()));

    Completion<PutRecordsResult> inFlight = sink.putRecords(stream.name(), records(2));
    org.awaitility.Awaitility.await().until(() -> proxy.putRecordsCalls().size() == 1);
    Completion<Void> closed = sink.close();
    PutRecordsResult late = await(sink.putRecords(stream.name(), records(1)));

    assertThat(closed.isDone()).isFalse();
    assertThat(late.entries().get(0).errorCode()).isEqualTo(ErrorCodes.SINK_ERROR);
    release.countDown();
    assertThat(await(inFlight).failedCount()).isZero();
    assertThat(closed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(closed.isSuccess()).isTrue();
    assertThat(sink.close()).isSameAs(closed);
  }

  @Test
  void closesTheClientOnlyWhenAskedTo(LocalKinesisStream stream, LocalKinesisServer server) {
    KinesisAsyncClient kept = client(server, server.httpEndpoint());
    KinesisAsyncClient owned = client(server, server.httpEndpoint());

    await(KinesisSink.create(kept).close());
    await(KinesisSink.builder(owned).closeClient(true).build().close());

    assertThat(kept.listShards(b -> b.streamName(stream.name())).join().shards()).hasSize(1);
    assertThatThrownBy(() -> owned.listShards(b -> b.streamName(stream.name())).join())
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void warnsWhenItsClientRetriesOnItsOwnAndNotWhenBuiltAsRecommended(LocalKinesisServer server) {
    List<LogRecord> warnings = new ArrayList<>();
    Logger logger = Logger.getLogger(KinesisSink.class.getName());
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
              warnings.add(record);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    try {
      KinesisSink.create(client(server, server.httpEndpoint()));
      assertThat(warnings).isEmpty();

      KinesisSink.create(
          client(server, server.httpEndpoint(), ClientOverrideConfiguration.builder().build()));
      assertThat(warnings)
          .singleElement()
          .satisfies(w -> assertThat(w.getMessage()).contains("recommendedClientConfiguration"));
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void namesAStreamGivenByArnWithStreamArnInEveryCall(
      @TestStream(shards = 2) LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisAsyncClient client = client(server, proxy.endpoint());
    String arn =
        client
            .describeStreamSummary(b -> b.streamName(stream.name()))
            .join()
            .streamDescriptionSummary()
            .streamARN();
    assertThat(arn).startsWith("arn:aws:kinesis:").endsWith(":stream/" + stream.name());
    KinesisSink sink = KinesisSink.builder(client).listShardsPageSize(1).build();

    assertThat(await(sink.listShards(arn))).hasSize(2);
    assertThat(await(sink.maxRecordBytes(arn))).isEqualTo(RecordSink.DEFAULT_MAX_RECORD_BYTES);
    assertThat(await(sink.putRecords(arn, records(3))).failedCount()).isZero();

    assertThat(proxy.streamFields())
        .containsExactly(
            "DescribeStreamSummary StreamName", // the test's own call, by name
            "ListShards StreamARN",
            "ListShards -", // the second page, asked for by NextToken alone
            "DescribeStreamSummary StreamARN",
            "PutRecords StreamARN");
    assertThat(StreamContents.read(server, stream.name()).records()).hasSize(3);
  }

  @Test
  void aTrackerGivenAStreamArnDeliversThroughTheSink(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisAsyncClient client = client(server, proxy.endpoint());
    String arn =
        client
            .describeStreamSummary(b -> b.streamName(stream.name()))
            .join()
            .streamDescriptionSummary()
            .streamARN();
    dev.tideline.sdk.Tracker tracker =
        dev.tideline.sdk.Tracker.builder()
            .streamName(arn)
            .sink(KinesisSink.create(client))
            .auditPeriod(0, TimeUnit.SECONDS)
            .build();
    for (int i = 0; i < 5; i++) {
      assertThat(tracker.log(Events.mixed(0, i))).isEqualTo(dev.tideline.sdk.LogOutcome.ACCEPTED);
    }
    await(tracker.close(WAIT.toMillis(), TimeUnit.MILLISECONDS));

    assertThat(tracker.metrics().eventsSent()).isEqualTo(5);
    assertThat(proxy.streamFields())
        .filteredOn(field -> !field.startsWith("DescribeStreamSummary StreamName"))
        .allSatisfy(field -> assertThat(field).endsWith(" StreamARN"));
    assertThat(proxy.operationCount("PutRecords")).isPositive();
  }

  @Test
  void describesItsSettingsWithOrWithoutAConfiguredMaximumRecordSize(LocalKinesisServer server) {
    KinesisAsyncClient client = client(server, server.httpEndpoint());

    // Unset, the maximum record size is asked from the stream: toString used to unbox the null.
    assertThat(KinesisSink.create(client).toString())
        .isEqualTo("KinesisSink{requestTimeout=PT10S, maxRecordBytes=from the stream}");
    assertThat(KinesisSink.builder(client).maxRecordBytes(2 * 1024 * 1024).build().toString())
        .isEqualTo("KinesisSink{requestTimeout=PT10S, maxRecordBytes=2097152}");
  }

  @Test
  void refusesEachInvalidSettingAtOnceSayingWhatWasWrong(LocalKinesisServer server) {
    KinesisAsyncClient client = client(server, server.httpEndpoint());

    assertThatThrownBy(() -> KinesisSink.builder(client).maxRecordBytes(1000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRecordBytes must be 1 MiB (1048576) to 10 MiB (10485760), was 1000");
    assertThatThrownBy(() -> KinesisSink.builder(client).maxRecordBytes(10 * 1024 * 1024 + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KinesisSink.builder(client).requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestTimeout must be positive, was PT0S");
    assertThatThrownBy(
            () -> KinesisSink.builder(client).executor(Executors.newSingleThreadExecutor()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("synchronous");
    assertThatThrownBy(() -> KinesisSink.create((KinesisAsyncClient) null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void recommendsNoSdkRetriesAndBoundedCalls() {
    ClientOverrideConfiguration recommended = KinesisSink.recommendedClientConfiguration();

    assertThat(recommended.retryStrategy())
        .hasValueSatisfying(s -> assertThat(s.maxAttempts()).isEqualTo(1));
    assertThat(recommended.apiCallTimeout()).contains(KinesisSink.DEFAULT_REQUEST_TIMEOUT);
    assertThat(recommended.apiCallAttemptTimeout()).contains(KinesisSink.DEFAULT_REQUEST_TIMEOUT);
  }

  private KinesisAsyncClient client(LocalKinesisServer server, java.net.URI endpoint) {
    return client(server, endpoint, KinesisSink.recommendedClientConfiguration());
  }

  private KinesisAsyncClient client(
      LocalKinesisServer server, java.net.URI endpoint, ClientOverrideConfiguration config) {
    KinesisAsyncClient client = Clients.async(server, endpoint, config);
    toClose.add(client);
    return client;
  }

  private FaultInjectingProxy proxy(LocalKinesisServer server) {
    FaultInjectingProxy proxy = FaultInjectingProxy.start(server.httpEndpoint());
    toClose.add(proxy);
    return proxy;
  }

  private static List<SinkRecord> records(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> SinkRecord.of("key-" + i, bytes("record " + i)))
        .toList();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T await(Completion<T> completion) {
    assertThat(completion.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("completed within %s", WAIT)
        .isTrue();
    assertThat(completion.failure()).isNull();
    return completion.value();
  }
}
