package dev.tideline.validator.cli;

import dev.tideline.proto.v1.PiiClass;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.validator.Quarantine;
import dev.tideline.validator.RecordResult;
import dev.tideline.validator.Tally;
import dev.tideline.validator.ValidationReport;
import dev.tideline.validator.Validator;
import dev.tideline.validator.report.Reports;
import dev.tideline.validator.source.KinesisStreamReader;
import dev.tideline.validator.source.RecordFileSource;
import dev.tideline.validator.source.RecordSource;
import dev.tideline.validator.source.SourceRecord;
import dev.tideline.validator.source.StartingPosition;
import dev.tideline.validator.source.StreamReadException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/**
 * {@code tideline-validate}: validate and count the events on a Kinesis stream or in files of
 * records, write reports and a quarantine file, and fail past thresholds (a release gate).
 *
 * <p>Exit codes: 0 passed, 1 a {@code --fail-on} threshold was exceeded, 2 bad usage (every
 * argument is checked before anything is read: options, input files, output folders), 3 the source
 * or an output could not be read or written.
 */
@Command(
    name = "tideline-validate",
    mixinStandardHelpOptions = true,
    versionProvider = TidelineValidate.Version.class,
    description = "Validate and count Tideline events on a Kinesis stream or in record files.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:passed",
      "1:a --fail-on condition held",
      "2:bad usage (checked before anything is read)",
      "3:the source or an output could not be read or written, or a record file is corrupt"
    },
    subcommands = {
      TidelineValidate.StreamCommand.class,
      TidelineValidate.FilesCommand.class,
      CommandLine.HelpCommand.class
    })
public final class TidelineValidate implements Runnable {
  /** A threshold was exceeded. */
  public static final int EXIT_THRESHOLD = 1;

  /** Bad usage: an option, an input or an output that cannot work, found before reading. */
  public static final int EXIT_USAGE = 2;

  /** The source or an output failed. */
  public static final int EXIT_IO = 3;

  private static final String SIMPLE_LOGGER_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  @Spec CommandLine.Model.CommandSpec spec;

  private final Function<StreamCommand, KinesisClient> clients;

  /** The command with Kinesis clients built from the options and the default AWS credentials. */
  public TidelineValidate() {
    this(TidelineValidate::defaultClient);
  }

  /** The command with clients from {@code clients} (tests pass a local endpoint's client). */
  public TidelineValidate(Function<StreamCommand, KinesisClient> clients) {
    this.clients = clients;
  }

  /** Runs the CLI and exits with its code. */
  public static void main(String[] args) {
    // The AWS SDK logs through SLF4J; the distribution's slf4j-simple shows warnings and errors
    // only, unless the user asks for more (-Dorg.slf4j.simpleLogger.defaultLogLevel=debug).
    if (System.getProperty(SIMPLE_LOGGER_LEVEL) == null) {
      System.setProperty(SIMPLE_LOGGER_LEVEL, "warn");
    }
    System.exit(commandLine(new TidelineValidate()).execute(args));
  }

  /** The picocli command line for a command, with Tideline's exit codes. */
  public static CommandLine commandLine(TidelineValidate command) {
    CommandLine line = new CommandLine(command, new Factory(command));
    line.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine cmd = e.getCommandLine();
          PrintWriter err = cmd.getErr();
          err.println(cmd.getCommandSpec().qualifiedName() + ": " + Reports.printable(message(e)));
          if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println(
                "Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
          }
          err.flush();
          return EXIT_USAGE;
        });
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          String text =
              e instanceof SdkException && cmd.getCommand() instanceof StreamCommand
                  ? KinesisErrors.explain((SdkException) e, (StreamCommand) cmd.getCommand())
                  : message(e);
          cmd.getErr().println("tideline-validate: " + Reports.printable(text));
          cmd.getErr().flush();
          return EXIT_IO;
        });
    return line;
  }

  /** The exception's message, or its type when it has none, so no error reads "null". */
  private static String message(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isEmpty() ? e.getClass().getName() : message;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "choose a subcommand: stream or files");
  }

  private static KinesisClient defaultClient(StreamCommand options) {
    KinesisClientBuilder builder =
        KinesisClient.builder()
            .httpClientBuilder(
                UrlConnectionHttpClient.builder().socketTimeout(options.readTimeout));
    if (options.region != null) {
      builder.region(Region.of(options.region));
    }
    if (options.endpoint != null) {
      builder.endpointOverride(options.endpoint);
    }
    return builder.build();
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TidelineValidate.class.getPackage().getImplementationVersion();
      return new String[] {"tideline-validate " + (version == null ? "(development)" : version)};
    }
  }

  /** Gives subcommands their parent, so they use its client factory. */
  private static final class Factory implements CommandLine.IFactory {
    private final TidelineValidate parent;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    Factory(TidelineValidate parent) {
      this.parent = parent;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == StreamCommand.class) {
        return type.cast(new StreamCommand(parent));
      }
      return fallback.create(type);
    }
  }

  /** A PII class by name, with or without its {@code PII_} prefix, in any case. */
  static final class PiiClassName implements CommandLine.ITypeConverter<PiiClass> {
    @Override
    public PiiClass convert(String value) {
      String name = value.trim().toUpperCase(Locale.ROOT);
      for (PiiClass piiClass : EnumSet.range(PiiClass.PII_IDENTIFIER, PiiClass.PII_SENSITIVE)) {
        if (piiClass.name().equals(name) || piiClass.name().equals("PII_" + name)) {
          return piiClass;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'"
              + value
              + "' is not a PII class: IDENTIFIER, CONTACT, LOCATION, FINANCIAL, SENSITIVE");
    }
  }

  /** Options every subcommand has: schemas, outputs, thresholds. */
  static final class Common {
    @Option(
        names = "--schemas",
        paramLabel = "PATH",
        split = ",",
        description =
            "Jars or folders holding users' catalogs (META-INF/tideline/catalog.binpb), beside the"
                + " standard events. Repeatable.")
    List<Path> schemas = new ArrayList<>();

    @Option(
        names = "--report",
        paramLabel = "FILE",
        description =
            "Write the report; the format follows the extension: .json, .html (or .htm), or .txt"
                + " (console table); others are refused. Repeatable.")
    List<Path> reports = new ArrayList<>();

    @Option(
        names = "--quarantine",
        paramLabel = "FILE",
        description = "Write each bad event as a JSON line.")
    @Nullable Path quarantine;

    @Option(
        names = "--fail-on",
        paramLabel = "CONDITIONS",
        description =
            "Exit 1 if any condition holds, for example 'invalid>0.1%%,lost>0,events<1'"
                + " (operators > >= < <=). See docs/formats/validation-report.md.")
    @Nullable String failOn;

    @Option(
        names = "--show-pii",
        description = "Show values of fields tagged as personal data (masked by default).")
    boolean showPii;

    @Option(
        names = "--forbid-clear-pii",
        paramLabel = "CLASSES",
        split = ",",
        converter = PiiClassName.class,
        description =
            "PII classes that must arrive hashed or not at all, for example 'CONTACT,FINANCIAL'"
                + " (IDENTIFIER, CONTACT, LOCATION, FINANCIAL, SENSITIVE): other values are"
                + " pii_in_clear violations.")
    List<PiiClass> forbidClearPii = new ArrayList<>();

    @Option(
        names = "--clock-skew-tolerance",
        paramLabel = "DURATION",
        description = "How far in the future an event time may be (ISO-8601, default PT10M).")
    Duration clockSkewTolerance = Validator.DEFAULT_CLOCK_SKEW_TOLERANCE;

    @Option(
        names = "--dedup-window",
        paramLabel = "N",
        description = "Event ids remembered to find duplicates (default 1000000).")
    long dedupWindow = Tally.DEFAULT_DEDUP_WINDOW;

    @Option(names = "--quiet", description = "Print no table and no progress.")
    boolean quiet;

    /** Report formats by file extension. */
    static final List<String> REPORT_EXTENSIONS = List.of(".json", ".html", ".htm", ".txt");

    /**
     * Checks these options before anything is read, so a run never fails at its end for an argument
     * it could have refused at once.
     *
     * @throws CommandLine.ParameterException naming the option, the value and what to do
     */
    void check(CommandLine line) {
      if (dedupWindow < 1) {
        throw new CommandLine.ParameterException(
            line, "--dedup-window must be at least 1, was " + dedupWindow);
      }
      if (clockSkewTolerance.isNegative()) {
        throw new CommandLine.ParameterException(
            line, "--clock-skew-tolerance must not be negative, was " + clockSkewTolerance);
      }
      for (Path report : reports) {
        String name = report.getFileName() == null ? "" : report.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
        if (!REPORT_EXTENSIONS.contains(extension)) {
          throw new CommandLine.ParameterException(
              line,
              "--report "
                  + report
                  + ": the format follows the extension, and "
                  + (extension.isEmpty() ? "it has none" : "'" + extension + "' is not one")
                  + "; use one of "
                  + String.join(", ", REPORT_EXTENSIONS));
        }
        checkWritable(line, "--report", report);
      }
      if (quarantine != null) {
        checkWritable(line, "--quarantine", quarantine);
      }
    }

    private static void checkWritable(CommandLine line, String option, Path file) {
      Path folder = file.toAbsolutePath().getParent();
      String problem = null;
      if (Files.isDirectory(file)) {
        problem = "is a folder; give a file name inside it";
      } else if (folder == null || !Files.isDirectory(folder)) {
        problem = "its folder " + folder + " does not exist; create it first";
      } else if (!Files.isWritable(folder)) {
        problem = "its folder " + folder + " is not writable";
      } else if (Files.exists(file) && !Files.isWritable(file)) {
        problem = "the file exists and is not writable";
      }
      if (problem != null) {
        throw new CommandLine.ParameterException(
            line, option + " " + file + " cannot be written: " + problem);
      }
    }
  }

  /** {@code stream}: read a Kinesis stream. */
  @Command(
      name = "stream",
      mixinStandardHelpOptions = true,
      description = {
        "Read every shard of a Kinesis stream.",
        "AWS access: the region comes from --region or the AWS SDK's chain (AWS_REGION,"
            + " ~/.aws/config); credentials from the SDK's chain (AWS_PROFILE,"
            + " AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a role). With --endpoint both are still"
            + " needed: a local Kinesis takes any region and any key pair."
      })
  public static final class StreamCommand implements Callable<Integer> {
    /** How long a Kinesis call may wait for its response before it is retried: the AWS SDK's. */
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    private final TidelineValidate parent;

    @Spec CommandLine.Model.CommandSpec spec;

    @Mixin Common common;

    @Parameters(index = "0", paramLabel = "STREAM", description = "The stream name.")
    String streamName;

    @Option(names = "--region", description = "AWS region (default: the AWS SDK's chain).")
    @Nullable String region;

    @Option(
        names = "--endpoint",
        paramLabel = "URL",
        description =
            "Kinesis endpoint, for example a local Kinesis (http://localhost:4567). Still needs a"
                + " region (--region) and credentials; a local Kinesis accepts any.")
    @Nullable URI endpoint;

    @Option(
        names = "--from",
        paramLabel = "WHEN",
        converter = StartingPositionConverter.class,
        description =
            "trim_horizon (default), latest, an instant (2026-11-25T15:00:00Z) or a duration ago"
                + " (PT2H, or 2h, 30m, 1d).")
    StartingPosition from = StartingPosition.trimHorizon();

    @Option(
        names = "--to",
        paramLabel = "INSTANT",
        description = "Stop at records that arrived at or after this instant.")
    @Nullable Instant to;

    @Option(
        names = "--follow",
        description =
            "Keep reading new records (until --to, or until interrupted) instead of stopping when"
                + " caught up.")
    boolean follow;

    @Option(
        names = "--report-every",
        paramLabel = "DURATION",
        description = "With --follow, rewrite the reports this often (ISO-8601, for example PT5M).")
    @Nullable Duration reportEvery;

    @Option(
        names = "--reads-per-second",
        paramLabel = "N",
        description = "GetRecords calls per second per shard, at most 5 (default 1).")
    double readsPerSecond = KinesisStreamReader.DEFAULT_GET_RECORDS_PER_SECOND;

    @Option(
        names = "--read-timeout",
        paramLabel = "DURATION",
        description =
            "How long each Kinesis call may wait for its response before the AWS SDK retries it"
                + " (ISO-8601, default PT30S). Raise it for a slow endpoint.")
    Duration readTimeout = DEFAULT_READ_TIMEOUT;

    @Option(
        names = "--records-per-call",
        paramLabel = "N",
        description =
            "Records asked for per GetRecords call, 1 to 10000 (default 10000). Lower it when"
                + " large responses time out.")
    int recordsPerCall = KinesisStreamReader.DEFAULT_LIMIT;

    StreamCommand(TidelineValidate parent) {
      this.parent = parent;
    }

    /** The region option, or null. */
    public @Nullable String region() {
      return region;
    }

    /** The endpoint option, or null. */
    public @Nullable URI endpoint() {
      return endpoint;
    }

    /** The read timeout option: how long a Kinesis call may wait for its response. */
    public Duration readTimeout() {
      return readTimeout;
    }

    /** The stream name. */
    public String streamName() {
      return streamName;
    }

    private void check() {
      CommandLine line = spec.commandLine();
      common.check(line);
      if (!(readsPerSecond > 0
          && readsPerSecond <= KinesisStreamReader.MAX_GET_RECORDS_PER_SECOND)) {
        throw new CommandLine.ParameterException(
            line,
            "--reads-per-second must be more than 0 and at most 5 (Kinesis allows 5 GetRecords"
                + " per second per shard, shared by every consumer), was "
                + readsPerSecond);
      }
      if (recordsPerCall < 1 || recordsPerCall > KinesisStreamReader.MAX_LIMIT) {
        throw new CommandLine.ParameterException(
            line,
            "--records-per-call must be from 1 to 10000 (the GetRecords limit), was "
                + recordsPerCall);
      }
      if (readTimeout.isNegative() || readTimeout.isZero()) {
        throw new CommandLine.ParameterException(
            line, "--read-timeout must be positive, was " + readTimeout);
      }
      if (reportEvery != null && (reportEvery.isNegative() || reportEvery.isZero())) {
        throw new CommandLine.ParameterException(
            line, "--report-every must be positive, was " + reportEvery);
      }
    }

    @Override
    public Integer call() throws Exception {
      check();
      Run run = new Run(common, spec);
      try (KinesisClient client = parent.clients.apply(this)) {
        KinesisStreamReader.Builder reader =
            KinesisStreamReader.builder(client, streamName)
                .startingAt(from)
                .stopWhenCaughtUp(!follow)
                .getRecordsPerSecond(readsPerSecond)
                .limit(recordsPerCall)
                .progress(run::onGetRecords);
        if (to != null) {
          reader.until(to);
        }
        run.reportEvery = follow ? reportEvery : null;
        return run.execute(reader.build(), this);
      }
    }
  }

  /** {@code files}: read record files written by the SDK's file sink. */
  @Command(
      name = "files",
      mixinStandardHelpOptions = true,
      description = "Read files written by the SDK's file sink.")
  public static final class FilesCommand implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Mixin Common common;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Record files.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
      CommandLine line = spec.commandLine();
      common.check(line);
      for (Path file : files) {
        String problem = null;
        if (!Files.exists(file)) {
          problem = "no such file";
        } else if (Files.isDirectory(file)) {
          problem = "is a folder; give the record files in it (for example " + file + "/*.tlrf)";
        } else if (!Files.isReadable(file)) {
          problem = "not readable (check its permissions)";
        }
        if (problem != null) {
          throw new CommandLine.ParameterException(
              line, "FILE " + file + ": " + problem + "; files reads files of the SDK's file sink");
        }
      }
      return new Run(common, spec).execute(RecordFileSource.of(files), null);
    }
  }

  /** Parses {@code --from}; a value it cannot read is a usage error that names the forms. */
  static final class StartingPositionConverter
      implements CommandLine.ITypeConverter<StartingPosition> {
    private static final java.util.regex.Pattern SHORT_DURATION =
        java.util.regex.Pattern.compile("([0-9]+)([smhd])");

    @Override
    public StartingPosition convert(String value) {
      return startingPosition(value, Clock.systemUTC());
    }
  }

  static StartingPosition startingPosition(String from, Clock clock) {
    String value = from.trim();
    if (value.equalsIgnoreCase("trim_horizon")) {
      return StartingPosition.trimHorizon();
    }
    if (value.equalsIgnoreCase("latest")) {
      return StartingPosition.latest();
    }
    try {
      java.util.regex.Matcher shortForm =
          StartingPositionConverter.SHORT_DURATION.matcher(value.toLowerCase(Locale.ROOT));
      if (shortForm.matches()) {
        String unit = shortForm.group(2);
        Duration ago =
            unit.equals("d")
                ? Duration.ofDays(Long.parseLong(shortForm.group(1)))
                : Duration.parse("PT" + shortForm.group(1) + unit.toUpperCase(Locale.ROOT));
        return StartingPosition.atTimestamp(clock.instant().minus(ago));
      }
      if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
        return StartingPosition.atTimestamp(clock.instant().minus(Duration.parse(value)));
      }
      return StartingPosition.atTimestamp(Instant.parse(value));
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new CommandLine.TypeConversionException(
          "'"
              + from
              + "' is neither trim_horizon, latest, an instant (2026-11-25T15:00:00Z) nor a"
              + " duration ago (PT2H, 2h, 30m, 1d)");
    }
  }

  /** One validation run: source → validator → tally and quarantine → reports → verdict. */
  private static final class Run {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    private final Common common;
    private final CommandLine.Model.CommandSpec spec;
    private final FailOn failOn;
    private final Validator validator;
    private final Tally tally;
    private @Nullable Quarantine quarantine;
    private String source = ""; // set by execute
    private Instant lastProgress = Instant.now();
    private Instant lastReport = Instant.now();
    private long behindMillis;
    @Nullable Duration reportEvery;

    Run(Common common, CommandLine.Model.CommandSpec spec) {
      this.common = common;
      this.spec = spec;
      try {
        this.failOn = common.failOn == null ? FailOn.none() : FailOn.parse(common.failOn);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      this.validator =
          Validator.builder(registry(common.schemas))
              .clockSkewTolerance(common.clockSkewTolerance)
              .forbidClearPii(common.forbidClearPii)
              .build();
      this.tally = Tally.create(common.dedupWindow, common.clockSkewTolerance);
    }

    /**
     * Reads the source, then writes the reports and judges them. A stream read that fails part way
     * ({@code stream} is its command) still writes the reports of what was read, then exits 3
     * naming the shard and the position.
     */
    int execute(RecordSource recordSource, @Nullable StreamCommand stream)
        throws IOException, InterruptedException {
      this.source = recordSource.describe();
      if (common.quarantine != null) {
        quarantine = Quarantine.open(common.quarantine, validator, common.showPii);
      }
      StreamReadException failure = null;
      try {
        recordSource.read(this::accept);
      } catch (StreamReadException e) {
        failure = e;
      } finally {
        if (quarantine != null) {
          quarantine.close();
        }
      }
      ValidationReport report =
          tally.report(source, common.showPii).withSourceDamage(recordSource.damage());
      writeReports(report);
      PrintWriter out = spec.commandLine().getOut();
      if (!common.quiet) {
        out.print(Reports.console(report));
      }
      PrintWriter err = spec.commandLine().getErr();
      if (failure != null) {
        err.println(
            "tideline-validate: reading shard "
                + failure.shardId()
                + " failed "
                + (failure.lastSequenceNumber() == null
                    ? "before its first record"
                    : "after the record at sequence number " + failure.lastSequenceNumber())
                + ": "
                + Reports.printable(KinesisErrors.explain(failure.getCause(), stream))
                + (common.reports.isEmpty()
                    ? ""
                    : "; the reports hold the " + tally.records() + " records read before"));
        out.flush();
        err.flush();
        return EXIT_IO;
      }
      unknownSchemaHint(report, err);
      for (ValidationReport.SourceDamage damage : report.sourceDamage().regions()) {
        err.println(
            "tideline-validate: "
                + (damage.kind().equals(ValidationReport.SourceDamage.CORRUPT) ? "" : "warning: ")
                + Reports.printable(damage.message()));
      }
      List<String> broken = failOn.broken(report);
      for (String condition : broken) {
        err.println("FAILED: " + condition);
      }
      out.flush();
      err.flush();
      // Corrupt data means records may be missing that no gate can count: never a pass.
      if (report.sourceDamage().corrupt() > 0) {
        return EXIT_IO;
      }
      return broken.isEmpty() ? 0 : EXIT_THRESHOLD;
    }

    private void accept(SourceRecord record) {
      RecordResult result =
          validator.validate(
              record.data(), record.partitionKey(), record.arrivalTime(), record.shardRange());
      tally.add(result);
      if (quarantine != null && !result.isValid()) {
        quarantine.add(result, record.shardId(), record.sequenceNumber());
      }
      progress();
    }

    void onGetRecords(String shardId, int records, long millisBehindLatest) {
      behindMillis = millisBehindLatest;
      progress();
      if (reportEvery != null && Instant.now().isAfter(lastReport.plus(reportEvery))) {
        lastReport = Instant.now();
        try {
          writeReports(tally.report(source, common.showPii));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }

    private void progress() {
      if (common.quiet) {
        return;
      }
      Instant now = Instant.now();
      if (now.isAfter(lastProgress.plus(PROGRESS_EVERY))) {
        lastProgress = now;
        spec.commandLine()
            .getErr()
            .printf(
                Locale.ROOT,
                "read %d records, %d events (%d invalid), %d ms behind latest%n",
                tally.records(),
                tally.events(),
                tally.invalid(),
                behindMillis);
        spec.commandLine().getErr().flush();
      }
    }

    /**
     * Events whose schema is in no catalog known here are usually a forgotten {@code --schemas}:
     * say so, and how to make a gate refuse it, rather than pass quietly with them all invalid.
     */
    private void unknownSchemaHint(ValidationReport report, PrintWriter err) {
      long unknown = report.totals().invalidByReason().getOrDefault("unknown_schema", 0L);
      if (unknown == 0) {
        return;
      }
      err.println(
          String.format(
              Locale.ROOT,
              "tideline-validate: %d of %d events (%.1f%%) have a schema that no catalog here"
                  + " holds (unknown_schema). %s A release gate refuses them with --fail-on"
                  + " 'unknown_schema>0'.",
              unknown,
              report.totals().events(),
              100.0 * unknown / report.totals().events(),
              common.schemas.isEmpty()
                  ? "Only Tideline's standard events are known without --schemas: add --schemas"
                      + " with the jars or folders holding your events' catalog ("
                      + SchemaRegistry.CATALOG_RESOURCE
                      + "), for example --schemas build/libs/acme-events.jar."
                  : "Check that --schemas names the catalogs of the versions the producers"
                      + " use."));
    }

    private void writeReports(ValidationReport report) throws IOException {
      for (Path file : common.reports) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
          try (OutputStream out = Files.newOutputStream(temp)) {
            if (name.endsWith(".html") || name.endsWith(".htm")) {
              out.write(Reports.html(report).getBytes(StandardCharsets.UTF_8));
            } else if (name.endsWith(".txt")) {
              out.write(Reports.console(report).getBytes(StandardCharsets.UTF_8));
            } else {
              Reports.writeJson(report, out);
            }
          }
          Files.move(
              temp,
              file,
              java.nio.file.StandardCopyOption.REPLACE_EXISTING,
              java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          Files.deleteIfExists(temp);
          throw new IOException("--report " + file + " could not be written: " + message(e), e);
        }
      }
    }

    private SchemaRegistry registry(List<Path> schemas) {
      if (schemas.isEmpty()) {
        return SchemaRegistry.fromClasspath();
      }
      List<URL> urls = new ArrayList<>();
      for (Path path : schemas) {
        if (!Files.exists(path)) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--schemas " + path + " does not exist");
        }
        if (Files.isDirectory(path)
            && !Files.exists(path.resolve(SchemaRegistry.CATALOG_RESOURCE))) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "--schemas folder " + path + " holds no " + SchemaRegistry.CATALOG_RESOURCE);
        }
        try {
          urls.add(path.toUri().toURL());
        } catch (MalformedURLException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
      }
      // The standard events come from the parent; the users' catalogs from the given paths.
      ClassLoader loader =
          new URLClassLoader(urls.toArray(new URL[0]), SchemaRegistry.class.getClassLoader());
      return SchemaRegistry.fromClassLoader(loader);
    }
  }
}
