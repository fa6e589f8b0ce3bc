package dev.tideline.android.aws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.json.JSONException;
import org.json.JSONObject;
import org.jspecify.annotations.Nullable;

/**
 * One AWS service endpoint spoken to in the AWS JSON 1.1 protocol: a POST of a JSON body to "/",
 * the operation named by {@code X-Amz-Target}, over {@link HttpURLConnection} with the platform's
 * TLS checks (no custom trust managers or host name verifiers).
 *
 * <p>Thread-safe; each call opens its own connection (the platform pools them).
 */
final class AwsJsonClient {
  static final String CONTENT_TYPE = "application/x-amz-json-1.1";

  /** The most bytes of a response read; AWS JSON answers are far smaller. */
  private static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

  private final URL endpoint;
  private final String host;
  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;

  AwsJsonClient(URL endpoint, int connectTimeoutMillis, int readTimeoutMillis) {
    this.endpoint = endpoint;
    this.host = hostHeader(endpoint);
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  /**
   * Parses and checks an endpoint: https, or http on a loopback address (local test servers only);
   * no path beyond "/", no query.
   *
   * @throws IllegalArgumentException if the endpoint is not one of those
   */
  static URL endpoint(String name, String endpoint) {
    URL url;
    try {
      url = new URL(endpoint);
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(name + " is not a URL: " + endpoint, e);
    }
    String scheme = url.getProtocol().toLowerCase(Locale.ROOT);
    boolean loopback = isLoopback(url.getHost());
    if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
      throw new IllegalArgumentException(
          name
              + " must be https (http only on a loopback address, for local test servers), was "
              + endpoint);
    }
    if (!(url.getPath().isEmpty() || url.getPath().equals("/")) || url.getQuery() != null) {
      throw new IllegalArgumentException(
          name + " must have no path or query (requests go to \"/\"), was " + endpoint);
    }
    try {
      return new URL(url.getProtocol(), url.getHost(), url.getPort(), "/");
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(name + " is not a URL: " + endpoint, e);
    }
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
  }

  /**
   * The headers of a call before signing. Signed calls also carry the body's SHA-256 as {@code
   * X-Amz-Content-Sha256}, as the AWS SDK for Java v2 signer sends it to every service, so our
   * canonical requests equal the SDK's; Kinesis does not require it.
   */
  static Map<String, String> headers(String host, String target, byte[] body, boolean signed) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", host);
    headers.put("Content-Type", CONTENT_TYPE);
    headers.put("X-Amz-Target", target);
    if (signed) {
      headers.put("X-Amz-Content-Sha256", SigV4Signer.hex(SigV4Signer.sha256(body)));
    }
    return headers;
  }

  /** The Host header an HTTP client sends for this URL: the port only when not the default. */
  static String hostHeader(URL url) {
    int port = url.getPort();
    return port == -1 || port == url.getDefaultPort() ? url.getHost() : url.getHost() + ":" + port;
  }

  URL endpoint() {
    return endpoint;
  }

  /**
   * Sends one operation. Signs it when a signer and credentials are given.
   *
   * @param target the {@code X-Amz-Target}, for example {@code Kinesis_20131202.PutRecords}
   * @throws IOException if the call did not complete (refused, reset, timed out), or the answer was
   *     not AWS JSON
   */
  Response call(
      String target,
      JSONObject body,
      @Nullable SigV4Signer signer,
      @Nullable AwsCredentials credentials,
      long nowMillis)
      throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers =
        headers(host, target, bytes, signer != null && credentials != null);
    if (signer != null && credentials != null) {
      headers = signer.sign("POST", "/", null, headers, bytes, credentials, nowMillis).headers();
    }
    HttpURLConnection connection = (HttpURLConnection) endpoint.openConnection();
    boolean complete = false;
    try {
      connection.setConnectTimeout(connectTimeoutMillis);
      connection.setReadTimeout(readTimeoutMillis);
      connection.setRequestMethod("POST");
      connection.setDoOutput(true);
      connection.setUseCaches(false);
      connection.setInstanceFollowRedirects(false);
      // Fixed length: no chunking, and the JDK's client never silently resends a streamed POST.
      connection.setFixedLengthStreamingMode(bytes.length);
      for (Map.Entry<String, String> header : headers.entrySet()) {
        if (!header.getKey().equalsIgnoreCase("Host")) { // the client writes the same Host itself
          connection.setRequestProperty(header.getKey(), header.getValue());
        }
      }
      try (OutputStream out = connection.getOutputStream()) {
        out.write(bytes);
      }
      int status = connection.getResponseCode();
      InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      byte[] answer = in == null ? new byte[0] : readAll(in);
      Response response =
          Response.parse(status, connection.getHeaderField("x-amzn-ErrorType"), answer);
      complete = true;
      return response;
    } finally {
      if (!complete) {
        connection.disconnect();
      }
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (InputStream input = in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
      byte[] buffer = new byte[8192];
      for (int n; (n = input.read(buffer)) != -1; ) {
        out.write(buffer, 0, n);
        if (out.size() > MAX_RESPONSE_BYTES) {
          throw new IOException("the answer is larger than " + MAX_RESPONSE_BYTES + " bytes");
        }
      }
      return out.toByteArray();
    }
  }

  @Override
  public String toString() {
    return "AwsJsonClient{" + endpoint + "}";
  }

  /** An answer: the HTTP status, the JSON body, and for an error its code and message. */
  static final class Response {
    private final int status;
    private final @Nullable JSONObject body;
    private final @Nullable String errorCode;
    private final @Nullable String errorMessage; // for an error answer, "" when it has none

    private Response(
        int status,
        @Nullable JSONObject body,
        @Nullable String errorCode,
        @Nullable String errorMessage) {
      this.status = status;
      this.body = body;
      this.errorCode = errorCode;
      this.errorMessage = errorMessage;
    }

    static Response parse(int status, @Nullable String errorTypeHeader, byte[] bytes)
        throws IOException {
      JSONObject body = null;
      String text = new String(bytes, StandardCharsets.UTF_8).trim();
      if (!text.isEmpty()) {
        try {
          body = new JSONObject(text);
        } catch (JSONException e) {
          if (status < 300) {
            throw new IOException("HTTP " + status + " with a body that is not JSON");
          }
        }
      }
      if (status >= 200 && status < 300) {
        if (body == null) {
          throw new IOException("HTTP " + status + " without a body");
        }
        return new Response(status, body, null, null);
      }
      String code = errorCode(errorTypeHeader, body);
      String message = body == null ? null : string(body, "message");
      if (message == null && body != null) {
        message = string(body, "Message");
      }
      return new Response(status, body, code, message == null ? "" : message);
    }

    /**
     * The error code: the {@code __type} field or the {@code x-amzn-ErrorType} header, without its
     * namespace ({@code "com.amazonaws.kinesis.v20131202#ExpiredTokenException"}) or suffix ({@code
     * "ExpiredTokenException:http://internal.amazon.com/"}).
     */
    private static @Nullable String errorCode(@Nullable String header, @Nullable JSONObject body) {
      String type = body == null ? null : string(body, "__type");
      if (type == null) {
        type = header;
      }
      if (type == null || type.isEmpty()) {
        return null;
      }
      int colon = type.indexOf(':');
      if (colon >= 0) {
        type = type.substring(0, colon);
      }
      int hash = type.lastIndexOf('#');
      if (hash >= 0) {
        type = type.substring(hash + 1);
      }
      return type.isEmpty() ? null : type;
    }

    int status() {
      return status;
    }

    boolean isSuccess() {
      return status >= 200 && status < 300;
    }

    /** The JSON body; null for an error answer without one. */
    @Nullable JSONObject body() {
      return body;
    }

    /** The AWS error code, or null (a success, or an error answer that names none). */
    @Nullable String errorCode() {
      return errorCode;
    }

    /** The error message as the service wrote it (may quote request details: redact it). */
    @Nullable String errorMessage() {
      return errorMessage;
    }
  }

  /**
   * A string member, or null when absent or JSON null (Android's {@code optString} would answer
   * "null" for a JSON null).
   */
  static @Nullable String string(JSONObject object, String name) {
    if (!object.has(name) || object.isNull(name)) {
      return null;
    }
    Object value = object.opt(name);
    return value instanceof String ? (String) value : String.valueOf(value);
  }
}
