package dev.tideline.validator.flink.hourly;

import dev.tideline.validator.Tally;
import dev.tideline.validator.ValidationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One result of an event-time hour: the validator's tally of the hour's events as of a moment, and
 * which result it is ({@link Kind}). Its {@link #json} is the validator's JSON report (format
 * version 1) with a {@code window} object added: the hour, the kind and the revision.
 *
 * <p>Immutable as far as this class goes; the tally it holds must not be changed.
 */
public final class HourlyResult {
  /** Which result of an hour. */
  public enum Kind {
    /** The first result, when the hour's window closed plus the result delay. */
    HOT,
    /** A later result, after late events arrived within the allowed lateness. */
    UPDATED,
    /** The final result, when the allowed lateness ended (or the input ended). */
    COLD,
    /**
     * The events that came after the hour's cold result, counted since the previous such result:
     * too late for the hour's window, and so in no other result.
     */
    TOO_LATE;

    /**
     * The name in reports and file names: {@code hot}, {@code updated}, {@code cold}, {@code
     * too_late}.
     */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final Duration HOUR = Duration.ofHours(1);

  private final long hourStartMs;
  private final Kind kind;
  private final int revision;
  private final Tally tally;
  // For a bucket's partial result only: which bucket, and the firing time of its trigger.
  final int bucket;
  final long firingTime;

  HourlyResult(
      long hourStartMs, Kind kind, int revision, Tally tally, int bucket, long firingTime) {
    this.hourStartMs = hourStartMs;
    this.kind = Objects.requireNonNull(kind, "kind");
    this.revision = revision;
    this.tally = Objects.requireNonNull(tally, "tally");
    this.bucket = bucket;
    this.firingTime = firingTime;
  }

  /** When the hour starts (UTC). */
  public Instant hour() {
    return Instant.ofEpochMilli(hourStartMs);
  }

  long hourStartMs() {
    return hourStartMs;
  }

  /** Which result of the hour this is. */
  public Kind kind() {
    return kind;
  }

  /**
   * The result's number among the hour's results of all kinds but {@link Kind#TOO_LATE}, from 0
   * (the hot result); among the too-late results for those.
   */
  public int revision() {
    return revision;
  }

  /**
   * The counts, without the event ids ({@link Tally#countsOnly()}); merge the tallies of hours into
   * a tally to count a day, a backfill or a whole stream.
   */
  public Tally tally() {
    return tally;
  }

  /** The hour as the report names it: {@code 2026-11-30T14:00:00Z}. */
  public String hourText() {
    return hour().toString();
  }

  /** The file name of this result in its hour's folder. */
  public String fileName() {
    switch (kind) {
      case HOT:
        return "report-hot.json";
      case COLD:
        return "report-cold.json";
      case UPDATED:
        return "report-updated-" + revision + ".json";
      default:
        return "report-too-late-" + revision + ".json";
    }
  }

  /** The hour's folder: {@code hour=2026-11-30T14}. */
  public String folderName() {
    return folderOf(hourStartMs());
  }

  /** The folder name of the hour of a time in epoch millis: {@code hour=2026-11-30T14}. */
  public static String folderOf(long epochMs) {
    long hourMs = HOUR.toMillis();
    return "hour="
        + Instant.ofEpochMilli(Math.floorDiv(epochMs, hourMs) * hourMs).toString().substring(0, 13);
  }

  /**
   * The hour to the hour, as folder names and the results stream's partition keys give it: {@code
   * 2026-11-30T14}.
   */
  public String hourId() {
    return hourText().substring(0, 13);
  }

  /**
   * The validator's report of the tally.
   *
   * @param showPii whether to show values of fields tagged as personal data; masked otherwise
   */
  public ValidationReport report(String source, boolean showPii) {
    return tally.report(source, showPii);
  }

  /**
   * The report as JSON: the validator's format (version 1), with a {@code window} object after
   * {@code version}: {@code hour}, {@code result} and {@code revision}. The same as {@link
   * HourlyReport#json()}.
   */
  public String json(String source, boolean showPii) {
    return HourlyReport.of(this, source, showPii).json();
  }

  @Override
  public String toString() {
    return "HourlyResult{" + hourText() + ", " + kind.id() + ", " + revision + "}";
  }
}
