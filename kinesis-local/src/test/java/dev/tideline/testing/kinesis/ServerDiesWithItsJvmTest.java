package dev.tideline.testing.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** No orphans: the server dies with the JVM that started it, even when that JVM is SIGKILLed. */
class ServerDiesWithItsJvmTest {

  @Test
  void killingTheJvmThatStartedTheServerKillsTheServer() throws Exception {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                List.of(
                    javaBin.toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    ServerStartingMain.class.getName()))
            .redirectErrorStream(true)
            .start();
    long serverPid;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      String pidLine = null;
      StringBuilder seen = new StringBuilder();
      while ((line = out.readLine()) != null) {
        seen.append(line).append('\n');
        if (line.startsWith("SERVER_PID ")) {
          pidLine = line;
          break;
        }
      }
      assertThat(pidLine).as("child JVM output:\n%s", seen).isNotNull();
      serverPid = Long.parseLong(pidLine.substring("SERVER_PID ".length()).trim());
    }
    assertThat(isRunning(serverPid)).as("server %d running", serverPid).isTrue();

    child.destroyForcibly(); // SIGKILL: no shutdown hook runs.
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(isRunning(serverPid)).as("server %d running", serverPid).isFalse());
  }

  /** Whether a process exists and is not a zombie (an orphan waits for init to reap it). */
  static boolean isRunning(long pid) throws IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String content;
    try {
      content = Files.readString(stat);
    } catch (NoSuchFileException e) {
      return false;
    }
    char state = content.charAt(content.lastIndexOf(')') + 2);
    return state != 'Z' && state != 'X';
  }

  /** The child JVM: starts a server, prints its pid, and waits to be killed. */
  public static final class ServerStartingMain {
    public static void main(String[] args) throws Exception {
      LocalKinesisServer server = LocalKinesisServer.start();
      System.out.println("SERVER_PID " + server.pid());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
