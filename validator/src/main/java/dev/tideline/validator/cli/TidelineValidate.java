package dev.tideline.validator.cli;

import dev.tideline.proto.v1.PiiClass;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.validator.Quarantine;
import dev.tideline.validator.RecordResult;
import dev.tideline.validator.Reports;
import dev.tideline.validator.Tally;
import dev.tideline.validator.ValidationReport;
import dev.tideline.validator.Validator;
import dev.tideline.validator.source.KinesisStreamReader;
import dev.tideline.validator.source.RecordFileSource;
import dev.tideline.validator.source.RecordSource;
import dev.tideline.validator.source.SourceRecord;
import dev.tideline.validator.source.StartingPosition;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/**
 * {@code tideline-validate}: validate and count the events on a Kinesis stream or in files of
 * records, write reports and a quarantine file, and fail past thresholds (a release gate).
 *
 * <p>Exit codes: 0 passed, 1 a {@code --fail-on} threshold was exceeded, 2 bad usage, 3 the source
 * or an output could not be read or written.
 */
@Command(
    name = "tideline-validate",
    mixinStandardHelpOptions = true,
    versionProvider = TidelineValidate.Version.class,
    description = "Validate and count Tideline events on a Kinesis stream or in record files.",
    subcommands = {TidelineValidate.StreamCommand.class, TidelineValidate.FilesCommand.class})
public final class TidelineValidate implements Runnable {
  /** A threshold was exceeded. */
  public static final int EXIT_THRESHOLD = 1;

  /** The source or an output failed. */
  public static final int EXIT_IO = 3;

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
    System.exit(commandLine(new TidelineValidate()).execute(args));
  }

  /** The picocli command line for a command, with Tideline's exit codes. */
  public static CommandLine commandLine(TidelineValidate command) {
    CommandLine line = new CommandLine(command, new Factory(command));
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("tideline-validate: " + Reports.printable(message(e)));
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
        KinesisClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
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
            "Write the report; the format follows the extension: .json, .html, or .txt (console"
                + " table). Repeatable.")
    List<Path> reports = new ArrayList<>();

    @Option(
        names = "--quarantine",
        paramLabel = "FILE",
        description = "Write each bad event as a JSON line.")
    Path quarantine;

    @Option(
        names = "--fail-on",
        paramLabel = "CONDITIONS",
        description =
            "Exit 1 if any condition holds, for example 'invalid>0.1%%,lost>0'. See"
                + " docs/formats/validation-report.md.")
    String failOn;

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
  }

  /** {@code stream}: read a Kinesis stream. */
  @Command(name = "stream", description = "Read every shard of a Kinesis stream.")
  public static final class StreamCommand implements Callable<Integer> {
    private final TidelineValidate parent;

    @Spec CommandLine.Model.CommandSpec spec;

    @Mixin Common common;

    @Parameters(index = "0", paramLabel = "STREAM", description = "The stream name.")
    String streamName;

    @Option(names = "--region", description = "AWS region (default: the AWS SDK's chain).")
    String region;

    @Option(
        names = "--endpoint",
        paramLabel = "URL",
        description = "Kinesis endpoint, for example a local Kinesis.")
    URI endpoint;

    @Option(
        names = "--from",
        paramLabel = "WHEN",
        description =
            "trim_horizon (default), latest, an instant (2026-11-25T15:00:00Z) or a duration ago"
                + " (PT2H).")
    String from = "trim_horizon";

    @Option(
        names = "--to",
        paramLabel = "INSTANT",
        description = "Stop at records that arrived at or after this instant.")
    Instant to;

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
    Duration reportEvery;

    @Option(
        names = "--reads-per-second",
        paramLabel = "N",
        description = "GetRecords calls per second per shard, at most 5 (default 1).")
    double readsPerSecond = KinesisStreamReader.DEFAULT_GET_RECORDS_PER_SECOND;

    StreamCommand(TidelineValidate parent) {
      this.parent = parent;
    }

    /** The region option, or null. */
    public String region() {
      return region;
    }

    /** The endpoint option, or null. */
    public URI endpoint() {
      return endpoint;
    }

    @Override
    public Integer call() throws Exception {
      StartingPosition start = startingPosition(from, Clock.systemUTC());
      try (KinesisClient client = parent.clients.apply(this)) {
        Run run = new Run(common, spec);
        KinesisStreamReader.Builder reader =
            KinesisStreamReader.builder(client, streamName)
                .startingAt(start)
                .stopWhenCaughtUp(!follow)
                .getRecordsPerSecond(readsPerSecond)
                .progress(run::onGetRecords);
        if (to != null) {
          reader.until(to);
        }
        run.reportEvery = follow ? reportEvery : null;
        return run.execute(reader.build());
      }
    }
  }

  /** {@code files}: read record files written by the SDK's file sink. */
  @Command(name = "files", description = "Read files written by the SDK's file sink.")
  public static final class FilesCommand implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Mixin Common common;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Record files.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
      return new Run(common, spec).execute(RecordFileSource.of(files));
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
      if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
        return StartingPosition.atTimestamp(clock.instant().minus(Duration.parse(value)));
      }
      return StartingPosition.atTimestamp(Instant.parse(value));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--from '"
              + from
              + "' is neither trim_horizon, latest, an instant (2026-11-25T15:00:00Z) nor a"
              + " duration (PT2H)",
          e);
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
    private Quarantine quarantine;
    private String source;
    private Instant lastProgress = Instant.now();
    private Instant lastReport = Instant.now();
    private long behindMillis;
    Duration reportEvery;

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

    int execute(RecordSource recordSource) throws IOException, InterruptedException {
      this.source = recordSource.describe();
      if (common.quarantine != null) {
        quarantine = Quarantine.open(common.quarantine, validator, common.showPii);
      }
      try {
        recordSource.read(this::accept);
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
      for (ValidationReport.SourceDamage damage : report.sourceDamage.regions) {
        err.println(
            "tideline-validate: "
                + (damage.kind.equals(ValidationReport.SourceDamage.CORRUPT) ? "" : "warning: ")
                + Reports.printable(damage.message));
      }
      List<String> broken = failOn.broken(report);
      for (String condition : broken) {
        err.println("FAILED: " + condition);
      }
      out.flush();
      err.flush();
      // Corrupt data means records may be missing that no gate can count: never a pass.
      if (report.sourceDamage.corrupt > 0) {
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

    private void writeReports(ValidationReport report) throws IOException {
      for (Path file : common.reports) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
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
