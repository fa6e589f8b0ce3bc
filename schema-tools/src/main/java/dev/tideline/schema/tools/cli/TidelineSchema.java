package dev.tideline.schema.tools.cli;

import dev.tideline.schema.tools.SchemaException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tideline-schema} command line: {@code check}, {@code diff}, {@code docs}, {@code
 * fingerprint} and {@code catalog}. Exit codes: 0 success, 1 a breaking change ({@code check}), 2 a
 * usage error or schemas that cannot be read.
 */
@Command(
    name = "tideline-schema",
    mixinStandardHelpOptions = true,
    versionProvider = TidelineSchema.Version.class,
    description = "Schema compatibility gate, changelog, catalog docs and ids for Tideline events.",
    subcommands = {
      CheckCommand.class,
      DiffCommand.class,
      DocsCommand.class,
      FingerprintCommand.class,
      CatalogCommand.class,
      CommandLine.HelpCommand.class
    })
public final class TidelineSchema implements Runnable {
  /** Exit code of {@code check} when it finds a breaking change. */
  public static final int BREAKING = 1;

  /** Exit code for usage errors and schemas that cannot be read. */
  public static final int ERROR = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command");
  }

  /** Runs the CLI and exits the JVM with its exit code. */
  public static void main(String[] args) {
    // Avro logs through SLF4J; the distribution's slf4j-simple shows warnings and errors only,
    // unless the user asks for more (-Dorg.slf4j.simpleLogger.defaultLogLevel=debug).
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(
        run(
            args,
            new PrintWriter(new OutputStreamWriter(System.out, Charset.defaultCharset()), true),
            new PrintWriter(new OutputStreamWriter(System.err, Charset.defaultCharset()), true)));
  }

  /** Runs the CLI with the given output streams and returns its exit code; never exits the JVM. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new TidelineSchema());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (e, cl, parsed) -> {
          if (e instanceof SchemaException || e instanceof IllegalArgumentException) {
            cl.getErr().println("tideline-schema: " + e.getMessage());
            cl.getErr().flush();
            return ERROR;
          }
          throw e;
        });
    int exit = commandLine.execute(args);
    out.flush();
    err.flush();
    return exit;
  }

  /** The version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TidelineSchema.class.getPackage().getImplementationVersion();
      return new String[] {"tideline-schema " + (version == null ? "(development)" : version)};
    }
  }
}
