package dev.tideline.validator;

import dev.tideline.validator.cli.TidelineValidate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Function;
import picocli.CommandLine;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** One in-process run of {@code tideline-validate}: its exit code and what it printed. */
final class ValidateCli {
  final int exit;
  final String out;
  final String err;

  private ValidateCli(int exit, String out, String err) {
    this.exit = exit;
    this.out = out;
    this.err = err;
  }

  /** Runs with Kinesis clients built from the options, as the installed command does. */
  static ValidateCli run(String... args) {
    return run(new TidelineValidate(), args);
  }

  /** Runs with Kinesis clients from {@code clients}. */
  static ValidateCli run(
      Function<TidelineValidate.StreamCommand, KinesisClient> clients, String... args) {
    return run(new TidelineValidate(clients), args);
  }

  private static ValidateCli run(TidelineValidate command, String... args) {
    CommandLine cli = TidelineValidate.commandLine(command);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new ValidateCli(exit, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exit + "\nout:\n" + out + "\nerr:\n" + err;
  }
}
