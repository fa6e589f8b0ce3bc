package dev.tideline.testing.kinesis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds or installs the pinned {@code kinesis-local} npm package.
 *
 * <p>The package.json and lockfile ship inside this jar. They are copied into a cache folder named
 * after the lockfile's hash and installed there with {@code npm ci}, once per machine; a file lock
 * keeps concurrent test JVMs from installing over each other.
 */
final class LocalKinesisInstallation {
  static final String RESOURCE_DIR = "/dev/tideline/testing/kinesis-local/";
  private static final long NPM_TIMEOUT_MINUTES = 5;

  private LocalKinesisInstallation() {}

  /** The kinesis-local package folder (holding main.js and server.json), installed if missing. */
  @SuppressWarnings("try") // the file lock is held for the block, never read
  static Path ensureInstalled(Path cacheRoot, String npmExecutable) throws LocalKinesisException {
    byte[] packageJson = resource("package.json");
    byte[] lockfile = resource("package-lock.json");
    Path home = cacheRoot.resolve(shortHash(lockfile));
    Path packageDir = home.resolve("node_modules").resolve("kinesis-local");
    if (Files.isRegularFile(packageDir.resolve("main.js"))) {
      return packageDir;
    }
    try {
      Files.createDirectories(home);
      try (FileChannel lockChannel =
              FileChannel.open(
                  home.resolve(".install.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = lockChannel.lock()) {
        if (Files.isRegularFile(packageDir.resolve("main.js"))) {
          return packageDir;
        }
        Files.write(home.resolve("package.json"), packageJson);
        Files.write(home.resolve("package-lock.json"), lockfile);
        runNpmCi(home, npmExecutable);
      }
    } catch (IOException e) {
      throw new LocalKinesisException(
          "could not install the local Kinesis server into " + home + ": " + e.getMessage(), e);
    }
    if (!Files.isRegularFile(packageDir.resolve("main.js"))) {
      throw new LocalKinesisException(
          "npm ci finished but " + packageDir.resolve("main.js") + " is missing");
    }
    return packageDir;
  }

  /** The default cache folder: {@code tideline.kinesis.home}, or {@code ~/.cache/tideline}. */
  static Path defaultCacheRoot() {
    String configured = System.getProperty("tideline.kinesis.home");
    if (configured != null && !configured.isEmpty()) {
      return Paths.get(configured);
    }
    return Paths.get(System.getProperty("user.home"), ".cache", "tideline", "kinesis-local");
  }

  private static void runNpmCi(Path home, String npmExecutable) throws LocalKinesisException {
    List<String> command = new ArrayList<>();
    command.add(npmExecutable);
    command.add("ci");
    command.add("--no-audit");
    command.add("--no-fund");
    command.add("--loglevel=error");
    Path log = home.resolve("npm-ci.log");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new LocalKinesisException(
          "could not run '"
              + npmExecutable
              + " ci' to install kinesis-local (is Node.js 20 with npm on the PATH?): "
              + e.getMessage(),
          e);
    }
    try {
      if (!process.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new LocalKinesisException(
            "'npm ci' for kinesis-local did not finish within "
                + NPM_TIMEOUT_MINUTES
                + " minutes; see "
                + log);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new LocalKinesisException("interrupted while installing kinesis-local", e);
    }
    if (process.exitValue() != 0) {
      throw new LocalKinesisException(
          "'npm ci' for kinesis-local exited with "
              + process.exitValue()
              + ": "
              + LocalKinesisServer.tail(log));
    }
  }

  private static byte[] resource(String name) throws LocalKinesisException {
    try (InputStream in = LocalKinesisInstallation.class.getResourceAsStream(RESOURCE_DIR + name)) {
      if (in == null) {
        throw new LocalKinesisException(
            "resource " + RESOURCE_DIR + name + " is missing from the tideline-testing jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String shortHash(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        hex.append(String.format("%02x", digest[i]));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
