package dev.tideline.sdk.kinesis.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** The fault-injecting proxy itself, driven by the plain AWS SDK client. */
@ExtendWith(LocalKinesisExtension.class)
class FaultInjectingProxyTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  @Test
  void recordsEachPutRecordsRequestAsItWentOverTheWireAndForwardsIt(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisClient kinesis = client(server, proxy, Duration.ofSeconds(30), false);

    PutRecordsResponse response =
        kinesis.putRecords(b -> b.streamName(stream.name()).records(entries(3)));

    assertThat(response.failedRecordCount()).isZero();
    assertThat(proxy.putRecordsCalls()).hasSize(1);
    PutRecordsCall call = proxy.putRecordsCalls().get(0);
    assertThat(call.contentType()).isEqualTo(FaultInjectingProxy.CBOR);
    assertThat(call.streamName()).isEqualTo(stream.name());
    assertThat(call.entries())
        .extracting(PutRecordsCall.Entry::partitionKey)
        .containsExactly("key-0", "key-1", "key-2");
    assertThat(call.entries().get(2).data()).isEqualTo(data(2));
    assertThat(call.entries().get(1).billedSize()).isEqualTo(data(1).length + "key-1".length());
    assertThat(call.bodyBytes()).isGreaterThan((int) call.billedBytes());
    assertThat(call.fullySucceeded()).isTrue();
    assertThat(readAll(server, stream)).hasSize(3);
  }

  @Test
  void readsAndRewritesJsonBodiesToo(LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisClient kinesis = client(server, proxy, Duration.ofSeconds(30), true);
    proxy.enqueue(Fault.failEntries(Fault.THROTTLED, 0));

    PutRecordsResponse response =
        kinesis.putRecords(b -> b.streamName(stream.name()).records(entries(2)));

    PutRecordsCall call = proxy.putRecordsCalls().get(0);
    assertThat(call.contentType()).isEqualTo(FaultInjectingProxy.JSON);
    assertThat(call.entries().get(1).data()).isEqualTo(data(1));
    assertThat(response.records())
        .extracting(PutRecordsResultEntry::errorCode)
        .containsExactly(Fault.THROTTLED, null);
    assertThat(readAll(server, stream))
        .extracting(r -> r.data().asUtf8String())
        .containsExactly(new String(data(1), StandardCharsets.UTF_8));
  }

  @Test
  void stripsTheEntriesItFailsAndAnswersThemInRequestOrderWithTheRealResults(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisClient kinesis = client(server, proxy, Duration.ofSeconds(30), false);
    proxy.enqueue(
        Fault.failEach(i -> i == 1 ? Fault.THROTTLED : i == 3 ? Fault.INTERNAL_FAILURE : null));

    PutRecordsResponse response =
        kinesis.putRecords(b -> b.streamName(stream.name()).records(entries(5)));

    assertThat(response.failedRecordCount()).isEqualTo(2);
    assertThat(response.records())
        .extracting(PutRecordsResultEntry::errorCode)
        .containsExactly(null, Fault.THROTTLED, null, Fault.INTERNAL_FAILURE, null);
    assertThat(response.records())
        .filteredOn(r -> r.errorCode() == null)
        .allSatisfy(r -> assertThat(r.sequenceNumber()).isNotBlank());
    assertThat(readAll(server, stream))
        .extracting(r -> r.partitionKey())
        .containsExactly("key-0", "key-2", "key-4");
    PutRecordsCall call = proxy.putRecordsCalls().get(0);
    assertThat(call.failedEntries())
        .extracting(PutRecordsCall.Entry::partitionKey)
        .containsExactly("key-1", "key-3");
  }

  @Test
  void failsEveryEntryWithoutForwardingAnything(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisClient kinesis = client(server, proxy, Duration.ofSeconds(30), false);
    proxy.enqueue(Fault.failAllEntries(Fault.THROTTLED));

    PutRecordsResponse response =
        kinesis.putRecords(b -> b.streamName(stream.name()).records(entries(3)));

    assertThat(response.failedRecordCount()).isEqualTo(3);
    assertThat(readAll(server, stream)).isEmpty();
  }

  @Test
  void answersAWholeCallWithHttp500WithoutForwardingIt(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisClient kinesis = client(server, proxy, Duration.ofSeconds(30), false);
    proxy.enqueue(Fault.http500());

    assertThatThrownBy(
            () -> kinesis.putRecords(b -> b.streamName(stream.name()).records(entries(2))))
        .isInstanceOfSatisfying(
            KinesisException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(500);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
            });
    assertThat(readAll(server, stream)).isEmpty();
    assertThat(proxy.putRecordsCalls().get(0).entryErrors()).isEmpty();
  }

  @Test
  void delaysTheAnswerPastTheClientTimeoutAfterTheRecordsWereStored(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisClient kinesis = client(server, proxy, Duration.ofMillis(500), false);
    proxy.enqueue(Fault.delayAfterForwarding(Duration.ofSeconds(2)));

    assertThatThrownBy(
            () -> kinesis.putRecords(b -> b.streamName(stream.name()).records(entries(2))))
        .isInstanceOf(ApiCallTimeoutException.class);
    assertThat(readAll(server, stream)).hasSize(2);
  }

  @Test
  void closesTheConnectionBeforeForwardingSoNothingIsStored(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisClient kinesis = client(server, proxy, Duration.ofSeconds(30), false);
    proxy.enqueue(Fault.resetBeforeForwarding());

    assertThatThrownBy(
            () -> kinesis.putRecords(b -> b.streamName(stream.name()).records(entries(2))))
        .isInstanceOf(SdkClientException.class);
    assertThat(readAll(server, stream)).isEmpty();
    assertThat(proxy.putRecordsCalls()).hasSize(1);
  }

  @Test
  void closesTheConnectionAfterForwardingSoTheRecordsAreStoredUnacknowledged(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisClient kinesis = client(server, proxy, Duration.ofSeconds(30), false);
    proxy.enqueue(Fault.resetAfterForwarding(), Fault.none());

    assertThatThrownBy(
            () -> kinesis.putRecords(b -> b.streamName(stream.name()).records(entries(2))))
        .isInstanceOf(SdkClientException.class);
    kinesis.putRecords(b -> b.streamName(stream.name()).records(entries(1)));

    assertThat(readAll(server, stream)).hasSize(3);
    assertThat(proxy.putRecordsCalls())
        .extracting(c -> c.fault().kind())
        .containsExactly(Fault.Kind.RESET_AFTER_FORWARDING, Fault.Kind.NONE);
  }

  @Test
  void forwardsOtherOperationsUnchangedAndCountsThem(
      LocalKinesisStream stream, LocalKinesisServer server) {
    FaultInjectingProxy proxy = proxy(server);
    KinesisClient kinesis = client(server, proxy, Duration.ofSeconds(30), false);

    assertThat(kinesis.listShards(b -> b.streamName(stream.name())).shards()).hasSize(1);
    assertThat(proxy.operationCount("ListShards")).isEqualTo(1);
    assertThat(proxy.putRecordsCalls()).isEmpty();
  }

  private FaultInjectingProxy proxy(LocalKinesisServer server) {
    FaultInjectingProxy proxy = FaultInjectingProxy.start(server.httpEndpoint());
    toClose.add(proxy);
    return proxy;
  }

  private KinesisClient client(
      LocalKinesisServer server, FaultInjectingProxy proxy, Duration timeout, boolean json) {
    String previous = System.getProperty("aws.cborEnabled");
    if (json) {
      // The protocol is chosen when the client is built.
      System.setProperty("aws.cborEnabled", "false");
    }
    try {
      KinesisClient client =
          KinesisClient.builder()
              .endpointOverride(proxy.endpoint())
              .region(LocalKinesisServer.REGION)
              .credentialsProvider(server.credentials())
              .httpClientBuilder(UrlConnectionHttpClient.builder())
              .overrideConfiguration(
                  o ->
                      o.retryStrategy(AwsRetryStrategy.doNotRetry())
                          .apiCallTimeout(timeout)
                          .apiCallAttemptTimeout(timeout))
              .build();
      toClose.add(client);
      return client;
    } finally {
      if (previous == null) {
        System.clearProperty("aws.cborEnabled");
      } else {
        System.setProperty("aws.cborEnabled", previous);
      }
    }
  }

  private static List<PutRecordsRequestEntry> entries(int count) {
    return IntStream.range(0, count)
        .mapToObj(
            i ->
                PutRecordsRequestEntry.builder()
                    .partitionKey("key-" + i)
                    .data(SdkBytes.fromByteArray(data(i)))
                    .build())
        .toList();
  }

  private static byte[] data(int i) {
    return ("record " + i + " " + "x".repeat(i * 10)).getBytes(StandardCharsets.UTF_8);
  }

  private static List<Record> readAll(LocalKinesisServer server, LocalKinesisStream stream) {
    KinesisClient kinesis = server.client();
    String iterator =
        kinesis
            .getShardIterator(
                b ->
                    b.streamName(stream.name())
                        .shardId("shardId-000000000000")
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
            .shardIterator();
    return kinesis.getRecords(b -> b.shardIterator(iterator)).records();
  }
}
