package dev.tideline.sdk;

import java.io.File;
import java.io.IOException;

/**
 * A real file system with faults on demand: the disk fills after a number of bytes (the write that
 * crosses it is cut short, as a real full disk does), or creating files is refused. The spool's
 * only seam to the disk, so tests run as root can still see "No space left on device" and
 * "Permission denied".
 */
final class SpoolFaults implements SpoolFiles {
  volatile long spaceLeft = Long.MAX_VALUE;
  volatile boolean denyCreate;
  volatile boolean failSync;
  volatile boolean skipSync; // for fast model tests: a killed process keeps the page cache anyway

  void fillAfter(long bytes) {
    spaceLeft = bytes;
  }

  void clear() {
    spaceLeft = Long.MAX_VALUE;
    denyCreate = false;
    failSync = false;
  }

  @Override
  public Output create(File file) throws IOException {
    if (denyCreate) {
      throw new IOException(file + ": Permission denied");
    }
    final Output real = REAL.create(file);
    return new Output() {
      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        long left = spaceLeft;
        if (length > left) {
          if (left > 0) {
            real.write(bytes, offset, (int) left);
          }
          spaceLeft = 0;
          throw new IOException("No space left on device");
        }
        if (left != Long.MAX_VALUE) {
          spaceLeft = left - length;
        }
        real.write(bytes, offset, length);
      }

      @Override
      public void sync() throws IOException {
        if (failSync) {
          throw new IOException("Input/output error (fsync)");
        }
        if (!skipSync) {
          real.sync();
        }
      }

      @Override
      public void truncate(long size) throws IOException {
        real.truncate(size);
      }

      @Override
      public void close() {
        real.close();
      }
    };
  }
}
