package dev.tideline.android.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tideline.sdk.Completion;
import dev.tideline.sdk.sink.EntryResult;
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.Shard;
import dev.tideline.sdk.sink.SinkRecord;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Android transport against a real HTTP server on loopback that answers like Kinesis. */
class AndroidKinesisSinkTest {
  private static final String REGION = "eu-west-1";

  private FakeAwsServer kinesis;
  private TestCredentials credentials;
  private AndroidKinesisSink sink;

  @BeforeEach
  void start() throws IOException {
    kinesis = FakeAwsServer.start();
    credentials = new TestCredentials();
    sink = AndroidKinesisSink.builder(REGION, credentials).endpoint(kinesis.endpoint()).build();
  }

  @AfterEach
  void stop() {
    sink.close().await(10, TimeUnit.SECONDS);
    kinesis.close();
  }

  @Test
  void sendsASignedPutRecordsAndMapsEveryEntryOfAPartialFailure() {
    kinesis.then(
        request ->
            FakeAwsServer.Answer.ok(
                Json.object(
                    "FailedRecordCount",
                    1,
                    "Records",
                    Json.array(
                        List.of(
                            Json.object("ShardId", "shardId-000000000001", "SequenceNumber", "49"),
                            Json.object(
                                "ErrorCode",
                                ErrorCodes.THROTTLED,
                                "ErrorMessage",
                                "Rate exceeded for shard shardId-000000000000"),
                            Json.object(
                                "ShardId", "shardId-000000000000", "SequenceNumber", "50"))))));
    byte[] first = {0, 1, 2, (byte) 0xff, (byte) 0xfe};
    byte[] second = "second".getBytes(StandardCharsets.UTF_8);
    List<SinkRecord> records =
        List.of(
            SinkRecord.of("key-1", first),
            SinkRecord.of("key-2", "170141183460469231731687303715884105728", second),
            SinkRecord.of("ключ", new byte[0]));

    PutRecordsResult result = await(sink.putRecords("events", records));

    assertThat(result.entries())
        .extracting(EntryResult::isSuccess, EntryResult::shardId, EntryResult::errorCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(true, "shardId-000000000001", null),
            org.assertj.core.groups.Tuple.tuple(false, null, ErrorCodes.THROTTLED),
            org.assertj.core.groups.Tuple.tuple(true, "shardId-000000000000", null));
    assertThat(result.entries().get(0).sequenceNumber()).isEqualTo("49");
    assertThat(result.entries().get(1).errorMessage())
        .isEqualTo("Rate exceeded for shard shardId-000000000000");
    assertThat(result.failedCount()).isEqualTo(1);

    FakeAwsServer.Request request = kinesis.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri()).isEqualTo("/");
    assertThat(request.target()).isEqualTo("Kinesis_20131202.PutRecords");
    assertThat(request.headers().get("content-type")).isEqualTo("application/x-amz-json-1.1");
    JSONObject body = request.json();
    assertThat(Json.string(body, "StreamName")).isEqualTo("events");
    JSONArray sent = Json.getArray(body, "Records");
    assertThat(sent.length()).isEqualTo(3);
    assertThat(Base64.getDecoder().decode(Json.string(Json.at(sent, 0), "Data"))).isEqualTo(first);
    assertThat(Json.string(Json.at(sent, 0), "PartitionKey")).isEqualTo("key-1");
    assertThat(Json.at(sent, 0).has("ExplicitHashKey")).isFalse();
    assertThat(Json.string(Json.at(sent, 1), "ExplicitHashKey"))
        .isEqualTo("170141183460469231731687303715884105728");
    assertThat(Json.string(Json.at(sent, 2), "PartitionKey")).isEqualTo("ключ");
    assertThat(Json.string(Json.at(sent, 2), "Data")).isEmpty();

    AwsCredentials used = TestCredentials.of(1);
    assertThat(request.headers().get("x-amz-security-token")).isEqualTo(used.sessionToken());
    assertThat(request.headers().get("authorization"))
        .as("the signature AWS would compute for the request as it arrived")
        .isEqualTo(SdkSignatures.expectedAuthorization(request, used, REGION));
  }

  @Test
  void anExpiredTokenRefreshesTheCredentialsAndFailsTheCallAsRetryable() {
    kinesis
        .then(
            request ->
                FakeAwsServer.Answer.error(
                    400,
                    "ExpiredTokenException",
                    "The security token included in the request is expired"))
        .then(request -> success(1));
    List<SinkRecord> records = List.of(SinkRecord.of("k", new byte[] {1}));

    PutRecordsResult expired = await(sink.putRecords("events", records));
    PutRecordsResult retried = await(sink.putRecords("events", records));

    assertThat(expired.entries())
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.errorCode()).isEqualTo(AndroidKinesisSink.EXPIRED_TOKEN);
              assertThat(ErrorCodes.isPermanent(entry.errorCode())).isFalse();
              assertThat(ErrorCodes.isThrottle(entry.errorCode())).isFalse();
            });
    assertThat(credentials.refreshes()).isEqualTo(1);
    assertThat(retried.failedCount()).isZero();
    List<FakeAwsServer.Request> requests = kinesis.requests();
    assertThat(requests.get(1).headers().get("x-amz-security-token"))
        .as("the retry is signed with the new credentials")
        .isEqualTo(TestCredentials.of(2).sessionToken());
    assertThat(requests.get(1).headers().get("authorization"))
        .isEqualTo(
            SdkSignatures.expectedAuthorization(requests.get(1), TestCredentials.of(2), REGION));
  }

  @Test
  void serverErrorsAndDroppedConnectionsFailEveryEntryAsTransportErrors() {
    kinesis
        .then(request -> FakeAwsServer.Answer.error(500, "InternalFailure", "boom"))
        .then(request -> FakeAwsServer.Answer.error(503, "ServiceUnavailable", "later"))
        .then(request -> new FakeAwsServer.Answer(502, "<html>bad gateway</html>", null))
        .then(request -> FakeAwsServer.Answer.dropConnection());
    List<SinkRecord> records =
        List.of(SinkRecord.of("a", new byte[] {1}), SinkRecord.of("b", new byte[] {2}));

    for (int i = 0; i < 4; i++) {
      PutRecordsResult result = await(sink.putRecords("events", records));
      assertThat(result.entries())
          .as("call %d", i)
          .hasSize(2)
          .allSatisfy(entry -> assertThat(entry.errorCode()).isEqualTo(ErrorCodes.TRANSPORT_ERROR));
    }
    assertThat(credentials.refreshes()).isZero();
  }

  @Test
  void anAnswerSlowerThanTheReadTimeoutIsATransportError() {
    CountDownLatch release = new CountDownLatch(1);
    kinesis.then(request -> success(1).heldUntil(release));
    AndroidKinesisSink impatient =
        AndroidKinesisSink.builder(REGION, credentials)
            .endpoint(kinesis.endpoint())
            .readTimeout(200, TimeUnit.MILLISECONDS)
            .build();
    try {
      PutRecordsResult result =
          await(impatient.putRecords("events", List.of(SinkRecord.of("k", new byte[] {1}))));
      assertThat(result.entries().get(0).errorCode()).isEqualTo(ErrorCodes.TRANSPORT_ERROR);
      assertThat(result.entries().get(0).errorMessage()).contains("timed out");
    } finally {
      release.countDown();
      impatient.close();
    }
  }

  @Test
  void aRefusedConnectionIsATransportError() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AndroidKinesisSink nowhere =
        AndroidKinesisSink.builder(REGION, credentials)
            .endpoint("http://127.0.0.1:" + closedPort)
            .build();
    try {
      PutRecordsResult result =
          await(nowhere.putRecords("events", List.of(SinkRecord.of("k", new byte[] {1}))));
      assertThat(result.entries().get(0).errorCode()).isEqualTo(ErrorCodes.TRANSPORT_ERROR);
    } finally {
      nowhere.close();
    }
  }

  @Test
  void errorCodesOfTheWholeCallPassThroughAsKinesisSpellsThem() {
    kinesis
        .then(
            request ->
                FakeAwsServer.Answer.error(
                    400,
                    "com.amazonaws.kinesis.v20131202#ResourceNotFoundException",
                    "Stream events under account 123456789012 not found."))
        .then(request -> FakeAwsServer.Answer.error(400, "LimitExceededException", "slow down"))
        .then(request -> FakeAwsServer.Answer.error(400, "AccessDeniedException", "no"));
    List<SinkRecord> records = List.of(SinkRecord.of("k", new byte[] {1}));

    assertThat(await(sink.putRecords("events", records)).entries().get(0).errorCode())
        .isEqualTo(ErrorCodes.RESOURCE_NOT_FOUND);
    assertThat(await(sink.putRecords("events", records)).entries().get(0).errorCode())
        .isEqualTo(ErrorCodes.LIMIT_EXCEEDED);
    EntryResult denied = await(sink.putRecords("events", records)).entries().get(0);
    assertThat(denied.errorCode()).isEqualTo(ErrorCodes.ACCESS_DENIED);
    assertThat(denied.errorMessage()).contains("HTTP 400").contains("no");
  }

  @Test
  void credentialsThatCannotBeHadFailTheCallAsRetryableWithoutCallingKinesis() {
    credentials.failWith(new IOException("Cognito unreachable"));

    PutRecordsResult result =
        await(sink.putRecords("events", List.of(SinkRecord.of("k", new byte[] {1}))));

    assertThat(result.entries().get(0).errorCode())
        .isEqualTo(AndroidKinesisSink.CREDENTIALS_UNAVAILABLE);
    assertThat(result.entries().get(0).errorMessage()).contains("Cognito unreachable");
    assertThat(ErrorCodes.isPermanent(AndroidKinesisSink.CREDENTIALS_UNAVAILABLE)).isFalse();
    assertThat(kinesis.requests()).isEmpty();
  }

  @Test
  void aResponseWithAnotherNumberOfResultsFailsTheCallAsASinkError() {
    kinesis.then(request -> success(1));

    PutRecordsResult result =
        await(
            sink.putRecords(
                "events",
                List.of(SinkRecord.of("a", new byte[] {1}), SinkRecord.of("b", new byte[] {2}))));

    assertThat(result.entries())
        .allSatisfy(entry -> assertThat(entry.errorCode()).isEqualTo(ErrorCodes.SINK_ERROR));
  }

  @Test
  void listsEveryShardFollowingNextTokenPageByPage() {
    kinesis
        .then(
            request ->
                FakeAwsServer.Answer.ok(
                    Json.object(
                        "Shards",
                        Json.array(
                            List.of(
                                shard("shardId-000000000000", "0", "99", null),
                                shard("shardId-000000000001", "100", "199", "4999"))),
                        "NextToken",
                        "page-2")))
        .then(
            request ->
                FakeAwsServer.Answer.ok(
                    Json.object(
                        "Shards",
                        Json.array(
                            List.of(
                                shard(
                                    "shardId-000000000002",
                                    "200",
                                    Shard.MAX_HASH_KEY.toString(),
                                    null))))));

    List<Shard> shards = await(sink.listShards("events"));

    assertThat(shards)
        .extracting(Shard::shardId)
        .containsExactly("shardId-000000000000", "shardId-000000000001", "shardId-000000000002");
    assertThat(shards).extracting(Shard::isOpen).containsExactly(true, false, true);
    assertThat(shards.get(2).endingHashKey()).isEqualTo(Shard.MAX_HASH_KEY);
    assertThat(shards.get(1).startingHashKey()).isEqualTo(BigInteger.valueOf(100));
    List<FakeAwsServer.Request> requests = kinesis.requests();
    assertThat(requests)
        .extracting(FakeAwsServer.Request::target)
        .containsOnly("Kinesis_20131202.ListShards");
    assertThat(Json.string(requests.get(0).json(), "StreamName")).isEqualTo("events");
    assertThat(requests.get(1).json().has("StreamName"))
        .as("a request with NextToken names no stream")
        .isFalse();
    assertThat(Json.string(requests.get(1).json(), "NextToken")).isEqualTo("page-2");
  }

  @Test
  void aFailedListingFailsTheCompletionWithTheErrorCode() {
    kinesis.then(request -> FakeAwsServer.Answer.error(400, "ResourceNotFoundException", "gone"));

    Completion<List<Shard>> listing = sink.listShards("events");

    assertThat(listing.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(listing.isSuccess()).isFalse();
    assertThat(listing.failure()).hasMessageContaining("ResourceNotFoundException");
  }

  @Test
  void readsTheMaximumRecordSizeFromDescribeStreamSummaryOrUsesTheDefault() throws IOException {
    kinesis
        .then(
            request ->
                FakeAwsServer.Answer.ok(
                    Json.object(
                        "StreamDescriptionSummary",
                        Json.object("StreamName", "events", "MaxRecordSizeInKiB", 2048))))
        .then(
            request ->
                FakeAwsServer.Answer.ok(
                    Json.object("StreamDescriptionSummary", Json.object("StreamName", "events"))));

    assertThat(await(sink.maxRecordBytes("events"))).isEqualTo(2 * 1024 * 1024);
    assertThat(await(sink.maxRecordBytes("events"))).isEqualTo(1024 * 1024);
    assertThat(kinesis.requests())
        .extracting(FakeAwsServer.Request::target)
        .containsOnly("Kinesis_20131202.DescribeStreamSummary");

    AndroidKinesisSink configured =
        AndroidKinesisSink.builder(REGION, credentials)
            .endpoint(kinesis.endpoint())
            .maxRecordBytes(4 * 1024 * 1024)
            .build();
    assertThat(await(configured.maxRecordBytes("events"))).isEqualTo(4 * 1024 * 1024);
    assertThat(kinesis.requests()).hasSize(2);
    configured.close();
  }

  @Test
  void namesAStreamGivenByArnAsStreamArn() {
    kinesis.then(request -> success(1));
    String arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/events";

    await(sink.putRecords(arn, List.of(SinkRecord.of("k", new byte[] {1}))));

    JSONObject body = kinesis.requests().get(0).json();
    assertThat(Json.string(body, "StreamARN")).isEqualTo(arn);
    assertThat(body.has("StreamName")).isFalse();
  }

  @Test
  void runsEveryCallOnItsOwnThreadsNeverTheCallers() {
    kinesis.otherwise(request -> success(1));
    String caller = Thread.currentThread().getName();

    await(sink.putRecords("events", List.of(SinkRecord.of("k", new byte[] {1}))));
    sink.listShards("events").await(10, TimeUnit.SECONDS);
    sink.maxRecordBytes("events").await(10, TimeUnit.SECONDS);

    assertThat(credentials.threads())
        .hasSize(3)
        .allSatisfy(
            thread -> assertThat(thread).startsWith("tideline-kinesis-").isNotEqualTo(caller));
  }

  @Test
  void closeWaitsForCallsInFlightAndRefusesNewOnes() {
    CountDownLatch release = new CountDownLatch(1);
    kinesis.then(request -> success(1).heldUntil(release));
    Completion<PutRecordsResult> inFlight =
        sink.putRecords("events", List.of(SinkRecord.of("k", new byte[] {1})));
    org.awaitility.Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> kinesis.requests().size() == 1);

    Completion<Void> closed = sink.close();
    PutRecordsResult refused =
        await(sink.putRecords("events", List.of(SinkRecord.of("k", new byte[] {1}))));

    assertThat(closed.isDone()).isFalse();
    assertThat(refused.entries().get(0).errorCode()).isEqualTo(ErrorCodes.SINK_ERROR);
    release.countDown();
    assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(await(inFlight).failedCount()).isZero();
  }

  @Test
  void acceptsOnlyHttpsEndpointsOrPlainHttpOnLoopback() {
    AndroidKinesisSink.Builder builder = AndroidKinesisSink.builder(REGION, credentials);

    assertThatThrownBy(() -> builder.endpoint("http://kinesis.eu-west-1.amazonaws.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be https");
    assertThatThrownBy(() -> builder.endpoint("https://kinesis.eu-west-1.amazonaws.com/v1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no path");
    builder.endpoint("https://vpce-1234.kinesis.eu-west-1.vpce.amazonaws.com");
    builder.endpoint("http://localhost:4567");
    assertThat(AndroidKinesisSink.builder(REGION, credentials).build().toString())
        .contains("https://kinesis.eu-west-1.amazonaws.com/");
  }

  @Test
  void refusesBadSettingsNamingTheValue() {
    AndroidKinesisSink.Builder builder = AndroidKinesisSink.builder(REGION, credentials);

    assertThatThrownBy(() -> builder.connectTimeout(0, TimeUnit.SECONDS))
        .hasMessage("connectTimeout must be 1 ms to 2147483647 ms, was 0 SECONDS");
    assertThatThrownBy(() -> builder.threads(0)).hasMessage("threads must be 1 to 64, was 0");
    assertThatThrownBy(() -> builder.maxRecordBytes(1000))
        .hasMessageContaining("maxRecordBytes must be 1 MiB");
    assertThatThrownBy(() -> AndroidKinesisSink.builder("", credentials))
        .hasMessage("region must not be empty");
  }

  private static FakeAwsServer.Answer success(int entries) {
    JSONArray records = new JSONArray();
    for (int i = 0; i < entries; i++) {
      records.put(Json.object("ShardId", "shardId-000000000000", "SequenceNumber", "" + (100 + i)));
    }
    return FakeAwsServer.Answer.ok(Json.object("FailedRecordCount", 0, "Records", records));
  }

  private static JSONObject shard(String id, String start, String end, String endingSequence) {
    JSONObject sequences = Json.object("StartingSequenceNumber", "1");
    if (endingSequence != null) {
      sequences =
          Json.object("StartingSequenceNumber", "1", "EndingSequenceNumber", endingSequence);
    }
    return Json.object(
        "ShardId",
        id,
        "HashKeyRange",
        Json.object("StartingHashKey", start, "EndingHashKey", end),
        "SequenceNumberRange",
        sequences);
  }

  private static <T> T await(Completion<T> completion) {
    assertThat(completion.await(30, TimeUnit.SECONDS)).as("completed in time").isTrue();
    assertThat(completion.failure()).isNull();
    return completion.value();
  }
}
