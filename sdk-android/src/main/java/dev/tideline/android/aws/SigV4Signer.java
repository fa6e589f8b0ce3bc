package dev.tideline.android.aws;

import dev.tideline.wire.Digests;
import dev.tideline.wire.Hex;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TimeZone;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * AWS Signature Version 4, with the signature in the {@code Authorization} header ("Signature
 * Version 4 signing process", AWS General Reference): the one piece of AWS protocol this module
 * writes by hand, since the AWS SDK for Java v2 does not run on Android. Checked against AWS's
 * published test suite and, request by request, against the AWS SDK v2 signer (tests).
 *
 * <p>Signs what Kinesis needs: one value per header, a path of plain segments, and an optional
 * query. The signer adds {@code x-amz-date} and, for temporary credentials, {@code
 * x-amz-security-token} to the signed headers, as the AWS SDKs do.
 *
 * <p>Immutable and thread-safe.
 */
final class SigV4Signer {
  static final String ALGORITHM = "AWS4-HMAC-SHA256";

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final String region;
  private final String service;

  SigV4Signer(String region, String service) {
    this.region = requireText("region", region);
    this.service = requireText("service", service);
  }

  private static String requireText(String name, String value) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }

  /**
   * Signs a request.
   *
   * @param method the HTTP method, for example "POST"
   * @param path the path, not URI-encoded, starting with "/" (or empty for "/")
   * @param query the raw query string (percent-encoded as sent), or null or empty for none
   * @param headers one value per header, names in any case; must include {@code host}
   * @param body the body, possibly empty
   * @param nowMillis the signing time, milliseconds since the epoch
   * @return the canonical request, the string to sign, the signature, and every header to send
   */
  Signed sign(
      String method,
      String path,
      @Nullable String query,
      Map<String, String> headers,
      byte[] body,
      AwsCredentials credentials,
      long nowMillis) {
    String amzDate = amzDate(nowMillis);
    String date = amzDate.substring(0, 8);

    TreeMap<String, String> canonicalHeaders = new TreeMap<>();
    for (Map.Entry<String, String> header : headers.entrySet()) {
      canonicalHeaders.put(header.getKey().toLowerCase(Locale.ROOT), trimAll(header.getValue()));
    }
    if (!canonicalHeaders.containsKey("host")) {
      throw new IllegalArgumentException("the host header must be signed");
    }
    canonicalHeaders.put("x-amz-date", amzDate);
    if (credentials.sessionToken() != null) {
      canonicalHeaders.put("x-amz-security-token", credentials.sessionToken());
    }

    StringBuilder headerBlock = new StringBuilder();
    StringBuilder signedHeaders = new StringBuilder();
    for (Map.Entry<String, String> header : canonicalHeaders.entrySet()) {
      headerBlock.append(header.getKey()).append(':').append(header.getValue()).append('\n');
      if (signedHeaders.length() > 0) {
        signedHeaders.append(';');
      }
      signedHeaders.append(header.getKey());
    }

    String canonicalRequest =
        method
            + '\n'
            + canonicalPath(path)
            + '\n'
            + canonicalQuery(query)
            + '\n'
            + headerBlock
            + '\n'
            + signedHeaders
            + '\n'
            + hex(sha256(body));
    String scope = date + '/' + region + '/' + service + "/aws4_request";
    String stringToSign =
        ALGORITHM
            + '\n'
            + amzDate
            + '\n'
            + scope
            + '\n'
            + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));

    byte[] key =
        hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    String signature = hex(hmac(key, stringToSign));

    String authorization =
        ALGORITHM
            + " Credential="
            + credentials.accessKeyId()
            + '/'
            + scope
            + ", SignedHeaders="
            + signedHeaders
            + ", Signature="
            + signature;

    TreeMap<String, String> send = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    send.putAll(headers);
    send.put("X-Amz-Date", amzDate);
    if (credentials.sessionToken() != null) {
      send.put("X-Amz-Security-Token", credentials.sessionToken());
    }
    send.put("Authorization", authorization);
    return new Signed(canonicalRequest, stringToSign, signature, send);
  }

  /** The request's time as SigV4 writes it: {@code yyyyMMdd'T'HHmmss'Z'} in UTC. */
  @SuppressWarnings("JavaUtilDate") // java.time needs API 26; this SDK runs from API 24
  static String amzDate(long epochMillis) {
    // SimpleDateFormat, not java.time (API 26); not thread-safe, so one per call.
    SimpleDateFormat format = new SimpleDateFormat("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
    format.setTimeZone(TimeZone.getTimeZone("UTC"));
    return format.format(new Date(epochMillis));
  }

  /** Header values: leading and trailing spaces trimmed, inner runs of spaces made one. */
  private static String trimAll(String value) {
    StringBuilder out = new StringBuilder(value.length());
    boolean space = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t') {
        space = out.length() > 0;
      } else {
        if (space) {
          out.append(' ');
          space = false;
        }
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Each path segment URI-encoded; "" becomes "/". */
  private static String canonicalPath(String path) {
    if (path == null || path.isEmpty()) {
      return "/";
    }
    StringBuilder out = new StringBuilder(path.length());
    int start = 0;
    while (start <= path.length()) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      out.append(uriEncode(path.substring(start, end)));
      if (slash < 0) {
        break;
      }
      out.append('/');
      start = slash + 1;
    }
    return out.toString();
  }

  /** Parameters decoded, encoded again the SigV4 way, and sorted by name, then value. */
  private static String canonicalQuery(@Nullable String query) {
    if (query == null || query.isEmpty()) {
      return "";
    }
    List<String> pairs = new ArrayList<>();
    for (String parameter : query.split("&", -1)) {
      if (parameter.isEmpty()) {
        continue;
      }
      int equals = parameter.indexOf('=');
      String name = equals < 0 ? parameter : parameter.substring(0, equals);
      String value = equals < 0 ? "" : parameter.substring(equals + 1);
      // '=' sorts below every encoded character, so sorting "name=value" sorts by name, then value.
      pairs.add(uriEncode(percentDecode(name)) + '=' + uriEncode(percentDecode(value)));
    }
    Collections.sort(pairs);
    StringBuilder out = new StringBuilder();
    for (String pair : pairs) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(pair);
    }
    return out.toString();
  }

  /** RFC 3986 encoding: every byte of the UTF-8 form except the unreserved characters. */
  static String uriEncode(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(HEX[c >> 4]))
            .append(Character.toUpperCase(HEX[c & 0xf]));
      }
    }
    return out.toString();
  }

  private static String percentDecode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%' && i + 2 < value.length()) {
        int high = Character.digit(value.charAt(i + 1), 16);
        int low = Character.digit(value.charAt(i + 2), 16);
        if (high >= 0 && low >= 0) {
          bytes.write(high << 4 | low);
          i += 2;
          continue;
        }
      }
      byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
      bytes.write(utf8, 0, utf8.length);
    }
    return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
  }

  static byte[] sha256(byte[] data) {
    return Digests.sha256(data);
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  static String hex(byte[] bytes) {
    return Hex.encode(bytes);
  }

  @Override
  public String toString() {
    return "SigV4Signer{" + region + ", " + service + "}";
  }

  /** A signed request: what was signed, and the headers to send. */
  static final class Signed {
    private final String canonicalRequest;
    private final String stringToSign;
    private final String signature;
    private final Map<String, String> headers;

    Signed(
        String canonicalRequest,
        String stringToSign,
        String signature,
        Map<String, String> headers) {
      this.canonicalRequest = canonicalRequest;
      this.stringToSign = stringToSign;
      this.signature = signature;
      this.headers = Collections.unmodifiableMap(headers);
    }

    /** The canonical request (it contains the security token: never log it). */
    String canonicalRequest() {
      return canonicalRequest;
    }

    String stringToSign() {
      return stringToSign;
    }

    /** The signature, 64 hex digits. */
    String signature() {
      return signature;
    }

    /** Every header to send: those given, {@code X-Amz-Date}, the token, {@code Authorization}. */
    Map<String, String> headers() {
      return headers;
    }

    @Override
    public String toString() {
      return "Signed{" + headers.size() + " headers}";
    }
  }
}
