package dev.tideline.sdk;

import java.util.zip.Checksum;
import org.jspecify.annotations.Nullable;

/**
 * CRC-32C (Castagnoli), the checksum of every spool frame: the JDK's intrinsic {@code
 * java.util.zip.CRC32C} where the runtime has it (Java 9 and later), otherwise a table-driven
 * implementation of the same function (Android before API 34, Java 8). Both give the same values;
 * {@code Crc32cTest} checks the fallback against the JDK's class and the RFC 3720 test vectors.
 *
 * <p>Instances are not thread-safe; each spool thread keeps its own.
 */
final class Crc32c {
  private static final int POLYNOMIAL = 0x82F63B78; // reflected Castagnoli polynomial

  private static final int[] TABLE = new int[256];

  private static final @Nullable Class<?> JDK_CLASS;

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
      }
      TABLE[i] = crc;
    }
    Class<?> found;
    try {
      found = Class.forName("java.util.zip.CRC32C");
    } catch (ClassNotFoundException | LinkageError e) {
      found = null;
    }
    JDK_CLASS = found;
  }

  private Crc32c() {}

  /** A new CRC-32C checksum, the fastest this runtime offers. */
  static Checksum create() {
    if (JDK_CLASS != null) {
      try {
        return (Checksum) JDK_CLASS.getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | RuntimeException e) {
        // fall through to the portable implementation
      }
    }
    return new Portable();
  }

  /** The CRC-32C of a range, with a fresh state. */
  static int of(Checksum checksum, byte[] bytes, int offset, int length) {
    checksum.reset();
    checksum.update(bytes, offset, length);
    return (int) checksum.getValue();
  }

  /** The table-driven CRC-32C, for runtimes without {@code java.util.zip.CRC32C}. */
  static final class Portable implements Checksum {
    private int crc = 0xFFFFFFFF;

    @Override
    public void update(int b) {
      crc = (crc >>> 8) ^ TABLE[(crc ^ b) & 0xFF];
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
      int c = crc;
      for (int i = offset, end = offset + length; i < end; i++) {
        c = (c >>> 8) ^ TABLE[(c ^ bytes[i]) & 0xFF];
      }
      crc = c;
    }

    @Override
    public long getValue() {
      return (~crc) & 0xFFFFFFFFL;
    }

    @Override
    public void reset() {
      crc = 0xFFFFFFFF;
    }
  }
}
