package dev.tideline.validator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tideline.wire.Hex;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The quarantine lines of validated records: one JSON object per bad event, with the reason, the
 * violation's code, path, expected and actual value, the event id, schema id and event type, where
 * the record was read, and the offending sub-record (not the whole aggregate) in base64, its
 * personal fields masked unless asked otherwise; one line for an unreadable record (a malformed
 * aggregate), which is written whole. The line format is specified in
 * docs/formats/validation-report.md. {@link Quarantine} writes these lines to a file; a stream
 * processor can hand them to its own file sink.
 *
 * <p>Immutable and thread-safe.
 */
public final class QuarantineLines {
  private final ObjectMapper mapper = new ObjectMapper();
  private final Validator validator;
  private final boolean showPii;

  /**
   * Lines of the results of a validator.
   *
   * @param validator the validator that produced the results, to mask personal fields
   * @param showPii whether to keep personal data as read
   */
  public QuarantineLines(Validator validator, boolean showPii) {
    this.validator = Objects.requireNonNull(validator, "validator");
    this.showPii = showPii;
  }

  /**
   * The lines of a record: one per bad event, one for the record when it is unreadable, none when
   * all its events are valid.
   *
   * @param shardId where the record was read (null for files)
   * @param sequenceNumber the record's sequence number in its shard, or a position in a file
   */
  public List<String> of(RecordResult result, @Nullable String shardId, String sequenceNumber) {
    if (!result.violations().isEmpty()) {
      Violation violation = result.violations().get(0);
      ObjectNode line = line(violation, shardId, sequenceNumber, result.partitionKey());
      line.put("data", Base64.getEncoder().encodeToString(result.data().toByteArray()));
      line.put("data_scope", "record");
      return Collections.singletonList(json(line));
    }
    if (result.isValid()) {
      return Collections.emptyList();
    }
    List<String> lines = new ArrayList<>();
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
      lines.add(json(line));
    }
    return lines;
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

  private String json(ObjectNode line) {
    try {
      return mapper.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write a quarantine line", e);
    }
  }
}
