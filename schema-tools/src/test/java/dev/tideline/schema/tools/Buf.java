package dev.tideline.schema.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code buf} (npm {@code @bufbuild/buf}, pinned in tools/buf), installed with {@code npm
 * ci} into target/buf on first use. Fails, never skips, when it cannot be installed.
 */
final class Buf {
  /** buf's WIRE_JSON category, as `buf config ls-breaking-rules` lists it for buf 1.75.0. */
  static final Set<String> WIRE_JSON =
      Set.of(
          "ENUM_SAME_JSON_FORMAT",
          "ENUM_VALUE_SAME_NAME",
          "FIELD_SAME_JSON_NAME",
          "FIELD_SAME_NAME",
          "MESSAGE_SAME_JSON_FORMAT",
          "FIELD_SAME_DEFAULT",
          "FIELD_SAME_ONEOF",
          "FILE_SAME_PACKAGE",
          "MESSAGE_SAME_REQUIRED_FIELDS",
          "RESERVED_ENUM_NO_DELETE",
          "RESERVED_MESSAGE_NO_DELETE",
          "RPC_SAME_CLIENT_STREAMING",
          "RPC_SAME_IDEMPOTENCY_LEVEL",
          "RPC_SAME_REQUEST_TYPE",
          "RPC_SAME_RESPONSE_TYPE",
          "RPC_SAME_SERVER_STREAMING",
          "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
          "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
          "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
          "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
          "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
          "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED");

  private static final String BUF_YAML = "version: v2\nbreaking:\n  use:\n    - WIRE_JSON\n";
  private static Path executable;

  private Buf() {}

  static synchronized Path executable() throws IOException, InterruptedException {
    if (executable != null) {
      return executable;
    }
    Path tools = Paths.get(System.getProperty("tideline.buf.tools", "../tools/buf"));
    Path home = Paths.get("target", "buf").toAbsolutePath();
    Files.createDirectories(home);
    byte[] lock = Files.readAllBytes(tools.resolve("package-lock.json"));
    Path bin = home.resolve("node_modules/.bin/buf");
    Path installedLock = home.resolve("package-lock.json");
    if (!Files.isExecutable(bin)
        || !Files.exists(installedLock)
        || !Arrays.equals(lock, Files.readAllBytes(installedLock))) {
      Files.copy(
          tools.resolve("package.json"),
          home.resolve("package.json"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.write(installedLock, lock);
      String output = run(home, 300, "npm", "ci", "--no-audit", "--no-fund");
      if (!Files.isExecutable(bin)) {
        throw new IllegalStateException("npm ci did not install buf in " + home + ":\n" + output);
      }
    }
    executable = bin;
    return bin;
  }

  /**
   * Runs buf breaking once for after against before (two module folders side by side) and returns
   * what it reports, as "file path relative to the module" to WIRE_JSON rule ids.
   */
  static Map<String, Set<String>> breaking(Path before, Path after)
      throws IOException, InterruptedException {
    Files.writeString(before.resolve("buf.yaml"), BUF_YAML);
    Files.writeString(after.resolve("buf.yaml"), BUF_YAML);
    Path cwd = after.getParent();
    ProcessBuilder builder =
        new ProcessBuilder(
                executable().toString(),
                "breaking",
                after.getFileName().toString(),
                "--against",
                before.getFileName().toString(),
                "--error-format",
                "json")
            .directory(cwd.toFile())
            .redirectErrorStream(true);
    builder
        .environment()
        .put("BUF_CACHE_DIR", Paths.get("target/buf/cache").toAbsolutePath().toString());
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("buf breaking did not finish");
    }
    int exit = process.exitValue();
    if (exit != 0 && exit != 100) {
      throw new IllegalStateException("buf breaking failed (exit " + exit + "):\n" + output);
    }
    Map<String, Set<String>> types = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    String prefix = after.getFileName().toString() + "/";
    for (String line : output.split("\n")) {
      if (!line.isBlank()) {
        JsonNode node = json.readTree(line);
        String path = node.get("path").asText();
        if (path.startsWith(prefix)) {
          path = path.substring(prefix.length());
        }
        types.computeIfAbsent(path, p -> new TreeSet<>()).add(node.get("type").asText());
      }
    }
    return types;
  }

  private static String run(Path dir, long timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(List.of(command))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
    return output;
  }
}
