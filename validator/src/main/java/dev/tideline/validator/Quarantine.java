package dev.tideline.validator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tideline.wire.Hex;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Writes bad events to a file, one JSON object per line: the reason, the violation's code, path,
 * expected and actual value, the event id, schema id and event type, where the record was read, and
 * the offending sub-record (not the whole aggregate) in base64, its personal fields masked unless
 * asked otherwise. An unreadable record (a malformed aggregate) is written whole. The line format
 * is specified in docs/formats/validation-report.md.
 *
 * <p>Not thread-safe.
 */
public final class Quarantine implements AutoCloseable {
  private final Writer out;
  private final ObjectMapper mapper;
  private final Validator validator;
  private final boolean showPii;
  private long lines;

  private Quarantine(Writer out, Validator validator, boolean showPii) {
    this.out = out;
    this.validator = validator;
    this.showPii = showPii;
    this.mapper = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  }

  /**
   * A quarantine file, created or truncated.
   *
   * @param validator the validator that produced the results, to mask personal fields
   * @param showPii whether to keep personal data as read
   * @throws IOException if the file cannot be opened
   */
  public static Quarantine open(Path file, Validator validator, boolean showPii)
      throws IOException {
    return new Quarantine(
        new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8)),
        Objects.requireNonNull(validator, "validator"),
        showPii);
  }

  /**
   * Writes a line per bad event of the record, or one for the record when it is unreadable.
   *
   * @param shardId where the record was read (null for files)
   * @param sequenceNumber the record's sequence number in its shard, or a position in a file
   * @throws UncheckedIOException if the file cannot be written
   */
  public void add(RecordResult result, @Nullable String shardId, String sequenceNumber) {
    try {
      if (!result.violations().isEmpty()) {
        Violation violation = result.violations().get(0);
        ObjectNode line = line(violation, shardId, sequenceNumber, result.partitionKey());
        line.put("data", Base64.getEncoder().encodeToString(result.data().toByteArray()));
        line.put("data_scope", "record");
        write(line);
        return;
      }
      for (ValidatedEvent event : result.events()) {
        if (event.isValid()) {
          continue;
        }
        Violation violation = event.violations().get(0);
        ObjectNode line = line(violation, shardId, sequenceNumber, event.partitionKey());
        line.put("sub_record_index", event.index());
        line.put("event_id", event.eventIdString());
        if (event.envelope() != null) {
          line.put("event_type", event.eventType());
          line.put("schema_id", Hex.of(event.envelope().getSchemaId()));
          line.put("producer_id", event.producerIdString());
          line.put("sequence", event.envelope().getSequence());
        }
        if (event.violations().size() > 1) {
          line.put("more_violations", event.violations().size() - 1);
        }
        byte[] data = (showPii ? event.data() : validator.maskedData(event)).toByteArray();
        line.put("data", Base64.getEncoder().encodeToString(data));
        line.put("data_scope", "sub_record");
        line.put("masked", !showPii && event.payload() != null);
        write(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the quarantine file", e);
    }
  }

  private ObjectNode line(
      Violation violation, @Nullable String shardId, String sequenceNumber, String partitionKey) {
    ObjectNode line = mapper.createObjectNode();
    line.put("reason", violation.kind().id());
    line.put("code", violation.code());
    line.put("path", violation.path());
    line.put("expected", violation.expected());
    line.put(
        "actual",
        violation.actual() != null && violation.sensitive() && !showPii
            ? Masking.MASK
            : violation.actual());
    line.put("message", violation.message());
    line.put("shard_id", shardId);
    line.put("sequence_number", sequenceNumber);
    line.put("partition_key", partitionKey);
    return line;
  }

  private void write(ObjectNode line) throws IOException {
    mapper.writeValue(out, line);
    out.write('\n');
    lines++;
  }

  /** Lines written so far. */
  public long lines() {
    return lines;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
