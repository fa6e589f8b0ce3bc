package dev.tideline.wire;

/**
 * Bytes and ids as hex digits, in the forms Tideline prints them: lower-case digits for values
 * (producer keys, hashed PII, schema ids), upper-case pairs with spaces for bytes quoted in error
 * messages ({@code F3 89 9A C2}).
 *
 * <p>Stateless and thread-safe.
 */
public final class Hex {
  private static final char[] LOWER = "0123456789abcdef".toCharArray();
  private static final char[] UPPER = "0123456789ABCDEF".toCharArray();

  private Hex() {}

  /** The bytes as lower-case hex digits, two per byte, without separators. */
  public static String encode(byte[] bytes) {
    return appendTo(new StringBuilder(bytes.length * 2), bytes).toString();
  }

  /** Appends the bytes as lower-case hex digits, two per byte; returns {@code out}. */
  public static StringBuilder appendTo(StringBuilder out, byte[] bytes) {
    for (byte b : bytes) {
      out.append(LOWER[(b >> 4) & 0xF]).append(LOWER[b & 0xF]);
    }
    return out;
  }

  /**
   * {@code length} bytes from {@code from} as upper-case pairs separated by spaces, as error
   * messages quote bytes: {@code F3 89 9A C2}.
   */
  public static String spaced(byte[] bytes, int from, int length) {
    StringBuilder out = new StringBuilder(Math.max(0, length * 3 - 1));
    for (int i = from; i < from + length; i++) {
      if (i > from) {
        out.append(' ');
      }
      out.append(UPPER[(bytes[i] >> 4) & 0xF]).append(UPPER[bytes[i] & 0xF]);
    }
    return out.toString();
  }

  /** A 64-bit value (a schema id) as 16 lower-case hex digits, with leading zeros. */
  public static String of(long value) {
    char[] out = new char[16];
    for (int i = 15; i >= 0; i--) {
      out[i] = LOWER[(int) (value & 0xF)];
      value >>>= 4;
    }
    return new String(out);
  }
}
