package dev.tideline.android;

import android.os.Looper;
import java.io.File;
import java.security.Permission;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records disk and network access made on the main thread. Robolectric runs the real StrictMode
 * code, but file and socket calls on the JVM do not pass through Android's BlockGuard, so a
 * StrictMode thread policy alone would never fire here; this security manager sees every {@code
 * java.io} and socket check instead. Disk access counts when it is under the app's data folder (the
 * JVM itself reads jars and classes from elsewhere); every connection counts.
 */
final class MainThreadIoGuard extends SecurityManager {
  private final Thread main;
  private final String dataDir;
  final List<String> violations = new CopyOnWriteArrayList<>();
  private final SecurityManager previous = System.getSecurityManager();

  private MainThreadIoGuard(Thread main, String dataDir) {
    this.main = main;
    this.dataDir = dataDir;
  }

  /** Installs the guard for the app whose data folder is given. */
  @SuppressWarnings(
      "removal") // Java 17 still runs security managers (-Djava.security.manager=allow)
  static MainThreadIoGuard install(File dataDir) {
    MainThreadIoGuard guard =
        new MainThreadIoGuard(Looper.getMainLooper().getThread(), dataDir.getAbsolutePath());
    System.setSecurityManager(guard);
    return guard;
  }

  @SuppressWarnings("removal")
  void uninstall() {
    System.setSecurityManager(previous);
  }

  @Override
  public void checkPermission(Permission permission) {}

  @Override
  public void checkPermission(Permission permission, Object context) {}

  @Override
  public void checkRead(String file) {
    disk("read", file);
  }

  @Override
  public void checkWrite(String file) {
    disk("write", file);
  }

  @Override
  public void checkDelete(String file) {
    disk("delete", file);
  }

  @Override
  public void checkConnect(String host, int port) {
    if (Thread.currentThread() == main) {
      violations.add("network: connect to " + host + ":" + port);
    }
  }

  private void disk(String what, String file) {
    if (Thread.currentThread() == main && file != null && file.startsWith(dataDir)) {
      violations.add("disk " + what + ": " + file);
    }
  }
}
