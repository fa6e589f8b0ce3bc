package dev.tideline.validator;

import java.io.Serializable;

/**
 * Lateness of valid first copies over the whole run: arrival − skew-corrected event time (what the
 * buckets mean), and arrival − raw event time for comparison.
 *
 * <p>Skew correction: arrival − (sent − event), both read on the producer's clock, so a producer
 * whose clock is off does not look late or early; the raw event time when the sent time is missing
 * or earlier than the event time. See docs/decisions/0300-validator-counting.md.
 *
 * <p>Not thread-safe.
 */
final class LatenessTally implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LatenessCounts corrected = new LatenessCounts();
  private final LatenessCounts raw = new LatenessCounts();

  /**
   * Counts an event and answers its skew-corrected lateness in milliseconds (never negative).
   *
   * @param eventUs the envelope's event time, positive
   * @param sentUs the envelope's sent time, 0 when missing
   */
  long add(long eventUs, long sentUs, long arrivalMs) {
    long eventMs = Math.floorDiv(eventUs, 1000L);
    long correctedMs =
        sentUs > 0 && sentUs >= eventUs ? arrivalMs - (sentUs - eventUs) / 1000L : eventMs;
    long latenessMs = Math.max(0, arrivalMs - correctedMs);
    corrected.record(latenessMs);
    raw.record(Math.max(0, arrivalMs - eventMs));
    return latenessMs;
  }

  void merge(LatenessTally other) {
    corrected.merge(other.corrected);
    raw.merge(other.raw);
  }

  ValidationReport.Lateness report() {
    return new ValidationReport.Lateness(
        corrected.buckets(), corrected.percentiles(), raw.buckets(), raw.percentiles());
  }
}
