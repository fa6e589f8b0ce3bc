package dev.tideline.android.aws;

/**
 * Base64 encoding, RFC 4648 section 4 (standard alphabet, padded), as Kinesis's JSON protocol
 * carries record data. Written here because {@code java.util.Base64} needs Android API 26 and
 * {@code android.util.Base64} does not run on the JVM outside Robolectric; tested against {@code
 * java.util.Base64}.
 */
final class Base64Encoder {
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

  private Base64Encoder() {}

  static String encode(byte[] data) {
    char[] out = new char[(data.length + 2) / 3 * 4];
    int o = 0;
    int i = 0;
    for (; i + 2 < data.length; i += 3) {
      int bits = (data[i] & 0xff) << 16 | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff);
      out[o++] = ALPHABET[bits >>> 18];
      out[o++] = ALPHABET[(bits >>> 12) & 0x3f];
      out[o++] = ALPHABET[(bits >>> 6) & 0x3f];
      out[o++] = ALPHABET[bits & 0x3f];
    }
    int left = data.length - i;
    if (left > 0) {
      int bits = (data[i] & 0xff) << 16 | (left == 2 ? (data[i + 1] & 0xff) << 8 : 0);
      out[o++] = ALPHABET[bits >>> 18];
      out[o++] = ALPHABET[(bits >>> 12) & 0x3f];
      out[o++] = left == 2 ? ALPHABET[(bits >>> 6) & 0x3f] : '=';
      out[o] = '=';
    }
    return new String(out);
  }
}
