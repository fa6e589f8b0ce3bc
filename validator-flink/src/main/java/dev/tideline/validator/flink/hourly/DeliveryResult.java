package dev.tideline.validator.flink.hourly;

import dev.tideline.validator.DeliveryLedger;
import dev.tideline.validator.report.Reports;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/**
 * The producers' delivery as of the end of an arrival hour: sequence gaps, repeats and audit
 * reconciliation over every event that arrived so far (producers idle longer than the idle timeout
 * forgotten), across the event-time hours the hourly results split them into. Written as the
 * validator's delivery report, {@code <out>/delivery/report-as-of-2026-11-30T15.json}.
 *
 * <p>Immutable as far as this class goes; the ledger it holds must not be changed.
 */
public final class DeliveryResult implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long asOfMs;
  private final DeliveryLedger ledger;
  // For a bucket's partial result only: which bucket of producers.
  final int bucket;

  DeliveryResult(long asOfMs, DeliveryLedger ledger, int bucket) {
    this.asOfMs = asOfMs;
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.bucket = bucket;
  }

  /** The end of the arrival hour this result covers: events that arrived before it. */
  public Instant asOf() {
    return Instant.ofEpochMilli(asOfMs);
  }

  long asOfMs() {
    return asOfMs;
  }

  /** The producers' delivery; merge is not needed, it covers every producer of the stream. */
  public DeliveryLedger ledger() {
    return ledger;
  }

  /** The file name of this result in the delivery folder. */
  public String fileName() {
    return "report-as-of-" + asOf().toString().substring(0, 13) + ".json";
  }

  /**
   * The delivery report (format {@code tideline-delivery-report},
   * docs/formats/validation-report.md).
   *
   * @param source what was read, for the report's header
   */
  public String json(String source) {
    return Reports.json(ledger.report(source, asOf()));
  }

  @Override
  public String toString() {
    return "DeliveryResult{asOf=" + asOf() + ", bucket=" + bucket + "}";
  }

  /** Delivery results in Java serialization, length-prefixed. */
  static final class Serializer extends JavaSerializer<DeliveryResult> {
    private static final long serialVersionUID = 1L;

    static final Serializer INSTANCE = new Serializer();

    private Serializer() {
      super(DeliveryResult.class);
    }

    @Override
    public DeliveryResult createInstance() {
      return new DeliveryResult(0, new DeliveryLedger(), -1);
    }

    @Override
    public TypeSerializerSnapshot<DeliveryResult> snapshotConfiguration() {
      return new Snapshot();
    }
  }

  /** The serializer's snapshot. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<DeliveryResult> {
    /** For Flink, which makes snapshots by reflection. */
    public Snapshot() {
      super(() -> Serializer.INSTANCE);
    }
  }
}
