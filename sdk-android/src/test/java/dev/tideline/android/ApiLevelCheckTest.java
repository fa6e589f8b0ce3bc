package dev.tideline.android;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.codehaus.mojo.animal_sniffer.SignatureChecker;
import org.codehaus.mojo.animal_sniffer.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's Android API check (animal-sniffer with the API-24 signature, as the pom runs it at
 * process-classes) refuses a class that calls an API added after 24 without a guard, and passes one
 * that stays within 24. The fixtures are compiled here for Java 8, as sdk-android is.
 */
class ApiLevelCheckTest {
  private static final File SIGNATURE = new File("target/signatures/api-24.signature");

  @TempDir Path dir;

  private List<String> check(String className, String source) throws IOException {
    Path file = dir.resolve(className + ".java");
    Files.write(file, source.getBytes(StandardCharsets.UTF_8));
    Path classes = Files.createDirectories(dir.resolve("classes-" + className));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status =
        javac.run(null, null, null, "--release", "8", "-d", classes.toString(), file.toString());
    assertThat(status).as("javac").isZero();

    List<String> errors = new ArrayList<>();
    Logger logger =
        new Logger() {
          @Override
          public void info(String message) {}

          @Override
          public void info(String message, Throwable t) {}

          @Override
          public void debug(String message) {}

          @Override
          public void debug(String message, Throwable t) {}

          @Override
          public void warn(String message) {}

          @Override
          public void warn(String message, Throwable t) {}

          @Override
          public void error(String message) {
            errors.add(message);
          }

          @Override
          public void error(String message, Throwable t) {
            errors.add(message);
          }
        };
    try (InputStream signature = new FileInputStream(SIGNATURE)) {
      SignatureChecker checker =
          new SignatureChecker(signature, Collections.<String>emptySet(), logger);
      checker.setSourcePath(Arrays.asList(dir.toFile()));
      checker.process(classes.toFile());
      assertThat(checker.isSignatureBroken()).isEqualTo(!errors.isEmpty());
    }
    return errors;
  }

  @Test
  void aCallToAnApiAbove24WithoutAGuardFailsTheCheck() throws IOException {
    List<String> errors =
        check(
            "UsesBase64",
            "public class UsesBase64 {\n"
                + "  public static String encode(byte[] bytes) {\n"
                + "    return java.util.Base64.getEncoder().encodeToString(bytes);\n"
                + "  }\n"
                + "}\n");
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("java.util.Base64"));
  }

  @Test
  void aClassWithinApi24PassesTheCheck() throws IOException {
    List<String> errors =
        check(
            "StaysWithin24",
            "public class StaysWithin24 {\n"
                + "  public static String name(Object o) {\n"
                + "    return java.util.Objects.requireNonNull(o).toString();\n"
                + "  }\n"
                + "}\n");
    assertThat(errors).isEmpty();
  }
}
