package dev.tideline.android;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;

/**
 * Remembers which version of the app last ran with Tideline, in a small file next to the spool, to
 * tell an install from an update. Runs on Tideline's own thread only (it touches the disk).
 */
final class InstallState {
  private static final Charset UTF_8 = Charset.forName("UTF-8");

  /** What changed since the last run. */
  enum Change {
    NONE,
    INSTALL,
    UPDATE
  }

  final Change change;
  final String previousVersion;

  private InstallState(Change change, String previousVersion) {
    this.change = change;
    this.previousVersion = previousVersion;
  }

  /**
   * Compares the stored version with this one and stores this one.
   *
   * @param stamp what identifies this build: the package's last update time and version name
   * @param firstRunIsInstall whether a missing file means a fresh install (the package was never
   *     updated) rather than an update to the first version that has Tideline
   * @throws IOException if the file cannot be read or written
   */
  static InstallState check(File file, String stamp, String version, boolean firstRunIsInstall)
      throws IOException {
    String stored = file.isFile() ? read(file) : null;
    Change change;
    String previous = "";
    if (stored == null) {
      change = firstRunIsInstall ? Change.INSTALL : Change.UPDATE;
    } else if (stored.startsWith(stamp + "\n")) {
      change = Change.NONE;
    } else {
      change = Change.UPDATE;
      int newline = stored.indexOf('\n');
      previous = newline < 0 ? "" : stored.substring(newline + 1);
    }
    if (change != Change.NONE) {
      write(file, stamp + "\n" + version);
    }
    return new InstallState(change, previous);
  }

  private static String read(File file) throws IOException {
    try (InputStream in = new FileInputStream(file)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[256];
      int n;
      while ((n = in.read(buffer)) > 0 && out.size() < 4096) {
        out.write(buffer, 0, n);
      }
      return new String(out.toByteArray(), UTF_8);
    }
  }

  private static void write(File file, String content) throws IOException {
    File dir = file.getParentFile();
    if (dir != null && !dir.isDirectory() && !dir.mkdirs()) {
      throw new IOException("cannot create " + dir);
    }
    File temp = new File(file.getPath() + ".tmp");
    try (FileOutputStream out = new FileOutputStream(temp)) {
      out.write(content.getBytes(UTF_8));
      out.getFD().sync();
    }
    if (!temp.renameTo(file)) {
      throw new IOException("cannot rename " + temp + " to " + file);
    }
  }
}
