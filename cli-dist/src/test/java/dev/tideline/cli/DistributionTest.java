package dev.tideline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built archives, unpacked as a user would, and their commands run as a user would: the
 * launchers find their jars, honour JAVA_HOME and JAVA_OPTS, and answer help with exit 0.
 */
@Timeout(120)
class DistributionTest {
  private static final String NAME = System.getProperty("tideline.dist.name");
  private static final Path ARCHIVE = Paths.get(System.getProperty("tideline.dist.archive"));

  @TempDir static Path unpacked;
  static Path home;

  /** What one run printed and returned. */
  private static final class Run {
    final int exit;
    final String out;
    final String err;

    Run(int exit, String out, String err) {
      this.exit = exit;
      this.out = out;
      this.err = err;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\nout:\n" + out + "\nerr:\n" + err;
    }
  }

  @BeforeAll
  static void unpackTheTarball() throws Exception {
    Run tar = run(List.of("tar", "-xzf", ARCHIVE + ".tar.gz", "-C", unpacked.toString()), Map.of());
    assertThat(tar.exit).as(tar.toString()).isZero();
    home = unpacked.resolve(NAME);
  }

  private static Run run(List<String> command, Map<String, String> environment)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().remove("JAVA_OPTS");
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(() -> text(process.getErrorStream()));
    String out = text(process.getInputStream());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("finished").isTrue();
    return new Run(process.exitValue(), out, err.join());
  }

  private static String text(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Run command(String name, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin").resolve(name).toString());
    command.addAll(List.of(args));
    return run(command, Map.of());
  }

  @Test
  void holdsTheLaunchersTheJarsTheReadmeAndTheLicence() throws IOException {
    assertThat(home.resolve("bin/tideline-validate")).isExecutable();
    assertThat(home.resolve("bin/tideline-schema")).isExecutable();
    assertThat(home.resolve("README.md")).content().contains("tar -xzf " + NAME + ".tar.gz");
    assertThat(home.resolve("LICENSE")).content().contains("Apache License");
    try (var jars = Files.list(home.resolve("lib"))) {
      assertThat(jars.map(jar -> jar.getFileName().toString()))
          .anyMatch(jar -> jar.startsWith("tideline-validator-"))
          .anyMatch(jar -> jar.startsWith("tideline-schema-tools-"))
          .anyMatch(jar -> jar.startsWith("slf4j-simple-"))
          .noneMatch(jar -> jar.startsWith("junit") || jar.startsWith("assertj"));
    }
  }

  @Test
  void tidelineValidateAnswersHelpWithItsUsage() throws Exception {
    Run help = command("tideline-validate", "--help");
    Run files = command("tideline-validate", "files", "--help");
    Run stream = command("tideline-validate", "help", "stream");

    assertThat(help.exit).as(help.toString()).isZero();
    assertThat(help.out).startsWith("Usage: tideline-validate").contains("stream", "files");
    assertThat(files.exit).as(files.toString()).isZero();
    assertThat(files.out).startsWith("Usage: tideline-validate files").contains("--report");
    assertThat(stream.exit).as(stream.toString()).isZero();
    assertThat(stream.out).startsWith("Usage: tideline-validate stream").contains("--read-timeout");
    assertThat(help.err + files.err + stream.err).isEmpty();
  }

  @Test
  void tidelineSchemaAnswersHelpWithItsUsage() throws Exception {
    Run help = command("tideline-schema", "--help");

    assertThat(help.exit).as(help.toString()).isZero();
    assertThat(help.out).startsWith("Usage: tideline-schema").contains("check", "diff");
    assertThat(help.err).isEmpty();
  }

  @Test
  void aKinesisFailureIsOneLineWithoutLoggingNoise() throws Exception {
    // Nothing listens on port 1: the AWS SDK fails after its retries, logging through SLF4J.
    Run run =
        run(
            List.of(
                home.resolve("bin/tideline-validate").toString(),
                "stream",
                "orders",
                "--region",
                "us-east-1",
                "--endpoint",
                "http://127.0.0.1:1"),
            Map.of("AWS_ACCESS_KEY_ID", "x", "AWS_SECRET_ACCESS_KEY", "x"));

    assertThat(run.exit).as(run.toString()).isEqualTo(3);
    assertThat(run.err)
        .startsWith(
            "tideline-validate: cannot connect to Kinesis in region us-east-1 at"
                + " http://127.0.0.1:1: check --endpoint, --region and the network")
        .doesNotContain("SLF4J")
        .doesNotContain("\tat ");
  }

  @Test
  void followsASymbolicLinkToFindItsJars(@TempDir Path elsewhere) throws Exception {
    Path link =
        Files.createSymbolicLink(
            elsewhere.resolve("tideline-schema"), home.resolve("bin/tideline-schema"));

    Run run = run(List.of(link.toString(), "--version"), Map.of());

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out).startsWith("tideline-schema ");
  }

  @Test
  void passesJavaOptsToJava() throws Exception {
    Run run =
        run(
            List.of(home.resolve("bin/tideline-schema").toString(), "--help"),
            Map.of("JAVA_OPTS", "-Dpicocli.usage.width=60 -Dunused=1"));

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out.lines()).allMatch(line -> line.length() <= 60);
  }

  @Test
  void saysWhatToDoWhenJavaHomeHasNoJava(@TempDir Path notJava) throws Exception {
    Run run =
        run(
            List.of(home.resolve("bin/tideline-validate").toString(), "--help"),
            Map.of("JAVA_HOME", notJava.toString()));

    assertThat(run.exit).isEqualTo(127);
    assertThat(run.err)
        .isEqualTo(
            "tideline-validate: JAVA_HOME is "
                + notJava
                + ", but "
                + notJava
                + "/bin/java is not an executable; set JAVA_HOME to a Java 11 or later"
                + " installation, or unset it to use java on the PATH\n");
  }

  @Test
  void theZipHoldsTheSameCommands(@TempDir Path dir) throws Exception {
    try (ZipInputStream zip =
        new ZipInputStream(Files.newInputStream(Paths.get(ARCHIVE + ".zip")))) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        Path target = dir.resolve(entry.getName()).normalize();
        assertThat(target).startsWithRaw(dir);
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(zip, target);
        }
      }
    }
    Path validate = dir.resolve(NAME).resolve("bin/tideline-validate");

    // java.util.zip keeps no file modes; unzip(1) would. sh runs it either way.
    Run run = run(List.of("sh", validate.toString(), "files", "--help"), Map.of());

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out).startsWith("Usage: tideline-validate files");
  }
}
