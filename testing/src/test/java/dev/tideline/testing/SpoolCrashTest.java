package dev.tideline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.events.v1.Payment;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.RecordResult;
import dev.tideline.validator.Tally;
import dev.tideline.validator.ValidatedEvent;
import dev.tideline.validator.ValidationReport;
import dev.tideline.validator.Validator;
import dev.tideline.validator.source.KinesisStreamReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The spool against SIGKILL: a child JVM logs payments durably through the Kinesis sink to the
 * local Kinesis and is killed at random moments, 20 times, each time restarted on the same spool
 * directory; a last child sends what was left and closes. Then the stream, read back whole, must
 * hold every event whose {@code written()} handle completed, under one producer id, with no
 * sequence number given to two events, no gap, and duplicates only across a kill.
 *
 * <p>The kill moments come from a seeded random; the seed is printed, and {@code
 * -Dtideline.crashTest.seed=<seed>} replays it.
 */
@ExtendWith(LocalKinesisExtension.class)
class SpoolCrashTest {
  private static final int KILLS = 20;
  private static final int MIN_LOGGING_MILLIS = 300;
  private static final int MAX_LOGGING_MILLIS = 1500;
  private static final String PAYMENT = "tideline.events.v1.Payment";

  @TempDir Path work;

  @Test
  @Timeout(value = 170, unit = TimeUnit.SECONDS)
  void everyDurablyLoggedEventSurvivesTwentyKills(
      LocalKinesisServer server,
      @TestStream(shards = 2) LocalKinesisStream stream,
      KinesisClient kinesis)
      throws Exception {
    long began = System.nanoTime();
    long seed = Long.getLong("tideline.crashTest.seed", System.nanoTime());
    System.out.println(
        "SpoolCrashTest seed " + seed + " (replay: -Dtideline.crashTest.seed=" + seed + ")");
    Random random = new Random(seed);
    Path spool = work.resolve("spool");
    List<Child> children = new ArrayList<>();
    try {
      for (int run = 0; run < KILLS; run++) {
        Child child = Child.start(server, stream, spool, run, "log", work);
        children.add(child);
        child.awaitStarted();
        long logging =
            MIN_LOGGING_MILLIS + random.nextInt(MAX_LOGGING_MILLIS - MIN_LOGGING_MILLIS + 1);
        assertThat(child.process.waitFor(logging, TimeUnit.MILLISECONDS))
            .as("run %d ended by itself before its kill after %d ms: %s", run, logging, child)
            .isFalse();
        child.kill();
        child.logging = logging;
      }
      Child last = Child.start(server, stream, spool, KILLS, "drain", work);
      children.add(last);
      last.awaitStarted();
      assertThat(last.process.waitFor(90, TimeUnit.SECONDS))
          .as("the last run sends what is left and exits within 90 s: %s", last)
          .isTrue();
      last.finish();
      assertThat(last.process.exitValue())
          .as("the last run flushed and closed cleanly: %s", last)
          .isZero();
    } finally {
      for (Child child : children) {
        child.process.destroyForcibly();
        child.process.waitFor(30, TimeUnit.SECONDS);
      }
    }

    Testimony said = Testimony.of(children);
    assertThat(said.problems).as("refusals, drops, dead letters, failed writes").isEmpty();
    assertThat(said.producers).as("producer ids the runs reported").hasSize(1);
    String producer = said.producers.iterator().next();

    Validator validator = Validator.builder(SchemaRegistry.fromClasspath()).build();
    Tally tally = Tally.create();
    List<ValidatedEvent> read = new ArrayList<>();
    KinesisStreamReader.builder(kinesis, stream.name())
        .getRecordsPerSecond(5)
        .build()
        .read(
            record -> {
              RecordResult result =
                  validator.validate(
                      record.data(),
                      record.partitionKey(),
                      record.arrivalTime(),
                      record.shardRange());
              tally.add(result);
              read.addAll(result.events());
            });
    ValidationReport report = tally.report(stream.name(), false);
    assertThat(report.totals().invalid())
        .as(
            "invalid events on the stream, by reason %s; %s",
            report.totals().invalidByReason(),
            report.violations().stream()
                .map(v -> v.count() + " × " + v.reason() + " " + v.path() + ": " + v.message())
                .collect(Collectors.joining("; ")))
        .isZero();
    assertThat(report.totals().recordsMalformed()).as("malformed records").isZero();

    Map<String, List<Copy>> copies = new LinkedHashMap<>(); // by marker
    Map<Long, Set<String>> eventIdsBySequence = new TreeMap<>(); // payments and audits
    Set<String> producersOnStream = new TreeSet<>();
    for (ValidatedEvent event : read) {
      Envelope envelope = event.envelope();
      producersOnStream.add(SpoolCrashChild.hex(envelope.getProducerId().toByteArray()));
      eventIdsBySequence
          .computeIfAbsent(envelope.getSequence(), s -> new TreeSet<>())
          .add(event.eventIdString());
      if (event.eventType().equals(PAYMENT)) {
        Copy copy = Copy.of(event, children);
        copies.computeIfAbsent(copy.marker, m -> new ArrayList<>()).add(copy);
      }
    }

    // Every event whose written() handle completed is on the stream.
    assertThat(copies.keySet()).containsAll(said.written);
    // Every event the tracker reported acknowledged is on the stream, with the id and sequence
    // it reported.
    for (Map.Entry<String, String> acknowledged : said.acknowledged.entrySet()) {
      assertThat(copies.get(acknowledged.getKey()))
          .as("copies of acknowledged event %s", acknowledged.getKey())
          .isNotNull()
          .allSatisfy(
              copy ->
                  assertThat(copy.eventId + " " + copy.sequence)
                      .isEqualTo(acknowledged.getValue()));
    }
    // One producer id for all runs and all events: the spool keeps it.
    assertThat(producersOnStream).containsExactly(producer);
    // No sequence number names two events (payments and the tracker's audit records alike).
    assertThat(eventIdsBySequence.entrySet())
        .filteredOn(entry -> entry.getValue().size() > 1)
        .as("sequence numbers given to more than one event")
        .isEmpty();
    // Copies of one event are that event sent again: the same id and the same sequence, each
    // copy sent by another run, every run but the last of them killed before the acknowledgement
    // was on disk. A duplicate within one run would be a retry, not a crash, and fails here.
    int duplicates = 0;
    for (Map.Entry<String, List<Copy>> event : copies.entrySet()) {
      List<Copy> sent = event.getValue();
      assertThat(sent.stream().map(c -> c.eventId + " " + c.sequence).distinct())
          .as("event ids and sequences of the copies of %s", event.getKey())
          .hasSize(1);
      assertThat(sent.stream().map(c -> c.sentBy).distinct())
          .as("runs that sent a copy of %s (sent at %s)", event.getKey(), sentTimes(sent))
          .hasSameSizeAs(sent);
      duplicates += sent.size() - 1;
    }
    assertThat(copies.values().stream().map(c -> c.get(0).eventId).distinct())
        .as("event ids of different payments")
        .hasSameSizeAs(copies.keySet());

    // What a kill takes: the events accepted but not yet synced. With one logging thread, a run's
    // events reach the disk in the order they were accepted, so on the stream each run's events
    // are a prefix of what it accepted, and what is missing is its tail, none of it written().
    // Their sequence numbers were handed out in memory only; the next run continues after the
    // highest sequence on disk and hands them out again, to new events. Nothing of the lost tail
    // was ever sent (the spool publishes an event to the sender only after syncing it), so each
    // reused sequence names one event on the stream and the sequence has no gap: "never reused"
    // holds for every sequence that left the process, which is what the validator can see.
    Map<Integer, TreeSet<Integer>> onStreamByRun = byRun(copies.keySet());
    Map<Integer, TreeSet<Integer>> acceptedByRun = byRun(said.accepted);
    int lostAtKills = 0;
    for (Map.Entry<Integer, TreeSet<Integer>> run : onStreamByRun.entrySet()) {
      TreeSet<Integer> counters = run.getValue();
      assertThat(counters.last() - counters.first() + 1)
          .as(
              "run %d's events on the stream, from %d to %d",
              run.getKey(), counters.first(), counters.last())
          .isEqualTo(counters.size());
      assertThat(counters.first()).as("run %d's first event on the stream", run.getKey()).isZero();
    }
    for (Map.Entry<Integer, TreeSet<Integer>> run : acceptedByRun.entrySet()) {
      TreeSet<Integer> sent = onStreamByRun.getOrDefault(run.getKey(), new TreeSet<>());
      for (int counter : run.getValue()) {
        if (!sent.contains(counter)) {
          lostAtKills++;
          assertThat(sent.isEmpty() || counter > sent.last())
              .as(
                  "%s, lost, comes after every event of its run on the stream",
                  SpoolCrashChild.marker(run.getKey(), counter))
              .isTrue();
        }
      }
    }

    ValidationReport.Delivery delivery = report.delivery();
    int events = copies.size();
    System.out.printf(
        "SpoolCrashTest: kills %d; events accepted %d, durable (written() completed) %d,"
            + " acknowledged as reported %d, on the stream %d (%d copies in %d records),"
            + " duplicates %d, accepted but lost at a kill (never synced, sequence handed out"
            + " again) %d; validator: lost %d, missing sequences %d, gaps %d, duplicates %d,"
            + " producers %d; storage reports %d; %.1f s%n",
        KILLS,
        said.accepted.size(),
        said.written.size(),
        said.acknowledged.size(),
        events,
        events + duplicates,
        report.totals().records(),
        duplicates,
        lostAtKills,
        delivery.lost(),
        delivery.missing(),
        delivery.sequenceGaps(),
        report.totals().duplicates(),
        delivery.producers(),
        said.storage.size(),
        (System.nanoTime() - began) / 1e9);
    for (Child child : children) {
      System.out.printf(
          "SpoolCrashTest run %d: started in %d ms, logged %d ms, accepted %d, written %d, sent %d copies%n",
          child.run,
          Duration.between(child.startedAt, child.loggingFrom).toMillis(),
          child.logging,
          said.accepted.stream().filter(m -> SpoolCrashChild.runOf(m) == child.run).count(),
          said.written.stream().filter(m -> SpoolCrashChild.runOf(m) == child.run).count(),
          copies.values().stream()
              .flatMap(List::stream)
              .filter(c -> c.sentBy == child.run)
              .count());
    }
    said.storage.forEach(s -> System.out.println("SpoolCrashTest storage report: " + s));

    assertThat(delivery.producers()).isEqualTo(1);
    assertThat(delivery.sequenceGaps()).as("sequence gaps").isZero();
    assertThat(delivery.missing()).as("missing sequences").isZero();
    assertThat(report.totals().duplicates())
        .as("duplicates, by the validator")
        .isEqualTo(duplicates);
    // The validator's "lost" reconciles the producer's ProducerAudit records: what they say was
    // sent, minus what arrived within the sequence ranges they audited. Events a run recovered
    // from the spool and delivered for an earlier run are not counted as sent by its audit (they
    // lie outside its ranges); before that fix they showed up here as lost (AuditAfterRestartTest).
    assertThat(delivery.lost()).as("lost, by the validator's audit reconciliation").isZero();
  }

  private static String sentTimes(List<Copy> copies) {
    return copies.stream()
        .map(c -> c.sentTime + " by run " + c.sentBy)
        .collect(Collectors.joining(", "));
  }

  /** Markers grouped by run: run, then the counters of its events. */
  private static Map<Integer, TreeSet<Integer>> byRun(Set<String> markers) {
    Map<Integer, TreeSet<Integer>> out = new TreeMap<>();
    for (String marker : markers) {
      out.computeIfAbsent(SpoolCrashChild.runOf(marker), r -> new TreeSet<>())
          .add(SpoolCrashChild.counterOf(marker));
    }
    return out;
  }

  /** One copy of a payment on the stream, and the run that sent it (by its sent time). */
  private static final class Copy {
    final String marker;
    final String eventId;
    final long sequence;
    final Instant sentTime;
    final int sentBy;

    private Copy(String marker, String eventId, long sequence, Instant sentTime, int sentBy) {
      this.marker = marker;
      this.eventId = eventId;
      this.sequence = sequence;
      this.sentTime = sentTime;
      this.sentBy = sentBy;
    }

    static Copy of(ValidatedEvent event, List<Child> children)
        throws InvalidProtocolBufferException {
      Envelope envelope = event.envelope();
      String marker = Payment.parseFrom(envelope.getPayload()).getOrderId();
      Instant sent = event.sentTime();
      assertThat(sent).as("sent time of %s", marker).isNotNull();
      int sentBy = -1;
      // The runs never overlap: each was dead before the next started, on this machine's clock.
      for (Child child : children) {
        if (!sent.isBefore(child.startedAt) && !sent.isAfter(child.endedAt)) {
          sentBy = child.run;
        }
      }
      assertThat(sentBy).as("the run that sent %s at %s", marker, sent).isNotNegative();
      return new Copy(marker, event.eventIdString(), envelope.getSequence(), sent, sentBy);
    }
  }

  /** What the children said on stdout; see {@link SpoolCrashChild}. */
  private static final class Testimony {
    final Set<String> producers = new TreeSet<>();
    final Set<String> accepted = new TreeSet<>();
    final Set<String> written = new TreeSet<>();
    final Map<String, String> acknowledged = new HashMap<>(); // marker: "event-id sequence"
    final List<String> problems = new ArrayList<>();
    final List<String> storage = new ArrayList<>();

    static Testimony of(List<Child> children) {
      Testimony said = new Testimony();
      for (Child child : children) {
        for (String line : child.lines()) {
          if (!line.endsWith(SpoolCrashChild.END)) {
            continue; // cut by the kill
          }
          String[] words = line.substring(0, line.length() - 1).split(" ", 2);
          String rest = words.length > 1 ? words[1] : "";
          switch (words[0]) {
            case "started":
              said.producers.add(rest.split(" ")[0]);
              break;
            case "accepted":
              said.accepted.add(rest);
              break;
            case "written":
              said.written.add(rest);
              break;
            case "acknowledged":
              String[] fields = rest.split(" ");
              String earlier = said.acknowledged.put(fields[0], fields[1] + " " + fields[2]);
              assertThat(earlier == null || earlier.equals(fields[1] + " " + fields[2]))
                  .as(
                      "%s acknowledged as %s and as %s",
                      fields[0], earlier, fields[1] + " " + fields[2])
                  .isTrue();
              break;
            case "storage":
              said.storage.add("run " + child.run + ": " + rest);
              break;
            case "flushed":
            case "closed":
              break;
            default:
              said.problems.add("run " + child.run + ": " + line);
          }
        }
      }
      return said;
    }
  }

  /** One run of {@link SpoolCrashChild}: its process, what it printed, and when it lived. */
  private static final class Child {
    final int run;
    final Process process;
    final Instant startedAt;
    final Path log;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch started = new CountDownLatch(1);
    private final Thread reader;
    private volatile Instant endedAt = Instant.MAX;
    private volatile Instant loggingFrom = Instant.MAX;
    long logging; // ms, until the kill

    private Child(int run, Process process, Instant startedAt, Path log) {
      this.run = run;
      this.process = process;
      this.startedAt = startedAt;
      this.log = log;
      this.reader = new Thread(this::read, "spool-crash-child-" + run);
      reader.setDaemon(true);
      reader.start();
    }

    static Child start(
        LocalKinesisServer server,
        LocalKinesisStream stream,
        Path spool,
        int run,
        String mode,
        Path work)
        throws IOException {
      AwsCredentials credentials = server.credentials().resolveCredentials();
      Path log = work.resolve("child-" + run + ".log");
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Duser.home=" + System.getProperty("user.home"),
              // The child lives about a second: C1 alone and the serial collector start it
              // sooner, and leave more of this shared 2-core machine to the rest.
              "-XX:TieredStopAtLevel=1",
              "-XX:+UseSerialGC",
              "-Xmx256m",
              "-cp",
              System.getProperty("java.class.path"),
              SpoolCrashChild.class.getName(),
              server.httpEndpoint().toString(),
              LocalKinesisServer.REGION.id(),
              credentials.accessKeyId(),
              credentials.secretAccessKey(),
              stream.name(),
              spool.toString(),
              Integer.toString(run),
              mode);
      Instant startedAt = Instant.now();
      Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
      return new Child(run, process, startedAt, log);
    }

    private void read() {
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          lines.add(line);
          if (line.startsWith("started ")) {
            loggingFrom = Instant.now();
            started.countDown();
          }
        }
      } catch (IOException e) {
        lines.add("reading the child's output failed: " + e);
      } finally {
        started.countDown(); // an ended child will never start: let awaitStarted see it
      }
    }

    /** Waits until the tracker is built and logging, failing with the child's output if not. */
    void awaitStarted() throws InterruptedException {
      boolean answered = started.await(60, TimeUnit.SECONDS);
      assertThat(answered && lines().stream().anyMatch(l -> l.startsWith("started ")))
          .as("run %d started its tracker within 60 s: %s", run, this)
          .isTrue();
    }

    /** SIGKILL, then wait for the process and the end of its output. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("run %d dies when killed", run).isTrue();
      finish();
    }

    void finish() throws InterruptedException {
      endedAt = Instant.now();
      reader.join(TimeUnit.SECONDS.toMillis(30));
    }

    List<String> lines() {
      synchronized (lines) {
        return new ArrayList<>(lines);
      }
    }

    @Override
    public String toString() {
      String stderr;
      try {
        List<String> all = Files.readAllLines(log);
        stderr = String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
      } catch (IOException e) {
        stderr = "(unreadable: " + e + ")";
      }
      List<String> out = lines();
      return "run "
          + run
          + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
          + "\nlast stdout lines:\n"
          + String.join("\n", out.subList(Math.max(0, out.size() - 10), out.size()))
          + "\nlast stderr lines ("
          + log
          + "):\n"
          + stderr;
    }
  }
}
