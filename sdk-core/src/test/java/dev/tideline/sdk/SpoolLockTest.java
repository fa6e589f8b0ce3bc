package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One process per spool directory: another process holding it makes a clear error here. */
class SpoolLockTest {
  @TempDir File directory;

  /** Run in a child JVM: opens the spool, says so, and holds it until its input closes. */
  public static void main(String[] args) throws Exception {
    try (Spool spool = Spool.open(new File(args[0]), SpoolFiles.REAL, 1 << 20, 1 << 16, null)) {
      System.out.println("open " + spool.directory());
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the lock until the parent closes our input or kills us
      }
    }
  }

  @Test
  void aSpoolHeldByAnotherProcessIsRefusedWithTheDirectoryNamed() throws Exception {
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process child =
        new ProcessBuilder(
                java,
                "-Duser.home=" + System.getProperty("user.home"),
                "-cp",
                System.getProperty("java.class.path"),
                SpoolLockTest.class.getName(),
                directory.getPath())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).startsWith("open ");
      assertThatThrownBy(() -> Spool.open(directory, SpoolFiles.REAL, 1 << 20, 1 << 16, null))
          .isInstanceOf(Spool.SpoolLockedException.class)
          .hasMessageContaining(directory.getPath())
          .hasMessageContaining("in use by another tracker");
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    // Once the holder is gone (even killed), the directory opens again.
    Spool.open(directory, SpoolFiles.REAL, 1 << 20, 1 << 16, null).close();
  }
}
