package dev.tideline.sdk;

import java.io.File;
import java.lang.reflect.Field;

/**
 * Reaches into sdk-core's package-private seams for the Android tests: the spool's file-system seam
 * (to fill the disk) and a process kill (the tracker's spool dropped without a commit).
 */
public final class SpoolAccess {
  private SpoolAccess() {}

  /**
   * As a process kill would: closes the tracker's spool files and lock without committing what
   * waits, and stops its worker, without closing the tracker.
   */
  public static void kill(Tracker tracker) throws ReflectiveOperationException {
    Pipeline pipeline = tracker.pipeline();
    EventBuffer buffer = (EventBuffer) field(pipeline, "buffer");
    Scheduler scheduler = (Scheduler) field(pipeline, "scheduler");
    scheduler.shutdown();
    if (buffer instanceof SpoolBuffer) {
      ((SpoolBuffer) buffer).spool().abandon();
    }
  }

  /** A spool configuration whose disk fills up after the given number of bytes. */
  public static SpoolConfig fullAfter(File directory, long bytes) {
    return SpoolConfig.builder(directory)
        .maxBytes(2 * SpoolConfig.MIN_SEGMENT_BYTES)
        .segmentBytes(SpoolConfig.MIN_SEGMENT_BYTES)
        .files(new FillingDisk(bytes))
        .build();
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    Field field = owner.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return field.get(owner);
  }

  /** A real file system that runs out of space after a number of bytes, as a full disk does. */
  private static final class FillingDisk implements SpoolFiles {
    private long spaceLeft;

    FillingDisk(long bytes) {
      this.spaceLeft = bytes;
    }

    @Override
    public Output create(File file) throws java.io.IOException {
      final Output real = REAL.create(file);
      return new Output() {
        @Override
        public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
          synchronized (FillingDisk.this) {
            if (length > spaceLeft) {
              real.write(bytes, offset, (int) spaceLeft);
              spaceLeft = 0;
              throw new java.io.IOException("No space left on device");
            }
            spaceLeft -= length;
          }
          real.write(bytes, offset, length);
        }

        @Override
        public void sync() throws java.io.IOException {
          real.sync();
        }

        @Override
        public void truncate(long size) throws java.io.IOException {
          real.truncate(size);
        }

        @Override
        public void close() {
          real.close();
        }
      };
    }
  }
}
