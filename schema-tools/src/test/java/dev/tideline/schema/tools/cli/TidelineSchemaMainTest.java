package dev.tideline.schema.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real entry point in its own JVM: the process exit code is what CI sees. */
class TidelineSchemaMainTest {
  @Test
  void theProcessExitsOneOnABreakingChangeAgainstAGitRef(@TempDir Path repo) throws Exception {
    Path schemas = repo.resolve("proto");
    Cli.write(
        schemas.resolve("a/v1/e.proto"),
        "syntax = \"proto3\";\npackage a.v1;\nmessage E { string x = 1; string y = 2; }\n");
    Cli.git(repo, "init", "-q");
    Cli.git(repo, "add", ".");
    Cli.git(repo, "commit", "-q", "-m", "v1");
    Cli.write(
        schemas.resolve("a/v1/e.proto"),
        "syntax = \"proto3\";\npackage a.v1;\nmessage E { string x = 1; int32 y = 2; }\n");

    Process process =
        new ProcessBuilder(
                List.of(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    "-Dtideline.protoc=" + System.getProperty("tideline.protoc"),
                    TidelineSchema.class.getName(),
                    "check",
                    "--schemas",
                    schemas.toString(),
                    "--against",
                    "HEAD"))
            .directory(repo.toFile())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isEqualTo(1);
    assertThat(output)
        .contains("1 breaking change in work tree against HEAD (mode BACKWARD_TRANSITIVE):")
        .contains("FIELD_WIRE_JSON_COMPATIBLE_TYPE  a.v1.E.y")
        .contains("field 2 type changed from string to int32");
  }
}
