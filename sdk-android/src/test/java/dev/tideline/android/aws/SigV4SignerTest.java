package dev.tideline.android.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tideline.sdk.sink.SinkRecord;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.internal.signer.V4CanonicalRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * The SigV4 signer against AWS's published test suite, and request by request against the AWS SDK
 * for Java v2's signer.
 */
class SigV4SignerTest {
  private static final String SUITE = "aws-sig-v4-test-suite/";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "get-vanilla",
        "post-vanilla",
        "post-x-www-form-urlencoded",
        "get-vanilla-query-order-key-case",
        "post-header-key-sort",
        "post-sts-header-before",
        "get-vanilla-with-session-token"
      })
  void signsEachCaseOfTheAwsTestSuiteAsPublished(String name) throws IOException {
    JSONObject context = Json.parse(resource(name, "context.json"));
    JSONObject keys = Json.getObject(context, "credentials");
    AwsCredentials credentials =
        AwsCredentials.create(
            Json.string(keys, "access_key_id"),
            Json.string(keys, "secret_access_key"),
            Json.string(keys, "token"),
            AwsCredentials.NEVER_EXPIRES);
    SuiteRequest request = SuiteRequest.parse(resource(name, "request.txt"));
    Map<String, String> headers = new LinkedHashMap<>(request.headers);
    if (context.optBoolean("sign_body")) {
      // The suite's signer sends the body's hash as a header when told to sign the body.
      headers.put("x-amz-content-sha256", SigV4Signer.hex(SigV4Signer.sha256(request.body)));
    }

    SigV4Signer.Signed signed =
        new SigV4Signer(Json.string(context, "region"), Json.string(context, "service"))
            .sign(
                request.method,
                request.path,
                request.query,
                headers,
                request.body,
                credentials,
                Instant.parse(Json.string(context, "timestamp")).toEpochMilli());

    assertThat(signed.canonicalRequest()).isEqualTo(resource(name, "header-canonical-request.txt"));
    assertThat(signed.stringToSign()).isEqualTo(resource(name, "header-string-to-sign.txt"));
    assertThat(signed.signature()).isEqualTo(resource(name, "header-signature.txt").trim());
    assertThat(signed.headers().get("Authorization"))
        .isEqualTo(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/"
                + Json.string(context, "region")
                + "/"
                + Json.string(context, "service")
                + "/aws4_request, SignedHeaders="
                + signedHeadersOf(signed.canonicalRequest())
                + ", Signature="
                + signed.signature());
  }

  @Test
  void signsTwoHundredRandomPutRecordsRequestsExactlyAsTheAwsSdkSignerDoes() throws Exception {
    Random random = new Random(20150830);
    String[] endpoints = {
      "https://kinesis.us-east-1.amazonaws.com",
      "https://kinesis.eu-west-1.amazonaws.com:443",
      "http://127.0.0.1:4567",
      "https://kinesis-fips.us-gov-west-1.amazonaws.com"
    };
    String[] regions = {"us-east-1", "eu-west-1", "us-east-1", "us-gov-west-1"};
    AwsV4HttpSigner sdk = AwsV4HttpSigner.create();
    for (int i = 0; i < 200; i++) {
      int which = random.nextInt(endpoints.length);
      URL endpoint = AwsJsonClient.endpoint("endpoint", endpoints[which]);
      String region = regions[which];
      AwsCredentials credentials = randomCredentials(random);
      byte[] body = randomPutRecordsBody(random);
      String target = AndroidKinesisSink.TARGET_PREFIX + "PutRecords";
      // Any time from 2001 to 2033, to the millisecond.
      long now = 1_000_000_000_000L + (long) (random.nextDouble() * 1_000_000_000_000L);

      // The headers the transport sends, before signing.
      Map<String, String> headers =
          AwsJsonClient.headers(AwsJsonClient.hostHeader(endpoint), target, body, true);
      SigV4Signer.Signed ours =
          new SigV4Signer(region, "kinesis")
              .sign("POST", "/", null, headers, body, credentials, now);

      SdkHttpRequest request =
          SdkHttpRequest.builder()
              .method(SdkHttpMethod.POST)
              .uri(URI.create(endpoint.toString()))
              .putHeader("Content-Type", AwsJsonClient.CONTENT_TYPE)
              .putHeader("X-Amz-Target", target)
              .build();
      SignedRequest theirs =
          sdk.sign(
              r ->
                  r.identity(identity(credentials))
                      .request(request)
                      .payload(ContentStreamProvider.fromByteArray(body))
                      .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kinesis")
                      .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                      .putProperty(
                          HttpSigner.SIGNING_CLOCK,
                          Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC)));
      SdkHttpRequest signedBySdk = theirs.request();
      String sdkCanonical =
          new V4CanonicalRequest(
                  signedBySdk.toBuilder().removeHeader("Authorization").build(),
                  SigV4Signer.hex(SigV4Signer.sha256(body)),
                  new V4CanonicalRequest.Options(true, true))
              .getCanonicalRequestString();

      String described = "request " + i + " to " + endpoint + " in " + region;
      assertThat(ours.canonicalRequest()).as(described).isEqualTo(sdkCanonical);
      assertThat(ours.headers().get("Authorization"))
          .as(described)
          .isEqualTo(signedBySdk.firstMatchingHeader("Authorization").orElse(null));
      assertThat(ours.headers().get("X-Amz-Date"))
          .isEqualTo(signedBySdk.firstMatchingHeader("X-Amz-Date").orElse(null));
      assertThat(ours.headers().get("X-Amz-Security-Token"))
          .isEqualTo(signedBySdk.firstMatchingHeader("X-Amz-Security-Token").orElse(null));
    }
  }

  @Test
  void refusesToSignARequestWithoutItsHost() {
    SigV4Signer signer = new SigV4Signer("us-east-1", "kinesis");
    assertThatThrownBy(
            () ->
                signer.sign(
                    "POST",
                    "/",
                    null,
                    Map.of("Content-Type", AwsJsonClient.CONTENT_TYPE),
                    new byte[0],
                    AwsCredentials.create("AKID", "SECRET"),
                    0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host");
  }

  @Test
  void writesTheRequestTimeInUtcWhateverTheDefaultTimeZone() {
    assertThat(SigV4Signer.amzDate(Instant.parse("2015-08-30T12:36:00.999Z").toEpochMilli()))
        .isEqualTo("20150830T123600Z");
  }

  private static AwsCredentials randomCredentials(Random random) {
    String accessKeyId = "ASIA" + randomText(random, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    String secret =
        randomText(random, 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    String token =
        random.nextBoolean()
            ? null
            : randomText(
                random,
                200 + random.nextInt(600),
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
    return AwsCredentials.create(accessKeyId, secret, token, AwsCredentials.NEVER_EXPIRES);
  }

  private static AwsCredentialsIdentity identity(AwsCredentials credentials) {
    return credentials.sessionToken() == null
        ? AwsCredentialsIdentity.create(credentials.accessKeyId(), credentials.secretAccessKey())
        : AwsSessionCredentialsIdentity.create(
            credentials.accessKeyId(), credentials.secretAccessKey(), credentials.sessionToken());
  }

  /** A PutRecords body as the sink builds it, of 1 to 20 records of random bytes. */
  private static byte[] randomPutRecordsBody(Random random) throws Exception {
    List<SinkRecord> records = new ArrayList<>();
    int count = 1 + random.nextInt(20);
    for (int i = 0; i < count; i++) {
      byte[] data = new byte[random.nextInt(2000)];
      random.nextBytes(data);
      String key = randomText(random, 1 + random.nextInt(40), "abcdefghijklmnop-_é漢0123456789");
      records.add(
          random.nextBoolean()
              ? SinkRecord.of(key, data)
              : SinkRecord.of(key, new java.math.BigInteger(127, random).toString(), data));
    }
    String stream =
        random.nextBoolean() ? "events" : "arn:aws:kinesis:us-east-1:123456789012:stream/e";
    return AndroidKinesisSink.putRecordsBody(stream, records)
        .toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String randomText(Random random, int length, String alphabet) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  private static String signedHeadersOf(String canonicalRequest) {
    String[] lines = canonicalRequest.split("\n", -1);
    return lines[lines.length - 2];
  }

  private static String resource(String name, String file) throws IOException {
    try (InputStream in = SigV4SignerTest.class.getResourceAsStream(SUITE + name + "/" + file)) {
      assertThat(in).as("test vector %s/%s", name, file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * A request of the suite's {@code request.txt}: a request line, headers, a blank line, a body.
   */
  private static final class SuiteRequest {
    final String method;
    final String path;
    final String query;
    final Map<String, String> headers = new LinkedHashMap<>();
    final byte[] body;

    private SuiteRequest(String method, String path, String query, byte[] body) {
      this.method = method;
      this.path = path;
      this.query = query;
      this.body = body;
    }

    static SuiteRequest parse(String text) {
      String[] parts = text.split("\n\n", 2);
      String[] lines = parts[0].split("\n");
      String[] requestLine = lines[0].split(" ");
      String target = requestLine[1];
      int question = target.indexOf('?');
      SuiteRequest request =
          new SuiteRequest(
              requestLine[0],
              question < 0 ? target : target.substring(0, question),
              question < 0 ? null : target.substring(question + 1),
              parts.length > 1 ? parts[1].getBytes(StandardCharsets.UTF_8) : new byte[0]);
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        request.headers.put(lines[i].substring(0, colon), lines[i].substring(colon + 1));
      }
      return request;
    }
  }
}
