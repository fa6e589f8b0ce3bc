package dev.tideline.validator;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.events.v1.ProducerAudit;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * Counts what a validation run saw: valid and invalid events per event type × hour × platform × app
 * version (by event-time hour and by arrival hour), duplicates within a bounded window, lateness
 * buckets and percentiles, completeness of each event-time hour, and the delivery audit per
 * producer (sequence gaps, and reconciliation with {@code ProducerAudit} records).
 *
 * <p>Lateness and completeness count valid first copies only: an invalid event's times cannot be
 * trusted and a duplicate's lateness says nothing about the hour's completeness.
 *
 * <p>Not thread-safe: feed it from one thread, then call {@link #report}.
 */
public final class Tally {
  /** Event ids remembered for duplicate detection: about 100 MB of heap at most. */
  public static final long DEFAULT_DEDUP_WINDOW = 1_000_000;

  /** The event type of the SDK's own delivery audit records. */
  public static final String AUDIT_EVENT_TYPE = "tideline.events.v1.ProducerAudit";

  static final long HOUR_MS = Duration.ofHours(1).toMillis();
  static final long HOT_MS = Duration.ofMinutes(1).toMillis();
  static final long WARM_MS = Duration.ofHours(1).toMillis();
  static final long COLD_MS = Duration.ofHours(6).toMillis();
  static final List<String> BUCKETS = Arrays.asList("hot", "le_1h", "le_6h", "cold");
  static final List<String> CHECKPOINTS = Arrays.asList("end+1m", "end+1h", "end+6h");
  private static final long[] CHECKPOINT_MS = {HOT_MS, WARM_MS, COLD_MS};

  /** Gaps listed per producer in the report; the count of missing sequences is always whole. */
  static final int MAX_GAPS_LISTED = 100;

  /** Dedup-window writes between two runs of Caffeine's maintenance; see {@link #maintenance}. */
  private static final int MAINTENANCE_BATCH = 64;

  private static final long HISTOGRAM_MAX_MS = Duration.ofDays(400).toMillis();

  private final long dedupWindow;
  private final Duration clockSkewTolerance;
  // Keys are UUIDs, not the envelope's ByteStrings: those may share the whole record's bytes, which
  // the window would then keep alive.
  private final Cache<UUID, Boolean> seen;
  // Caffeine hands its eviction bookkeeping to its executor as a task after writes. Run inline
  // (Runnable::run) that costs a lock and a buffer drain per event; queued here and run every
  // MAINTENANCE_BATCH writes, once per batch. Lookups are unaffected (the map changes at once);
  // only evictions wait, so the window may briefly hold up to a batch more ids than its size.
  private final ArrayDeque<Runnable> maintenance = new ArrayDeque<>();
  private int writesSinceMaintenance;
  private long evictions;

  private long records;
  private long malformedRecords;
  private final Map<String, Long> malformedByReason = new TreeMap<>();
  private long events;
  private long valid;
  private long duplicates;
  private final Map<String, Long> invalidByReason = new TreeMap<>();
  private Instant firstArrival;
  private Instant lastArrival;
  private long envelopeFallbacks;
  private long payloadFallbacks;
  private long validFallbacks;

  private final Map<RowKey, Counts> byEventHour = new HashMap<>();
  private final Map<RowKey, Counts> byArrivalHour = new HashMap<>();
  private final Map<String, TypeCounts> byType = new HashMap<>();
  private final LatenessCounts lateness = new LatenessCounts();
  private final LatenessCounts rawLateness = new LatenessCounts();
  private final Map<RowKey, long[]> completeness = new HashMap<>();
  private final Map<ViolationKey, ViolationCounts> violations = new LinkedHashMap<>();
  private final Map<UUID, ProducerState> producers = new HashMap<>();
  private Row lastByArrival;
  private Row lastByEvent;
  private UUID lastProducerId;
  private ProducerState lastProducer;
  private RowKey lastCompletenessKey;
  private long[] lastCompleteness;

  private Tally(long dedupWindow, Duration clockSkewTolerance) {
    this.dedupWindow = dedupWindow;
    this.clockSkewTolerance = clockSkewTolerance;
    this.seen =
        Caffeine.newBuilder()
            .maximumSize(dedupWindow)
            .initialCapacity((int) Math.min(dedupWindow, 1 << 16))
            .executor(maintenance::add)
            .evictionListener(
                (UUID key, Boolean value, RemovalCause cause) -> {
                  if (cause == RemovalCause.SIZE) {
                    evictions++;
                  }
                })
            .build();
  }

  /** Runs Caffeine's queued maintenance; below its write buffer's capacity of 128 writes. */
  private void maintain() {
    writesSinceMaintenance = 0;
    for (Runnable task = maintenance.poll(); task != null; task = maintenance.poll()) {
      task.run();
    }
  }

  private static final Instant MIN_MILLIS = Instant.ofEpochMilli(Long.MIN_VALUE);
  private static final Instant MAX_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE);

  /** A tally with the default dedup window, for a validator with the default skew tolerance. */
  public static Tally create() {
    return create(DEFAULT_DEDUP_WINDOW, Validator.DEFAULT_CLOCK_SKEW_TOLERANCE);
  }

  /**
   * A tally remembering up to {@code dedupWindow} event ids.
   *
   * @param clockSkewTolerance the validator's, shown in the report's settings
   * @throws IllegalArgumentException if dedupWindow is not positive
   */
  public static Tally create(long dedupWindow, Duration clockSkewTolerance) {
    if (dedupWindow <= 0) {
      throw new IllegalArgumentException("dedupWindow must be positive, was " + dedupWindow);
    }
    return new Tally(dedupWindow, Objects.requireNonNull(clockSkewTolerance, "clockSkewTolerance"));
  }

  /** Counts a record and its events. */
  public void add(RecordResult result) {
    records++;
    Instant arrival = result.arrivalTime();
    if (firstArrival == null || arrival.isBefore(firstArrival)) {
      firstArrival = arrival;
    }
    if (lastArrival == null || arrival.isAfter(lastArrival)) {
      lastArrival = arrival;
    }
    if (!result.violations().isEmpty()) {
      malformedRecords++;
      malformedByReason.merge(result.violations().get(0).kind().id(), 1L, Long::sum);
      for (Violation violation : result.violations()) {
        countViolation(null, null, violation);
      }
      return;
    }
    // Clamped like Validator.micros: an arrival time beyond a long of millis must not throw.
    long arrivalMs =
        arrival.isBefore(MIN_MILLIS)
            ? Long.MIN_VALUE
            : arrival.isAfter(MAX_MILLIS) ? Long.MAX_VALUE : arrival.toEpochMilli();
    for (ValidatedEvent event : result.events()) {
      add(event, arrivalMs);
    }
  }

  private void add(ValidatedEvent event, long arrivalMs) {
    events++;
    EnvelopeView envelope = event.view();
    boolean duplicate = false;
    UUID eventId = envelope == null ? null : envelope.eventUuid();
    if (eventId != null) {
      duplicate = seen.asMap().putIfAbsent(eventId, Boolean.TRUE) != null;
      if (++writesSinceMaintenance >= MAINTENANCE_BATCH) {
        maintain();
      }
    }
    if (duplicate) {
      duplicates++;
    }
    boolean isValid = event.isValid();
    int fallbacks = event.fastPathFallbacks();
    if (fallbacks != 0) {
      countFallbacks(fallbacks, isValid);
    }
    String reason = isValid ? null : event.reason().id();
    if (isValid) {
      valid++;
    } else {
      invalidByReason.merge(reason, 1L, Long::sum);
      for (Violation violation : event.violations()) {
        countViolation(event.eventType(), event.eventIdString(), violation);
      }
    }
    String type = envelope == null ? "(unreadable)" : envelope.eventType;
    String platform = envelope == null ? "" : envelope.platformName();
    String appVersion = envelope == null ? "" : envelope.appVersion;
    long eventUs = envelope == null ? 0 : envelope.eventTimeUs;
    long latenessMs = -1;
    boolean timed = isValid && !duplicate && eventUs > 0;
    if (timed) {
      long sentUs = envelope.sentTimeUs;
      long eventMs = Math.floorDiv(eventUs, 1000L);
      // Skew correction: arrival − (sent − event), both read on the producer's clock.
      long correctedMs =
          sentUs > 0 && sentUs >= eventUs ? arrivalMs - (sentUs - eventUs) / 1000L : eventMs;
      latenessMs = Math.max(0, arrivalMs - correctedMs);
      lateness.record(latenessMs);
      rawLateness.record(Math.max(0, arrivalMs - eventMs));
    }
    TypeCounts typeCounts = byType.get(type);
    if (typeCounts == null) {
      typeCounts = new TypeCounts();
      byType.put(type, typeCounts);
    }
    typeCounts.counts.add(reason, duplicate, latenessMs);
    if (timed) {
      typeCounts.lateness.record(latenessMs);
    }
    long arrivalHour = Math.floorDiv(arrivalMs, HOUR_MS);
    lastByArrival = row(byArrivalHour, lastByArrival, arrivalHour, type, platform, appVersion);
    lastByArrival.counts.add(reason, duplicate, latenessMs);
    if (eventUs > 0) {
      long eventHour = Math.floorDiv(eventUs, HOUR_MS * 1000L);
      lastByEvent = row(byEventHour, lastByEvent, eventHour, type, platform, appVersion);
      lastByEvent.counts.add(reason, duplicate, latenessMs);
      if (timed) {
        long[] counts = completeness(eventHour, type);
        counts[0]++;
        long afterHourEnd = arrivalMs - (eventHour + 1) * HOUR_MS;
        for (int i = 0; i < CHECKPOINT_MS.length; i++) {
          if (afterHourEnd <= CHECKPOINT_MS[i]) {
            counts[i + 1]++;
          }
        }
      }
    }
    if (envelope != null && envelope.producerIdLength == 16 && envelope.sequence != 0) {
      ProducerState producer = producer(envelope);
      producer.add(type, envelope.sequence);
      if (!duplicate && isValid && AUDIT_EVENT_TYPE.equals(type)) {
        try {
          producer.audits.add(ProducerAudit.parseFrom(envelope.payload));
        } catch (InvalidProtocolBufferException e) {
          // Cannot happen for a valid event: the validator decoded the same bytes.
        }
      }
    }
  }

  /** The state of the event's producer; the last one used without a lookup. */
  private ProducerState producer(EnvelopeView envelope) {
    if (lastProducer == null
        || lastProducerId.getMostSignificantBits() != envelope.producerIdHigh
        || lastProducerId.getLeastSignificantBits() != envelope.producerIdLow) {
      lastProducerId = envelope.producerUuid();
      lastProducer = producers.get(lastProducerId);
      if (lastProducer == null) {
        lastProducer = new ProducerState();
        producers.put(lastProducerId, lastProducer);
      }
    }
    return lastProducer;
  }

  /** The completeness counters of an event-time hour and type; the last ones without a lookup. */
  @SuppressWarnings("ReferenceEquality") // the same string object: a cheap hit; a miss looks up
  private long[] completeness(long eventHour, String type) {
    if (lastCompletenessKey == null
        || lastCompletenessKey.hour != eventHour
        || lastCompletenessKey.eventType != type) {
      lastCompletenessKey = new RowKey(eventHour, type, "", "");
      lastCompleteness = completeness.get(lastCompletenessKey);
      if (lastCompleteness == null) {
        lastCompleteness = new long[1 + CHECKPOINT_MS.length];
        completeness.put(lastCompletenessKey, lastCompleteness);
      }
    }
    return lastCompleteness;
  }

  /**
   * The row of a key, found without a map lookup when it is the last row used: events of one record
   * mostly share their hour, type, platform and app version (the same strings).
   */
  @SuppressWarnings("ReferenceEquality") // the same string objects: a cheap hit; a miss looks up
  private static Row row(
      Map<RowKey, Counts> rows,
      Row last,
      long hour,
      String type,
      String platform,
      String appVersion) {
    if (last != null
        && last.key.hour == hour
        && last.key.eventType == type
        && last.key.platform == platform
        && last.key.appVersion == appVersion) {
      return last;
    }
    RowKey key = new RowKey(hour, type, platform, appVersion);
    Counts counts = rows.get(key);
    if (counts == null) {
      counts = new Counts();
      rows.put(key, counts);
    }
    return new Row(key, counts);
  }

  private static final class Row {
    final RowKey key;
    final Counts counts;

    Row(RowKey key, Counts counts) {
      this.key = key;
      this.counts = counts;
    }
  }

  private void countViolation(String eventType, String eventId, Violation violation) {
    String path = violation.path() == null ? null : violation.path().replaceAll("\\[\\d+]", "[]");
    ViolationKey key = new ViolationKey(eventType, violation.kind().id(), violation.code(), path);
    ViolationCounts counts = violations.get(key);
    if (counts == null) {
      counts = new ViolationCounts(eventId, violation);
      violations.put(key, counts);
    }
    counts.count++;
  }

  /** Events counted so far. */
  public long events() {
    return events;
  }

  /** Records counted so far. */
  public long records() {
    return records;
  }

  /** Invalid events counted so far. */
  public long invalid() {
    return events - valid;
  }

  /** Counts where the validator's fast path handed an event to a parser. */
  private void countFallbacks(int fallbacks, boolean isValid) {
    if ((fallbacks & ValidatedEvent.ENVELOPE_FALLBACK) != 0) {
      envelopeFallbacks++;
    }
    if ((fallbacks & ValidatedEvent.PAYLOAD_FALLBACK) != 0) {
      payloadFallbacks++;
    }
    if (isValid) {
      validFallbacks++;
    }
  }

  /**
   * The report of what was counted so far.
   *
   * @param source what was read, for the report's header
   * @param showPii whether to show values of fields tagged as personal data; masked otherwise
   */
  public ValidationReport report(String source, boolean showPii) {
    seen.cleanUp();
    maintain();
    ValidationReport.Settings settings =
        new ValidationReport.Settings(
            clockSkewTolerance.toSeconds(), dedupWindow, !showPii, BUCKETS, CHECKPOINTS);
    ValidationReport.Totals totals =
        new ValidationReport.Totals(
            records,
            malformedRecords,
            events,
            valid,
            events - valid,
            duplicates,
            evictions,
            new TreeMap<>(invalidByReason),
            firstArrival == null ? null : firstArrival.toString(),
            lastArrival == null ? null : lastArrival.toString());
    List<ValidationReport.TypeSummary> types = new ArrayList<>();
    for (Map.Entry<String, TypeCounts> entry : new TreeMap<>(byType).entrySet()) {
      Counts c = entry.getValue().counts;
      types.add(
          new ValidationReport.TypeSummary(
              entry.getKey(),
              c.events,
              c.valid,
              c.events - c.valid,
              c.duplicates,
              new TreeMap<>(c.invalidByReason),
              c.buckets(),
              entry.getValue().lateness.percentiles()));
    }
    List<ValidationReport.Completeness> complete = new ArrayList<>();
    for (Map.Entry<RowKey, long[]> entry : sorted(completeness)) {
      long[] counts = entry.getValue();
      Map<String, Long> arrived = new LinkedHashMap<>();
      Map<String, Double> share = new LinkedHashMap<>();
      for (int i = 0; i < CHECKPOINTS.size(); i++) {
        arrived.put(CHECKPOINTS.get(i), counts[i + 1]);
        share.put(CHECKPOINTS.get(i), counts[0] == 0 ? 1.0 : (double) counts[i + 1] / counts[0]);
      }
      complete.add(
          new ValidationReport.Completeness(
              entry.getKey().hourText(), entry.getKey().eventType, counts[0], arrived, share));
    }
    List<ValidationReport.ViolationSummary> summaries = new ArrayList<>();
    for (Map.Entry<ViolationKey, ViolationCounts> entry : violations.entrySet()) {
      ViolationKey key = entry.getKey();
      ViolationCounts counts = entry.getValue();
      Violation example = counts.example;
      String actual =
          example.actual() != null && example.sensitive() && !showPii
              ? Masking.MASK
              : example.actual();
      summaries.add(
          new ValidationReport.ViolationSummary(
              key.eventType,
              key.reason,
              key.code,
              key.path,
              counts.count,
              counts.exampleEventId,
              example.expected(),
              actual,
              example.message()));
    }
    summaries.sort(Comparator.comparingLong((ValidationReport.ViolationSummary s) -> -s.count));
    List<ValidationReport.Producer> producerReports = new ArrayList<>();
    long gaps = 0;
    long missing = 0;
    long dropped = 0;
    long lost = 0;
    long audited = 0;
    for (Map.Entry<UUID, ProducerState> entry : producers.entrySet()) {
      producerReports.add(entry.getValue().report(entry.getKey().toString()));
    }
    producerReports.sort(Comparator.comparing((ValidationReport.Producer p) -> p.producerId));
    for (ValidationReport.Producer producer : producerReports) {
      gaps += producer.gapCount;
      missing += producer.missing;
      dropped += producer.reportedDropped;
      lost += producer.lost;
      audited += producer.audited ? 1 : 0;
    }
    return new ValidationReport(
        Instant.now().toString(),
        source,
        settings,
        totals,
        new TreeMap<>(malformedByReason),
        new ValidationReport.Lateness(
            lateness.buckets(), lateness.percentiles(),
            rawLateness.buckets(), rawLateness.percentiles()),
        types,
        rows(byEventHour),
        rows(byArrivalHour),
        complete,
        summaries,
        producerReports,
        new ValidationReport.Delivery(producers.size(), audited, gaps, missing, dropped, lost),
        new ValidationReport.FastPath(envelopeFallbacks, payloadFallbacks, validFallbacks));
  }

  private static <V> List<Map.Entry<RowKey, V>> sorted(Map<RowKey, V> map) {
    List<Map.Entry<RowKey, V>> entries = new ArrayList<>(map.entrySet());
    entries.sort(Map.Entry.comparingByKey());
    return entries;
  }

  private static List<ValidationReport.Row> rows(Map<RowKey, Counts> map) {
    List<ValidationReport.Row> rows = new ArrayList<>();
    for (Map.Entry<RowKey, Counts> entry : sorted(map)) {
      RowKey key = entry.getKey();
      Counts c = entry.getValue();
      rows.add(
          new ValidationReport.Row(
              key.hourText(),
              key.eventType,
              key.platform,
              key.appVersion,
              c.events,
              c.valid,
              c.events - c.valid,
              c.duplicates,
              new TreeMap<>(c.invalidByReason),
              c.buckets()));
    }
    return rows;
  }

  /** The first {@link #MAX_GAPS_LISTED} gaps of a producer. */
  private static List<long[]> gaps(SequenceSet sequences) {
    List<long[]> gaps = sequences.gaps();
    return gaps.size() <= MAX_GAPS_LISTED
        ? gaps
        : new ArrayList<>(gaps.subList(0, MAX_GAPS_LISTED));
  }

  static String uuid(ByteString id) {
    ByteBuffer bytes = id.asReadOnlyByteBuffer();
    return new UUID(bytes.getLong(), bytes.getLong()).toString();
  }

  static int bucket(long latenessMs) {
    if (latenessMs <= HOT_MS) {
      return 0;
    }
    if (latenessMs <= WARM_MS) {
      return 1;
    }
    return latenessMs <= COLD_MS ? 2 : 3;
  }

  private static final class RowKey implements Comparable<RowKey> {
    final long hour;
    final String eventType;
    final String platform;
    final String appVersion;
    private final int hash;

    RowKey(long hour, String eventType, String platform, String appVersion) {
      this.hour = hour;
      this.eventType = eventType;
      this.platform = platform;
      this.appVersion = appVersion;
      this.hash =
          ((Long.hashCode(hour) * 31 + eventType.hashCode()) * 31 + platform.hashCode()) * 31
              + appVersion.hashCode();
    }

    String hourText() {
      return Instant.ofEpochSecond(hour * 3600L).toString();
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof RowKey)) {
        return false;
      }
      RowKey other = (RowKey) o;
      return hour == other.hour
          && hash == other.hash
          && eventType.equals(other.eventType)
          && platform.equals(other.platform)
          && appVersion.equals(other.appVersion);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public int compareTo(RowKey o) {
      int c = Long.compare(hour, o.hour);
      if (c == 0) {
        c = eventType.compareTo(o.eventType);
      }
      if (c == 0) {
        c = platform.compareTo(o.platform);
      }
      return c != 0 ? c : appVersion.compareTo(o.appVersion);
    }
  }

  private static final class Counts {
    long events;
    long valid;
    long duplicates;
    final Map<String, Long> invalidByReason = new TreeMap<>();
    final long[] buckets = new long[4];

    void add(String reason, boolean duplicate, long latenessMs) {
      events++;
      if (reason == null) {
        valid++;
      } else {
        invalidByReason.merge(reason, 1L, Long::sum);
      }
      if (duplicate) {
        duplicates++;
      }
      if (latenessMs >= 0) {
        buckets[bucket(latenessMs)]++;
      }
    }

    ValidationReport.Buckets buckets() {
      return new ValidationReport.Buckets(buckets[0], buckets[1], buckets[2], buckets[3]);
    }
  }

  private static final class TypeCounts {
    final Counts counts = new Counts();
    final LatenessCounts lateness = new LatenessCounts();
  }

  private static final class LatenessCounts {
    final Histogram histogram = new Histogram(HISTOGRAM_MAX_MS, 3);
    final long[] buckets = new long[4];

    void record(long latenessMs) {
      histogram.recordValue(Math.min(latenessMs, HISTOGRAM_MAX_MS));
      buckets[bucket(latenessMs)]++;
    }

    ValidationReport.Buckets buckets() {
      return new ValidationReport.Buckets(buckets[0], buckets[1], buckets[2], buckets[3]);
    }

    ValidationReport.Percentiles percentiles() {
      if (histogram.getTotalCount() == 0) {
        return new ValidationReport.Percentiles(0, 0, 0, 0, 0, 0);
      }
      return new ValidationReport.Percentiles(
          histogram.getTotalCount(),
          histogram.getValueAtPercentile(50),
          histogram.getValueAtPercentile(90),
          histogram.getValueAtPercentile(99),
          histogram.getValueAtPercentile(99.9),
          histogram.getMaxValue());
    }
  }

  private static final class ViolationKey {
    final String eventType;
    final String reason;
    final String code;
    final String path;

    ViolationKey(String eventType, String reason, String code, String path) {
      this.eventType = eventType;
      this.reason = reason;
      this.code = code;
      this.path = path;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof ViolationKey)) {
        return false;
      }
      ViolationKey other = (ViolationKey) o;
      return Objects.equals(eventType, other.eventType)
          && reason.equals(other.reason)
          && code.equals(other.code)
          && Objects.equals(path, other.path);
    }

    @Override
    public int hashCode() {
      return Objects.hash(eventType, reason, code, path);
    }
  }

  private static final class ViolationCounts {
    final String exampleEventId;
    final Violation example;
    long count;

    ViolationCounts(String exampleEventId, Violation example) {
      this.exampleEventId = exampleEventId;
      this.example = example;
    }
  }

  private static final class ProducerState {
    final SequenceSet sequences = new SequenceSet();
    final Map<String, SequenceSet> byType = new HashMap<>();
    final List<ProducerAudit> audits = new ArrayList<>();
    long events;
    long repeats;

    void add(String type, long sequence) {
      events++;
      if (!sequences.add(sequence)) {
        repeats++;
      }
      SequenceSet ofType = byType.get(type);
      if (ofType == null) {
        ofType = new SequenceSet();
        byType.put(type, ofType);
      }
      ofType.add(sequence);
    }

    ValidationReport.Producer report(String producerId) {
      Map<String, long[]> sums = new TreeMap<>();
      Map<String, Map<String, Long>> droppedByReason = new TreeMap<>();
      List<long[]> ranges = new ArrayList<>();
      for (ProducerAudit audit : audits) {
        if (audit.getLastSequence() >= audit.getFirstSequence() && audit.getFirstSequence() > 0) {
          ranges.add(new long[] {audit.getFirstSequence(), audit.getLastSequence()});
        }
        for (ProducerAudit.TypeCounts counts : audit.getCountsList()) {
          long[] sum = sums.computeIfAbsent(counts.getEventType(), t -> new long[3]);
          sum[0] += counts.getAccepted();
          sum[1] += counts.getSent();
          Map<String, Long> reasons =
              droppedByReason.computeIfAbsent(counts.getEventType(), t -> new TreeMap<>());
          for (Map.Entry<String, Long> drop : counts.getDroppedMap().entrySet()) {
            sum[2] += drop.getValue();
            reasons.merge(drop.getKey(), drop.getValue(), Long::sum);
          }
        }
      }
      List<ValidationReport.TypeDelivery> types = new ArrayList<>();
      long dropped = 0;
      long lost = 0;
      for (Map.Entry<String, long[]> entry : sums.entrySet()) {
        SequenceSet arrivedSet = byType.get(entry.getKey());
        long arrived = 0;
        if (arrivedSet != null) {
          for (long[] range : ranges) {
            arrived += arrivedSet.countIn(range[0], range[1]);
          }
        }
        long[] sum = entry.getValue();
        long typeLost = Math.max(0, sum[1] - arrived);
        dropped += sum[2];
        lost += typeLost;
        types.add(
            new ValidationReport.TypeDelivery(
                entry.getKey(),
                sum[0],
                sum[1],
                arrived,
                sum[2],
                droppedByReason.get(entry.getKey()),
                typeLost));
      }
      return new ValidationReport.Producer(
          producerId,
          events,
          sequences.first(),
          sequences.last(),
          sequences.size(),
          sequences.missing(),
          sequences.gaps().size(),
          gaps(sequences),
          repeats,
          !audits.isEmpty(),
          dropped,
          lost,
          types);
    }
  }
}
