package dev.tideline.validator;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The delivery of producers over a long run, as of a time: the {@code delivery} and {@code
 * producers} sections of the {@link ValidationReport validation report}, in the same form, made by
 * a {@link DeliveryLedger}. Its JSON form is specified in docs/formats/validation-report.md.
 *
 * <p>Immutable and thread-safe.
 */
@JsonPropertyOrder({"format", "version"})
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public final class DeliveryReport {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "tideline-delivery-report";

  /** The schema version; bumped on any incompatible change. */
  public static final int VERSION = 1;

  private final String format = FORMAT;
  private final int version = VERSION;
  private final String generatedAt;
  private final String source;
  private final String asOf;
  private final @Nullable String lastArrival;
  private final long forgottenProducers;
  private final ValidationReport.Delivery delivery;
  private final List<ValidationReport.Producer> producers;

  DeliveryReport(
      String source,
      String asOf,
      @Nullable String lastArrival,
      long forgottenProducers,
      ValidationReport.Delivery delivery,
      List<ValidationReport.Producer> producers) {
    this.generatedAt = Instant.now().toString();
    this.source = source;
    this.asOf = asOf;
    this.lastArrival = lastArrival;
    this.forgottenProducers = forgottenProducers;
    this.delivery = delivery;
    this.producers = Collections.unmodifiableList(producers);
  }

  /** {@code format} in the JSON report. */
  public String format() {
    return format;
  }

  /** {@code version} in the JSON report. */
  public int version() {
    return version;
  }

  /** {@code generated_at} in the JSON report. */
  public String generatedAt() {
    return generatedAt;
  }

  /** {@code source} in the JSON report. */
  public String source() {
    return source;
  }

  /** {@code as_of} in the JSON report: the report covers events that arrived before it. */
  public String asOf() {
    return asOf;
  }

  /** {@code last_arrival} in the JSON report: the latest arrival counted; null when none. */
  public @Nullable String lastArrival() {
    return lastArrival;
  }

  /** {@code forgotten_producers} in the JSON report: producers forgotten for being idle. */
  public long forgottenProducers() {
    return forgottenProducers;
  }

  /** {@code delivery} in the JSON report: the totals over {@link #producers()}. */
  public ValidationReport.Delivery delivery() {
    return delivery;
  }

  /** {@code producers} in the JSON report, sorted by producer id. */
  public List<ValidationReport.Producer> producers() {
    return producers;
  }
}
