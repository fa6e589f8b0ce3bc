package dev.tideline.benchmarks.validator;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.events.v1.ScreenView;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.validator.HashKeyRange;
import dev.tideline.validator.RecordResult;
import dev.tideline.validator.Tally;
import dev.tideline.validator.ValidatedEvent;
import dev.tideline.validator.ValidationReport;
import dev.tideline.validator.Validator;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The validator's full path (deaggregate, decode, validate, count) against the bare decode of the
 * same events (envelope parse plus DynamicMessage parse of the payload), on about 200-byte events
 * in KPL aggregates of 100. Every event is valid, and setup checks it. Scores are per event.
 *
 * <p>Setup also fails when the fast path hands any of these ordinary events to a parser (the
 * report's {@code fast_path} counts): a gate, so that a field added to the envelope cannot turn the
 * fast path off without a benchmark saying so.
 *
 * <p>The validator judges ordinary events from the wire and decodes payloads only when asked
 * ({@code ValidatedEvent.payload()}); {@link #fullPathWithPayloads} asks for every one.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ValidatorBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ValidatorBenchmark {
  static final int EVENTS = ScreenViewRecords.EVENTS;

  /**
   * The range of the shard the records were read from: the stream reader and the file source pass
   * one, so each sub-record's hash key is checked against it (an MD5 per distinct partition key).
   */
  private static final HashKeyRange SHARD = HashKeyRange.all();

  private Validator validator;
  private Descriptor screenView;
  private ScreenViewRecords batch;
  private List<byte[]> records;
  private List<ByteString> envelopes;
  private Instant arrival;

  @Setup
  public void setUp() throws Exception {
    SchemaRegistry registry = SchemaRegistry.fromClasspath();
    validator = Validator.builder(registry).build();
    CatalogEntry entry = Objects.requireNonNull(registry.forClass(ScreenView.class));
    screenView = descriptor(entry);
    arrival = ScreenViewRecords.BENCHMARK_ARRIVAL;
    batch = ScreenViewRecords.make(entry, arrival, ScreenViewRecords.BENCHMARK_BATCH);
    records = batch.records();
    envelopes = batch.envelopes();
    ValidationReport report = fullPathReport();
    if (report.totals().valid() != EVENTS || report.totals().invalid() != 0) {
      throw new IllegalStateException(
          "benchmark inputs must all be valid: " + report.totals().invalidByReason());
    }
    checkNoFallbacks(report);
  }

  /**
   * Fails when the fast path handed any ordinary event to a parser: the benchmark would then
   * measure the slow path, and the validator would be slower for every user.
   */
  static void checkNoFallbacks(ValidationReport report) {
    ValidationReport.FastPath fastPath = report.fastPath();
    if (fastPath.envelopeFallbacks() != 0 || fastPath.payloadFallbacks() != 0) {
      throw new IllegalStateException(
          "the validator's fast path fell back to the parsers for ordinary events: "
              + fastPath.envelopeFallbacks()
              + " envelopes and "
              + fastPath.payloadFallbacks()
              + " payloads of "
              + report.totals().events()
              + " events; does EnvelopeView or WireCheck miss a field that was added?");
    }
  }

  /** The average envelope size, to check the events are about 200 bytes. */
  public int averageEnvelopeBytes() {
    return batch.averageEnvelopeBytes();
  }

  private static Descriptor descriptor(CatalogEntry entry) throws Exception {
    FileDescriptorSet set = FileDescriptorSet.parseFrom(entry.getDescriptorSet());
    Map<String, FileDescriptor> built = new HashMap<>();
    built.put(
        "google/protobuf/descriptor.proto", com.google.protobuf.DescriptorProtos.getDescriptor());
    FileDescriptor last = null;
    for (FileDescriptorProto file : set.getFileList()) {
      FileDescriptor[] dependencies = new FileDescriptor[file.getDependencyCount()];
      for (int i = 0; i < dependencies.length; i++) {
        dependencies[i] = built.get(file.getDependency(i));
      }
      last = FileDescriptor.buildFrom(file, dependencies);
      built.put(file.getName(), last);
    }
    for (FileDescriptor file : built.values()) {
      Descriptor found = file.findMessageTypeByName("ScreenView");
      if (found != null && found.getFullName().equals(entry.getEventType())) {
        return found;
      }
    }
    throw new IllegalStateException(
        "no ScreenView in " + (last == null ? "an empty descriptor set" : last.getName()));
  }

  private ValidationReport fullPathReport() {
    Tally tally = Tally.create(2 * EVENTS, Validator.DEFAULT_CLOCK_SKEW_TOLERANCE);
    for (byte[] record : records) {
      tally.add(validator.validate(record, "device", arrival, SHARD));
    }
    return tally.report("benchmark", false);
  }

  /** Envelope parse plus DynamicMessage parse of the payload, per event. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void bareDecode(Blackhole sink) throws InvalidProtocolBufferException {
    for (ByteString bytes : envelopes) {
      Envelope envelope = Envelope.parseFrom(bytes);
      sink.consume(DynamicMessage.parseFrom(screenView, envelope.getPayload()));
    }
  }

  /** Deaggregate, decode and validate, per event. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void validate(Blackhole sink) {
    for (byte[] record : records) {
      RecordResult result = validator.validate(record, "device", arrival, SHARD);
      sink.consume(result);
    }
  }

  /** Deaggregate, decode, validate and count (a fresh tally per 10,000 events), per event. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void fullPath(Blackhole sink) {
    Tally tally = Tally.create(2 * EVENTS, Validator.DEFAULT_CLOCK_SKEW_TOLERANCE);
    for (byte[] record : records) {
      tally.add(validator.validate(record, "device", arrival, SHARD));
    }
    sink.consume(tally);
  }

  /**
   * The full path, then every event's decoded payload asked for ({@code DynamicMessage}, decoded on
   * first use), per event: what a consumer of every decoded event pays.
   */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void fullPathWithPayloads(Blackhole sink) {
    Tally tally = Tally.create(2 * EVENTS, Validator.DEFAULT_CLOCK_SKEW_TOLERANCE);
    for (byte[] record : records) {
      RecordResult result = validator.validate(record, "device", arrival, SHARD);
      tally.add(result);
      for (ValidatedEvent event : result.events()) {
        sink.consume(event.payload());
      }
    }
    sink.consume(tally);
  }
}
