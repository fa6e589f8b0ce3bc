package dev.tideline.android.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Cognito provider against a real HTTP server on loopback that answers like Cognito. */
class CognitoCredentialsProviderTest {
  private static final String POOL = "eu-west-1:11111111-2222-3333-4444-555555555555";
  private static final String IDENTITY = "eu-west-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  private static final long START = 1_800_000_000_000L;

  @TempDir Path folder;

  private FakeAwsServer cognito;
  private ManualClock clock;
  private final AtomicInteger issued = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    cognito = FakeAwsServer.start();
    clock = new ManualClock(START);
  }

  @AfterEach
  void stop() {
    cognito.close();
  }

  @Test
  void createsAnIdentityOnceKeepsItInTheStoreAndGetsCredentialsForIt() throws IOException {
    File file = folder.resolve("identity").toFile();
    cognito
        .then(request -> FakeAwsServer.Answer.ok(Json.object("IdentityId", IDENTITY)))
        .then(request -> credentialsExpiringIn(TimeUnit.HOURS.toMillis(1)))
        .then(request -> credentialsExpiringIn(TimeUnit.HOURS.toMillis(1)));

    AwsCredentials first = provider(IdentityStore.file(file)).credentials();
    AwsCredentials afterRestart = provider(IdentityStore.file(file)).credentials();

    assertThat(first.accessKeyId()).isEqualTo("ASIACOGNITO1");
    assertThat(first.secretAccessKey()).isEqualTo("cognitoSecret1");
    assertThat(first.sessionToken()).isEqualTo("cognitoToken1");
    assertThat(first.expirationMillis()).isEqualTo(START + TimeUnit.HOURS.toMillis(1));
    assertThat(afterRestart.accessKeyId()).isEqualTo("ASIACOGNITO2");
    assertThat(Files.readString(file.toPath())).isEqualTo(IDENTITY);

    List<FakeAwsServer.Request> requests = cognito.requests();
    assertThat(requests)
        .extracting(FakeAwsServer.Request::target)
        .containsExactly(
            "AWSCognitoIdentityService.GetId",
            "AWSCognitoIdentityService.GetCredentialsForIdentity",
            "AWSCognitoIdentityService.GetCredentialsForIdentity");
    assertThat(Json.string(requests.get(0).json(), "IdentityPoolId")).isEqualTo(POOL);
    assertThat(Json.string(requests.get(1).json(), "IdentityId")).isEqualTo(IDENTITY);
    assertThat(requests)
        .allSatisfy(
            request -> {
              assertThat(request.headers()).doesNotContainKey("authorization");
              assertThat(request.headers().get("content-type"))
                  .isEqualTo("application/x-amz-json-1.1");
            });
  }

  @Test
  void keepsCredentialsUntilFiveMinutesBeforeTheyExpire() throws IOException {
    cognito
        .then(request -> FakeAwsServer.Answer.ok(Json.object("IdentityId", IDENTITY)))
        .otherwise(request -> credentialsExpiringIn(TimeUnit.HOURS.toMillis(1)));
    CognitoCredentialsProvider provider = provider(IdentityStore.inMemory());

    AwsCredentials first = provider.credentials();
    clock.advance(54, TimeUnit.MINUTES);
    AwsCredentials stillCached = provider.credentials();
    clock.advance(1, TimeUnit.MINUTES); // exactly 5 minutes left: replaced
    AwsCredentials replaced = provider.credentials();

    assertThat(stillCached).isSameAs(first);
    assertThat(replaced.accessKeyId()).isEqualTo("ASIACOGNITO2");
    assertThat(cognito.requests()).hasSize(3);
  }

  @Test
  void refreshMakesTheNextCallFetchNewCredentials() throws IOException {
    cognito
        .then(request -> FakeAwsServer.Answer.ok(Json.object("IdentityId", IDENTITY)))
        .otherwise(request -> credentialsExpiringIn(TimeUnit.HOURS.toMillis(1)));
    CognitoCredentialsProvider provider = provider(IdentityStore.inMemory());

    AwsCredentials first = provider.credentials();
    provider.refresh();
    AwsCredentials second = provider.credentials();

    assertThat(first.accessKeyId()).isEqualTo("ASIACOGNITO1");
    assertThat(second.accessKeyId()).isEqualTo("ASIACOGNITO2");
    assertThat(cognito.requests())
        .extracting(FakeAwsServer.Request::target)
        .containsExactly(
            "AWSCognitoIdentityService.GetId",
            "AWSCognitoIdentityService.GetCredentialsForIdentity",
            "AWSCognitoIdentityService.GetCredentialsForIdentity");
  }

  @Test
  void makesANewIdentityWhenCognitoNoLongerKnowsTheStoredOne() throws IOException {
    IdentityStore store = IdentityStore.inMemory();
    store.put("eu-west-1:deleted");
    String replacement = "eu-west-1:ffffffff-0000-0000-0000-000000000000";
    cognito
        .then(
            request ->
                FakeAwsServer.Answer.error(
                    400, "ResourceNotFoundException", "Identity 'eu-west-1:deleted' not found."))
        .then(request -> FakeAwsServer.Answer.ok(Json.object("IdentityId", replacement)))
        .then(request -> credentialsExpiringIn(TimeUnit.HOURS.toMillis(1)));

    AwsCredentials credentials = provider(store).credentials();

    assertThat(credentials.accessKeyId()).isEqualTo("ASIACOGNITO1");
    assertThat(store.get()).isEqualTo(replacement);
    assertThat(Json.string(cognito.requests().get(2).json(), "IdentityId")).isEqualTo(replacement);
  }

  @Test
  void aRefusalSaysWhichCallFailedWithCognitosCode() {
    cognito.then(
        request ->
            FakeAwsServer.Answer.error(
                400, "NotAuthorizedException", "Unauthenticated access is not supported"));
    CognitoCredentialsProvider provider = provider(IdentityStore.inMemory());

    assertThatThrownBy(provider::credentials)
        .isInstanceOf(IOException.class)
        .hasMessage(
            "AWSCognitoIdentityService.GetId failed: HTTP 400 NotAuthorizedException:"
                + " Unauthenticated access is not supported");
  }

  @Test
  void callersWaitingTogetherShareOneFetch() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    cognito
        .then(request -> FakeAwsServer.Answer.ok(Json.object("IdentityId", IDENTITY)))
        .then(request -> credentialsExpiringIn(TimeUnit.HOURS.toMillis(1)).heldUntil(release))
        .otherwise(request -> credentialsExpiringIn(TimeUnit.HOURS.toMillis(1)));
    CognitoCredentialsProvider provider = provider(IdentityStore.inMemory());
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<AwsCredentials>> answers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        answers.add(callers.submit(provider::credentials));
      }
      Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> cognito.requests().size() == 2);
      release.countDown();
      for (Future<AwsCredentials> answer : answers) {
        assertThat(answer.get(10, TimeUnit.SECONDS).accessKeyId()).isEqualTo("ASIACOGNITO1");
      }
      assertThat(cognito.requests()).hasSize(2);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void refusesAPoolIdWithoutItsRegion() {
    assertThatThrownBy(
            () ->
                CognitoCredentialsProvider.builder(
                    "11111111-2222-3333-4444-555555555555", IdentityStore.inMemory()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("identityPoolId must be region:id");
    assertThat(CognitoCredentialsProvider.builder(POOL, IdentityStore.inMemory()).build())
        .hasToString(
            "CognitoCredentialsProvider{"
                + POOL
                + ", https://cognito-identity.eu-west-1.amazonaws.com/}");
  }

  private CognitoCredentialsProvider provider(IdentityStore store) {
    return CognitoCredentialsProvider.builder(POOL, store)
        .endpoint(cognito.endpoint())
        .clock(clock)
        .build();
  }

  private FakeAwsServer.Answer credentialsExpiringIn(long millis) {
    int n = issued.incrementAndGet();
    return FakeAwsServer.Answer.ok(
        Json.object(
            "IdentityId",
            IDENTITY,
            "Credentials",
            Json.object(
                "AccessKeyId",
                "ASIACOGNITO" + n,
                "SecretKey",
                "cognitoSecret" + n,
                "SessionToken",
                "cognitoToken" + n,
                "Expiration",
                (clock.millis() + millis) / 1000.0)));
  }
}
