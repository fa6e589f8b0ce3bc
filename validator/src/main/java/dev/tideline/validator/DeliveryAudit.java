package dev.tideline.validator;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.events.v1.ProducerAudit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The delivery audit per producer: sequence gaps and repeats, and the producers' own {@code
 * ProducerAudit} records reconciled with what arrived, so lost events show. Gaps are found between
 * the first and the last sequence seen, so a read that starts mid-stream reports nothing missing
 * before it.
 *
 * <p>Not thread-safe.
 */
final class DeliveryAudit {
  private final Map<UUID, ProducerState> producers = new HashMap<>();
  // The producer used last: events of one record mostly share it, so it is found without a lookup.
  private @Nullable UUID lastProducerId;
  private @Nullable ProducerState lastProducer;

  /**
   * Counts an event that names its producer (a 16-byte id) and sequence (not 0).
   *
   * @param audit whether the event is a valid first copy of a {@code ProducerAudit} record, to be
   *     reconciled
   */
  void add(EnvelopeView envelope, String type, boolean audit) {
    ProducerState producer = producer(envelope);
    producer.add(type, envelope.sequence);
    if (audit) {
      try {
        producer.addAudit(ProducerAudit.parseFrom(envelope.payload));
      } catch (InvalidProtocolBufferException e) {
        // Cannot happen for a valid event: the validator decoded the same bytes.
      }
    }
  }

  /** The state of the event's producer; the last one used without a lookup. */
  private ProducerState producer(EnvelopeView envelope) {
    UUID id = lastProducerId;
    ProducerState producer = lastProducer;
    if (id == null
        || producer == null
        || id.getMostSignificantBits() != envelope.producerIdHigh
        || id.getLeastSignificantBits() != envelope.producerIdLow) {
      id = new UUID(envelope.producerIdHigh, envelope.producerIdLow); // add() takes 16-byte ids
      producer = producers.get(id);
      if (producer == null) {
        producer = new ProducerState();
        producers.put(id, producer);
      }
      lastProducerId = id;
      lastProducer = producer;
    }
    return producer;
  }

  /** One entry per producer, sorted by producer id. */
  List<ValidationReport.Producer> producers() {
    List<ValidationReport.Producer> report = new ArrayList<>();
    for (Map.Entry<UUID, ProducerState> entry : producers.entrySet()) {
      report.add(entry.getValue().report(entry.getKey().toString()));
    }
    report.sort(Comparator.comparing(ValidationReport.Producer::producerId));
    return report;
  }

  /** The totals over the producers of {@link #producers()}. */
  static ValidationReport.Delivery totals(List<ValidationReport.Producer> producers) {
    long gaps = 0;
    long missing = 0;
    long dropped = 0;
    long lost = 0;
    long audited = 0;
    for (ValidationReport.Producer producer : producers) {
      gaps += producer.gapCount();
      missing += producer.missing();
      dropped += producer.reportedDropped();
      lost += producer.lost();
      audited += producer.audited() ? 1 : 0;
    }
    return new ValidationReport.Delivery(producers.size(), audited, gaps, missing, dropped, lost);
  }
}
