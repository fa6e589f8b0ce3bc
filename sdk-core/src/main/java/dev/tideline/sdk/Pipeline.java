package dev.tideline.sdk;

import com.google.protobuf.CodedOutputStream;
import dev.tideline.events.v1.ProducerAudit;
import dev.tideline.proto.v1.Context;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.sink.EntryResult;
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.RecordSink;
import dev.tideline.sdk.sink.Shard;
import dev.tideline.sdk.sink.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The tracker's machinery. {@link #log} runs on the caller's thread: encode, pick the partition
 * key, offer to the {@link EventBuffer}. Everything else runs on the worker, the {@link Scheduler}
 * that runs one task at a time: it owns the lanes (aggregators and sealed records per predicted
 * shard), the shard map, the in-flight count and the retry state, so none of those needs a lock;
 * sink results come back as tasks on the worker. No lock is held while calling the sink or the
 * listener.
 */
final class Pipeline {
  private static final Logger LOG = Logger.getLogger(Tracker.class.getName());
  static final String UNKNOWN_LANE = "unknown";

  /** How long to wait before asking again for a shard map that could not be loaded. */
  private static final long BUCKET_MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private static final long MIN_WAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** How long close() waits for the sink to finish closing. */
  private static final long SINK_CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final long SHARD_MAP_LOAD_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private static final long SHARD_MAP_RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * The longest a tracker's first events wait for its first shard map, flushes and close included.
   * A cold client's first ListShards can take seconds; without the wait, the burst an app logs at
   * start-up would go out one Kinesis record (and one PUT payload unit) per event. Once per
   * tracker.
   */
  static final long FIRST_SHARD_MAP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final String streamName;
  private final RecordSink sink;
  private final TrackerListener listener;
  private final Clock clock;
  private final Scheduler scheduler;
  private final boolean ownScheduler;
  private final EnvelopeWriter writer;
  private final EventBuffer buffer;
  private final Metrics metrics = new Metrics();
  private final WorkerThread workerThread;
  private final PartitionKeyStrategy partitionKeys;
  private final byte[] producerId;
  private final String producerKey;
  private final int sentTimeFieldBytes;
  private final int configuredMaxRecordBytes;
  private final int maxRequestBytes;
  private final int maxRequestEntries;
  private final long lingerNanos;
  private final boolean strict;
  private final int maxInFlight;
  private final long ttlNanos;
  private final long callTimeoutNanos;
  private final int maxAttempts;
  private final long retryBaseNanos;
  private final long retryMaxNanos;
  private final double rateLimitFactor;
  private final boolean aggregation;
  private long auditPeriodNanos; // 0: no audit; worker-owned after start
  private final long shardMapRefreshNanos;
  private final long shutdownHookTimeoutNanos;
  private final boolean closeSink;
  private final long pipelineLimit;

  private final ThreadLocal<EnvelopeWriter.Encoded> encodedScratch =
      new ThreadLocal<EnvelopeWriter.Encoded>() {
        @Override
        protected EnvelopeWriter.Encoded initialValue() {
          return new EnvelopeWriter.Encoded();
        }
      };
  private final ThreadLocal<EventBuffer.Offer> offerScratch =
      new ThreadLocal<EventBuffer.Offer>() {
        @Override
        protected EventBuffer.Offer initialValue() {
          return new EventBuffer.Offer();
        }
      };

  private volatile int maxRecordBytes;
  private volatile boolean closed;
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicInteger pendingFlushes = new AtomicInteger();
  private final Set<String> loggedCauses = Collections.newSetFromMap(new ConcurrentHashMap<>());
  private final Object closeLock = new Object();
  private Completion<Void> closeCompletion; // guarded by closeLock
  private Thread shutdownHook;
  private volatile long oldestInPipelineNanos = Long.MAX_VALUE;

  // Worker-owned state.
  private ShardMap shardMap;
  private boolean shardMapLoading;
  private long shardMapLoadStartedNanos;
  private long shardMapNextLoadNanos;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private final List<Lane> laneOrder = new ArrayList<>();
  private int laneRotation;
  private int inFlight;
  private long pipelineBytes;
  private final List<Object[]> misrouted = new ArrayList<>(); // {OutRecord, landing shard id}
  private final Set<OutRecord> inFlightRecords =
      Collections.newSetFromMap(new java.util.IdentityHashMap<OutRecord, Boolean>());
  private Scheduler.Cancellable wake;
  private long wakeAtNanos = Long.MAX_VALUE;
  private boolean closing;
  private boolean finished;
  private volatile boolean terminated;
  private long nextAuditNanos;
  private long auditPeriodStartMicros;
  private long auditLastSequence;
  private final Map<String, long[]> auditBaseline = new HashMap<>();
  private final Map<String, Long> auditDropBaseline = new HashMap<>();
  private String lastHashKeyFor;
  private long lastHashHigh;
  private long lastHashLow;

  Pipeline(TrackerBuilder config, Tracker tracker) {
    this.streamName = config.streamName;
    this.sink = config.sink;
    this.listener = config.listener;
    this.clock = config.clock;
    this.ownScheduler = config.scheduler == null;
    this.scheduler =
        ownScheduler
            ? Scheduler.newDaemonThread("tideline-" + config.streamName)
            : config.scheduler;
    this.workerThread =
        new WorkerThread(scheduler, new Reporter(config.streamName, config.listener, metrics));
    SchemaRegistry registry =
        config.registry != null ? config.registry : SchemaRegistry.fromClasspath();
    this.producerId = config.producerId != null ? config.producerId.clone() : randomId();
    this.producerKey = hex(producerId);
    this.writer =
        new EnvelopeWriter(
            registry,
            new ArrayList<>(config.encoders),
            producerId,
            config.context,
            new LinkedHashMap<>(config.attributes));
    this.buffer =
        new MemoryBuffer(
            config.maxBufferBytes, config.bufferPolicy, config.blockTimeoutNanos, clock);
    this.partitionKeys = config.partitionKeys;
    long now = clock.currentTimeMicros();
    this.sentTimeFieldBytes = now == 0 ? 0 : 1 + CodedOutputStream.computeInt64SizeNoTag(now);
    this.configuredMaxRecordBytes = config.maxRecordBytes;
    this.maxRecordBytes = config.maxRecordBytes;
    this.maxRequestBytes = config.maxRequestBytes;
    this.maxRequestEntries = config.maxRequestEntries;
    this.lingerNanos = config.lingerNanos;
    this.strict = config.ordering == Ordering.STRICT_PER_PARTITION_KEY;
    this.maxInFlight = config.maxInFlightRequests;
    this.ttlNanos = config.recordTtlNanos;
    this.callTimeoutNanos = config.callTimeoutNanos;
    this.maxAttempts = config.maxAttempts;
    this.retryBaseNanos = config.retryBaseNanos;
    this.retryMaxNanos = config.retryMaxNanos;
    this.rateLimitFactor = config.rateLimitFactor;
    this.aggregation = config.aggregation;
    this.auditPeriodNanos = config.auditPeriodNanos;
    this.shardMapRefreshNanos = config.shardMapRefreshNanos;
    this.shutdownHookTimeoutNanos = config.shutdownHookTimeoutNanos;
    this.closeSink = config.closeSink;
    this.pipelineLimit =
        Math.max(
            config.maxRecordBytes,
            Math.min(
                config.maxBufferBytes / 2,
                (long) config.maxRequestBytes * (config.maxInFlightRequests + 1)));
  }

  private static byte[] randomId() {
    byte[] id = new byte[16];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 16; i++) {
      id[i] = (byte) random.nextInt();
    }
    id[6] = (byte) ((id[6] & 0x0F) | 0x40); // UUIDv4
    id[8] = (byte) ((id[8] & 0x3F) | 0x80);
    return id;
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      out.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return out.toString();
  }

  void start() {
    if (shutdownHookTimeoutNanos >= 0) {
      shutdownHook =
          new Thread(
              () ->
                  close(shutdownHookTimeoutNanos)
                      .await(
                          shutdownHookTimeoutNanos + TimeUnit.MILLISECONDS.toNanos(100),
                          TimeUnit.NANOSECONDS),
              "tideline-shutdown-" + streamName);
      try {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
      } catch (IllegalStateException | SecurityException e) {
        logOnce("hook", "cannot register the shutdown hook: " + e);
        shutdownHook = null;
      }
    }
    submit(this::startOnWorker, 0);
  }

  private void startOnWorker() {
    long now = clock.nanoTime();
    auditPeriodStartMicros = clock.currentTimeMicros();
    if (auditPeriodNanos > 0 && writer.typeOf(ProducerAudit.class).entry == null) {
      logOnce(
          "audit-schema",
          "the registry has no catalog entry for "
              + ProducerAudit.class.getName()
              + ", so this tracker sends no delivery audit");
      auditPeriodNanos = 0;
    }
    if (auditPeriodNanos > 0) {
      nextAuditNanos = now + auditPeriodNanos;
    }
    Completion<Integer> size;
    try {
      size = sink.maxRecordBytes(streamName);
    } catch (RuntimeException e) {
      size = Completion.failed(e);
    }
    if (size != null) {
      size.whenComplete(
          (value, failure) -> {
            if (value != null && value > 0 && value < configuredMaxRecordBytes) {
              maxRecordBytes = value;
            }
          });
    }
    loadShardMap(); // for aggregation and for the per-shard rate limits
    drain();
  }

  // ---------------------------------------------------------------- caller thread

  LogOutcome log(Object event) {
    java.util.Objects.requireNonNull(event, "event");
    return log(event, true, false);
  }

  private LogOutcome log(Object event, boolean mayBlock, boolean internal) {
    if (closed && !internal) {
      return reject(LogOutcome.CLOSED, event.getClass().getName(), "the tracker is closed");
    }
    EnvelopeWriter.Encoded encoded = encodedScratch.get();
    long eventTimeMicros = clock.currentTimeMicros();
    try {
      writer.encode(event, eventTimeMicros, encoded);
    } catch (RuntimeException | LinkageError e) {
      return reject(
          LogOutcome.ENCODING_FAILED,
          event.getClass().getName(),
          "encoding " + event.getClass().getName() + " failed: " + e);
    }
    if (encoded.refusal != null) {
      return reject(encoded.refusal, encoded.eventType, encoded.detail);
    }
    String key = partitionKey(event);
    int keyBytes = utf8Length(key);
    EventBuffer.Offer offer = offerScratch.get();
    TrackedEvent prepared =
        new TrackedEvent(
            encoded.body,
            encoded.eventType,
            key,
            keyBytes,
            eventTimeMicros,
            encoded.idHigh,
            encoded.idLow);
    buffer.offer(prepared, maxRecordBytes, sentTimeFieldBytes, mayBlock, offer);
    if (offer.evicted != null) {
      List<TrackedEvent> evicted = offer.evicted;
      offer.evicted = null;
      countDropped(evicted, DropReason.BUFFER_FULL);
      notifyDropped(evicted, DropReason.BUFFER_FULL, "evicted from the full buffer (DROP_OLDEST)");
    }
    if (offer.refusal != null) {
      return reject(offer.refusal, encoded.eventType, offer.detail);
    }
    TrackedEvent accepted = prepared;
    metrics.accepted.increment();
    metrics.bytesAccepted.add(accepted.body.length);
    metrics.type(accepted.eventType).accepted.increment();
    // Read before the CAS: while a drain is pending, logging threads only read the flag.
    if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
      submit(this::drain, 0);
    }
    return LogOutcome.ACCEPTED;
  }

  private String partitionKey(Object event) {
    String key;
    try {
      key = partitionKeys.partitionKey(event, producerKey);
    } catch (RuntimeException e) {
      logOnce("pk-throw", "the partition key strategy threw; using the producer key: " + e);
      return producerKey;
    }
    if (key == null || key.isEmpty() || key.length() > 256) {
      logOnce(
          "pk-invalid",
          "the partition key strategy returned "
              + (key == null ? "null" : "a key of " + key.length() + " characters")
              + " (must be 1 to 256); using the producer key");
      return producerKey;
    }
    return key;
  }

  private static int utf8Length(String key) {
    int length = key.length();
    for (int i = 0; i < length; i++) {
      if (key.charAt(i) >= 0x80) {
        return key.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return length;
  }

  private LogOutcome reject(LogOutcome outcome, String eventType, String detail) {
    metrics.rejected[outcome.ordinal()].increment();
    Metrics.increment(metrics.type(eventType).rejected, outcome.name().toLowerCase(Locale.ROOT), 1);
    logOnce(outcome + " " + eventType, "refused " + eventType + " (" + outcome + "): " + detail);
    if (listener != NoopListener.INSTANCE) {
      try {
        listener.onRejected(outcome, eventType, detail);
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    }
    return outcome;
  }

  Completion<Void> flush() {
    Completion<Void> barrier = buffer.barrier();
    if (!barrier.isDone()) {
      pendingFlushes.incrementAndGet();
      barrier.whenComplete((value, failure) -> pendingFlushes.decrementAndGet());
      submit(this::drain, 0);
    }
    return barrier;
  }

  Completion<Void> close(final long timeoutNanos) {
    synchronized (closeLock) {
      if (closeCompletion != null) {
        return closeCompletion;
      }
      closeCompletion = Completion.create();
      closed = true;
    }
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException | SecurityException e) {
        // the JVM is already shutting down: the hook runs or ran
      }
    }
    submit(() -> beginClose(timeoutNanos), 0);
    return closeCompletion;
  }

  TrackerMetrics metrics() {
    long oldest = Math.min(buffer.oldestQueuedNanos(), oldestInPipelineNanos);
    long age = oldest == Long.MAX_VALUE ? 0 : Math.max(0, (clock.nanoTime() - oldest) / 1000);
    return metrics.snapshot(buffer.bytes(), buffer.events(), age, maxRecordBytes);
  }

  void setContext(Context context) {
    writer.setContext(java.util.Objects.requireNonNull(context, "context"));
  }

  Context context() {
    return writer.context();
  }

  byte[] producerId() {
    return producerId.clone();
  }

  String streamName() {
    return streamName;
  }

  // ---------------------------------------------------------------- worker

  private void submit(Runnable task, long delayNanos) {
    workerThread.submit(task, delayNanos);
  }

  private void drain() {
    drainScheduled.set(false);
    if (finished) {
      return;
    }
    long now = clock.nanoTime();
    if (auditPeriodNanos > 0 && now >= nextAuditNanos && !closing) {
      nextAuditNanos = now + auditPeriodNanos;
      emitAudit();
    }
    if (shardMapLoading && now - shardMapLoadStartedNanos >= SHARD_MAP_LOAD_TIMEOUT_NANOS) {
      // A sink that never answers must not freeze the map: ask again (a late answer still counts).
      logOnce("shards-hung", "ListShards did not answer within 30 s; asking again");
      shardMapLoading = false;
    }
    if (!shardMapLoading && now >= shardMapNextLoadNanos) {
      loadShardMap();
    }
    boolean flushing = closing || pendingFlushes.get() > 0;
    if (awaitingFirstShardMap(now)) {
      scheduleWake(now);
      return;
    }
    pull(now);
    expire(now);
    seal(now, flushing);
    send(now, flushing);
    updateOldest();
    scheduleWake(now);
  }

  /**
   * Whether to leave events queued while the first shard map loads, so that a tracker's first
   * events are aggregated rather than sent one record each; at most {@link
   * #FIRST_SHARD_MAP_WAIT_NANOS} (or the linger time, if longer), even when flushing.
   */
  private boolean awaitingFirstShardMap(long now) {
    return aggregation
        && shardMap == null
        && shardMapLoading
        && metrics.shardMapRefreshes.sum() == 0
        && now - buffer.oldestQueuedNanos() < Math.max(lingerNanos, FIRST_SHARD_MAP_WAIT_NANOS);
  }

  private void pull(long now) {
    while (pipelineBytes < pipelineLimit || pipelineBytes == 0) {
      List<TrackedEvent> events =
          buffer.poll(pipelineBytes == 0 ? pipelineLimit : pipelineLimit - pipelineBytes);
      if (events.isEmpty()) {
        return;
      }
      for (TrackedEvent event : events) {
        pipelineBytes += event.bufferedSize;
        route(event, now);
      }
    }
  }

  private void route(TrackedEvent event, long now) {
    long sentTime = clock.currentTimeMicros();
    int limit = maxRecordBytes;
    int single = event.dataSize(sentTime) + utf8Length(event.partitionKey);
    if (single > limit) {
      List<TrackedEvent> one = Collections.singletonList(event);
      dropInPipeline(
          one,
          DropReason.TOO_LARGE,
          event.eventType
              + " needs a record of "
              + single
              + " bytes, above the stream's maximum record size of "
              + limit);
      return;
    }
    if (shardMap == null) {
      addReady(lane(UNKNOWN_LANE), Aggregator.single(event, UNKNOWN_LANE, sentTime));
      return;
    }
    hash(event);
    Shard shard = shardMap.shardFor(event.hashHigh, event.hashLow);
    Lane lane = lane(shard.shardId());
    if (!aggregation) {
      addReady(lane, Aggregator.single(event, lane.key, sentTime));
      return;
    }
    if (lane.aggregator != null && !lane.aggregator.tryAdd(event)) {
      sealLane(lane);
    }
    if (lane.aggregator == null) {
      Aggregator aggregator = new Aggregator(limit, sentTime);
      if (aggregator.tryAdd(event)) {
        lane.aggregator = aggregator;
      } else {
        // Fits alone unaggregated (checked above) but not with the 20-byte KPL frame.
        addReady(lane, Aggregator.single(event, lane.key, sentTime));
      }
    }
  }

  /** Hashes the event's partition key, reusing the last result for a repeated key. */
  private void hash(TrackedEvent event) {
    if (event.partitionKey.equals(lastHashKeyFor)) {
      event.hashHigh = lastHashHigh;
      event.hashLow = lastHashLow;
      return;
    }
    ShardMap.hash(event.partitionKey, event);
    lastHashKeyFor = event.partitionKey;
    lastHashHigh = event.hashHigh;
    lastHashLow = event.hashLow;
  }

  private Lane lane(String key) {
    Lane lane = lanes.get(key);
    if (lane == null) {
      TokenBucket bucket =
          UNKNOWN_LANE.equals(key) ? null : new TokenBucket(rateLimitFactor, clock.nanoTime());
      lane = new Lane(key, bucket);
      lanes.put(key, lane);
      laneOrder.add(lane);
    }
    return lane;
  }

  private void addReady(Lane lane, OutRecord record) {
    lane.ready.addLast(record);
    lane.readyBytes += record.billedSize;
  }

  private void sealLane(Lane lane) {
    Aggregator aggregator = lane.aggregator;
    lane.aggregator = null;
    if (aggregator != null && !aggregator.isEmpty()) {
      addReady(lane, aggregator.build(lane.key));
    }
  }

  private void seal(long now, boolean flushing) {
    for (Lane lane : laneOrder) {
      if (lane.aggregator != null
          && (flushing || now - lane.aggregator.firstAcceptedNanos() >= lingerNanos)) {
        sealLane(lane);
      }
    }
  }

  /** Dead-letters records past their time-to-live that wait to be sent. */
  private void expire(long now) {
    for (Lane lane : laneOrder) {
      Iterator<OutRecord> it = lane.ready.iterator();
      while (it.hasNext()) {
        OutRecord record = it.next();
        if (now - record.firstAcceptedNanos >= ttlNanos) {
          it.remove();
          lane.readyBytes -= record.billedSize;
          if (record.lastErrorCode == null) {
            record.lastErrorCode = "Expired";
            record.lastErrorMessage =
                "not sent within the record time-to-live (throttled or stalled)";
          }
          deadLetter(record, DropReason.EXPIRED);
        } else if (record.attempts == 0) {
          break; // fresh records are in acceptance order: the rest are younger
        }
      }
    }
  }

  private boolean eligible(Lane lane, long now) {
    return !(strict && lane.inFlight) && now >= lane.throttledUntilNanos;
  }

  /** Whether a request should go now: a full one is ready, or something is due. */
  private boolean sendable(long now, boolean flushing) {
    long entries = 0;
    long bytes = 0;
    for (Lane lane : laneOrder) {
      if (lane.ready.isEmpty() || !eligible(lane, now)) {
        continue;
      }
      for (OutRecord record : lane.ready) {
        if (now < record.notBeforeNanos) {
          if (strict) {
            break;
          }
          continue;
        }
        if (flushing || record.attempts > 0 || now - record.firstAcceptedNanos >= lingerNanos) {
          return true;
        }
        if (record.attempts == 0) {
          break; // fresh records after this one are younger
        }
      }
      entries += lane.ready.size();
      bytes += lane.readyBytes;
      if (entries >= maxRequestEntries || bytes >= maxRequestBytes) {
        return true;
      }
    }
    return false;
  }

  private void send(long now, boolean flushing) {
    while (inFlight < maxInFlight && !finished) {
      if (!sendable(now, flushing)) {
        return;
      }
      List<OutRecord> request = collect(now);
      if (request.isEmpty()) {
        return;
      }
      dispatch(request);
    }
  }

  private List<OutRecord> collect(long now) {
    List<OutRecord> request = new ArrayList<>();
    long bytes = 0;
    int n = laneOrder.size();
    if (n == 0) {
      return request;
    }
    laneRotation = (laneRotation + 1) % n;
    for (int i = 0; i < n; i++) {
      Lane lane = laneOrder.get((laneRotation + i) % n);
      if (lane.ready.isEmpty() || !eligible(lane, now)) {
        continue;
      }
      Iterator<OutRecord> it = lane.ready.iterator();
      while (it.hasNext()) {
        OutRecord record = it.next();
        if (now < record.notBeforeNanos) {
          if (strict) {
            break;
          }
          continue;
        }
        if (request.size() >= maxRequestEntries || bytes + record.billedSize > maxRequestBytes) {
          return request;
        }
        if (lane.bucket != null && !lane.bucket.tryTake(record.billedSize, now)) {
          break;
        }
        it.remove();
        lane.readyBytes -= record.billedSize;
        request.add(record);
        bytes += record.billedSize;
        if (strict) {
          break; // one record per shard per request, so a failure cannot be overtaken
        }
      }
    }
    return request;
  }

  private void dispatch(final List<OutRecord> request) {
    inFlight++;
    List<SinkRecord> records = new ArrayList<>(request.size());
    for (OutRecord record : request) {
      record.attempts++;
      records.add(record.record);
      inFlightRecords.add(record);
      if (strict) {
        lanes.get(record.laneKey).inFlight = true;
      }
    }
    metrics.putRecordsCalls.increment();
    Completion<PutRecordsResult> call;
    try {
      call = sink.putRecords(streamName, Collections.unmodifiableList(records));
    } catch (RuntimeException | LinkageError e) {
      call = Completion.failed(e);
    }
    if (call == null) {
      call = Completion.failed(new IllegalStateException("the sink returned no Completion"));
    }
    final boolean[] answered = {false}; // worker-owned: the first of answer and timeout wins
    final Scheduler.Cancellable timeout =
        scheduleOrNull(
            () -> {
              if (!answered[0]) {
                answered[0] = true;
                logOnce("call-timeout", "a PutRecords call had no answer within the call timeout");
                onResult(request, null, new CallTimeout());
              }
            },
            callTimeoutNanos);
    call.whenComplete(
        (result, failure) ->
            submit(
                () -> {
                  if (!answered[0]) {
                    answered[0] = true;
                    if (timeout != null) {
                      timeout.cancel();
                    }
                    onResult(request, result, failure);
                  }
                },
                0));
  }

  /** The tracker's own bound on a PutRecords call, in case a sink never answers. */
  private static final class CallTimeout extends Exception {
    private static final long serialVersionUID = 1L;

    CallTimeout() {
      super("no answer within the call timeout", null, false, false);
    }
  }

  private Scheduler.Cancellable scheduleOrNull(Runnable task, long delayNanos) {
    return workerThread.schedule(task, delayNanos);
  }

  private void onResult(List<OutRecord> request, PutRecordsResult result, Throwable failure) {
    inFlight--;
    for (OutRecord record : request) {
      inFlightRecords.remove(record);
      if (strict) {
        Lane lane = lanes.get(record.laneKey);
        if (lane != null) {
          lane.inFlight = false;
        }
      }
    }
    if (finished) {
      return;
    }
    long now = clock.nanoTime();
    String callCode = null;
    String callMessage = null;
    if (failure instanceof CallTimeout) {
      callCode = ErrorCodes.TRANSPORT_ERROR;
      callMessage = "the sink did not answer within " + (callTimeoutNanos / 1_000_000) + " ms";
    } else if (failure != null) {
      callCode = ErrorCodes.SINK_ERROR;
      callMessage = "the sink failed: " + failure;
    } else if (result == null || result.entries().size() != request.size()) {
      callCode = ErrorCodes.SINK_ERROR;
      callMessage =
          "the sink answered "
              + (result == null ? "null" : result.entries().size() + " results")
              + " for "
              + request.size()
              + " records";
    }
    if (callCode != null) {
      logOnce("sink " + callMessage, callMessage);
    }
    Map<Lane, List<OutRecord>> retries = new LinkedHashMap<>();
    boolean reloadShardMap = false;
    // One jittered delay per call: the failed entries of a call go back together in one request.
    long jitterDraw = -1;
    for (int i = 0; i < request.size(); i++) {
      OutRecord record = request.get(i);
      if (record.abandoned) {
        continue;
      }
      EntryResult entry = callCode == null ? result.entries().get(i) : null;
      Lane lane = lane(record.laneKey);
      if (entry != null && entry.isSuccess()) {
        if (lane.bucket != null) {
          lane.bucket.speedUp();
        }
        lane.consecutiveThrottles = 0;
        if (record.aggregated
            && !UNKNOWN_LANE.equals(record.laneKey)
            && !record.laneKey.equals(entry.shardId())) {
          // A shard id's range never changes, so a known landing shard is resolved at once.
          Shard landing = shardMap == null ? null : shardMap.byId(entry.shardId());
          if (landing != null) {
            resolveMisrouted(record, landing, now);
          } else {
            misrouted.add(new Object[] {record, entry.shardId()});
          }
          reloadShardMap = true;
        } else {
          acknowledge(record);
        }
        continue;
      }
      String code = entry != null ? entry.errorCode() : callCode;
      String message = entry != null ? entry.errorMessage() : callMessage;
      record.lastErrorCode = code;
      record.lastErrorMessage = message;
      if (ErrorCodes.isPermanent(code)) {
        deadLetter(record, DropReason.REFUSED);
        continue;
      }
      if (record.attempts >= maxAttempts) {
        deadLetter(record, DropReason.ATTEMPTS_EXHAUSTED);
        continue;
      }
      if (now - record.firstAcceptedNanos >= ttlNanos) {
        deadLetter(record, DropReason.EXPIRED);
        continue;
      }
      Metrics.increment(metrics.retries, code, 1);
      if (ErrorCodes.isThrottle(code)) {
        Metrics.increment(metrics.throttles, lane.key, 1);
        if (!throttledLaneThisRound(lane, retries)) {
          lane.consecutiveThrottles++;
          if (lane.bucket != null) {
            lane.bucket.slowDown();
          }
          long bound = backoffBound(lane.consecutiveThrottles);
          // Equal jitter: at least half the bound, so a throttled shard really rests.
          long delay = bound / 2 + ThreadLocalRandom.current().nextLong(bound / 2 + 1);
          lane.throttledUntilNanos = Math.max(lane.throttledUntilNanos, now + delay);
        }
        record.notBeforeNanos = lane.throttledUntilNanos;
      } else {
        if (jitterDraw < 0) {
          jitterDraw = ThreadLocalRandom.current().nextLong(backoffBound(record.attempts) + 1);
        }
        record.notBeforeNanos = now + Math.min(jitterDraw, backoffBound(record.attempts));
      }
      List<OutRecord> laneRetries = retries.get(lane);
      if (laneRetries == null) {
        laneRetries = new ArrayList<>();
        retries.put(lane, laneRetries);
      }
      laneRetries.add(record);
    }
    for (Map.Entry<Lane, List<OutRecord>> entry : retries.entrySet()) {
      Lane lane = entry.getKey();
      List<OutRecord> records = entry.getValue();
      // Back at the front, in their original order: before anything later of the shard.
      for (int i = records.size() - 1; i >= 0; i--) {
        lane.ready.addFirst(records.get(i));
        lane.readyBytes += records.get(i).billedSize;
      }
    }
    if (reloadShardMap) {
      loadShardMap();
    }
    drain();
  }

  private boolean throttledLaneThisRound(Lane lane, Map<Lane, List<OutRecord>> retries) {
    List<OutRecord> already = retries.get(lane);
    if (already == null) {
      return false;
    }
    for (OutRecord record : already) {
      if (ErrorCodes.isThrottle(record.lastErrorCode)) {
        return true;
      }
    }
    return false;
  }

  /** The bound of the n-th backoff (n from 1): base × 2^(n−1), at most the maximum. */
  private long backoffBound(int n) {
    long bound = retryBaseNanos;
    for (int i = 1; i < n && bound < retryMaxNanos; i++) {
      bound *= 2;
    }
    return Math.min(bound, retryMaxNanos);
  }

  private void acknowledge(OutRecord record) {
    long now = clock.nanoTime();
    int n = record.events.size();
    metrics.sent.add(n);
    metrics.recordsSent.increment();
    if (record.aggregated) {
      metrics.aggregatedRecordsSent.increment();
    }
    metrics.bytesSent.add(record.billedSize);
    metrics.putPayloadUnits.add(
        (record.billedSize + TrackerMetrics.PUT_PAYLOAD_UNIT_BYTES - 1)
            / TrackerMetrics.PUT_PAYLOAD_UNIT_BYTES);
    String runType = null;
    int runLength = 0;
    for (TrackedEvent event : record.events) {
      metrics.latency((now - event.acceptedNanos) / 1000);
      if (!event.eventType.equals(runType)) {
        if (runType != null) {
          metrics.type(runType).sent.add(runLength);
        }
        runType = event.eventType;
        runLength = 0;
      }
      runLength++;
    }
    if (runType != null) {
      metrics.type(runType).sent.add(runLength);
    }
    release(record.events);
    if (listener != NoopListener.INSTANCE) {
      try {
        listener.onAcknowledged(Collections.unmodifiableList(record.events));
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    }
  }

  private void deadLetter(OutRecord record, DropReason reason) {
    metrics.deadLettered.add(record.events.size());
    countDropped(record.events, reason);
    release(record.events);
    logOnce(
        "dead " + reason + " " + record.lastErrorCode,
        "gave up on "
            + record.events.size()
            + " events ("
            + reason
            + ") after "
            + record.attempts
            + " attempts; last error "
            + record.lastErrorCode
            + ": "
            + record.lastErrorMessage);
    if (listener != NoopListener.INSTANCE) {
      try {
        listener.onDeadLettered(
            Collections.unmodifiableList(record.events),
            reason,
            record.lastErrorCode,
            record.lastErrorMessage);
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    }
  }

  /** Drops events the worker holds (in lanes, in flight, or just polled). */
  private void dropInPipeline(List<TrackedEvent> events, DropReason reason, String detail) {
    countDropped(events, reason);
    release(events);
    logOnce("drop " + reason, "dropped " + events.size() + " events (" + reason + "): " + detail);
    notifyDropped(events, reason, detail);
  }

  private void countDropped(List<TrackedEvent> events, DropReason reason) {
    metrics.dropped[reason.ordinal()].add(events.size());
    for (TrackedEvent event : events) {
      Metrics.increment(metrics.type(event.eventType).dropped, reason.key(), 1);
    }
  }

  private void notifyDropped(List<TrackedEvent> events, DropReason reason, String detail) {
    if (listener != NoopListener.INSTANCE) {
      try {
        listener.onDropped(Collections.unmodifiableList(events), reason, detail);
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    }
  }

  private void release(List<TrackedEvent> events) {
    for (TrackedEvent event : events) {
      pipelineBytes -= event.bufferedSize;
    }
    buffer.release(events);
  }

  // ---------------------------------------------------------------- shard map

  private void loadShardMap() {
    if (shardMapLoading || finished) {
      return;
    }
    shardMapLoading = true;
    shardMapLoadStartedNanos = clock.nanoTime();
    Completion<List<Shard>> call;
    try {
      call = sink.listShards(streamName);
    } catch (RuntimeException | LinkageError e) {
      call = Completion.failed(e);
    }
    if (call == null) {
      call = Completion.failed(new IllegalStateException("the sink returned no Completion"));
    }
    call.whenComplete((shards, failure) -> submit(() -> onShards(shards, failure), 0));
  }

  private void onShards(List<Shard> shards, Throwable failure) {
    shardMapLoading = false;
    if (finished) {
      return;
    }
    long now = clock.nanoTime();
    ShardMap map = failure == null && shards != null ? ShardMap.of(shards) : null;
    if (map == null) {
      logOnce(
          "shards",
          "cannot load the shard map of "
              + streamName
              + (failure != null
                  ? ": " + failure
                  : ": the open shards do not cover the hash key space")
              + "; sending unaggregated records until it loads");
      shardMapNextLoadNanos = now + SHARD_MAP_RETRY_NANOS;
      // Without a map the landing shard's range is unknown: resend every sub-record.
      resolveMisrouted(null);
    } else {
      shardMap = map;
      metrics.shardMapRefreshes.increment();
      shardMapNextLoadNanos = now + shardMapRefreshNanos;
      resolveMisrouted(map);
      // Aggregates of shards that closed would land elsewhere; reroute their events now.
      for (Lane lane : new ArrayList<>(laneOrder)) {
        if (lane.aggregator != null) {
          Shard shard = map.byId(lane.key);
          if (shard == null || !shard.isOpen()) {
            Aggregator stale = lane.aggregator;
            lane.aggregator = null;
            OutRecord record = stale.build(lane.key);
            for (TrackedEvent event : record.events) {
              route(event, now);
            }
          }
        }
      }
    }
    drain();
  }

  /**
   * Records that Kinesis stored in another shard than predicted; see {@link
   * #resolveMisrouted(OutRecord, Shard, long)}.
   */
  private void resolveMisrouted(ShardMap map) {
    if (misrouted.isEmpty()) {
      return;
    }
    List<Object[]> pending = new ArrayList<>(misrouted);
    misrouted.clear();
    long now = clock.nanoTime();
    for (Object[] item : pending) {
      OutRecord record = (OutRecord) item[0];
      Shard landing = map == null ? null : map.byId((String) item[1]);
      resolveMisrouted(record, landing, now);
    }
  }

  /**
   * Resolves one misrouted record against its landing shard (null: unknown). When every sub-record
   * lies inside the landing shard's range the record is delivered. Otherwise the KCL drops the
   * whole aggregate, not only the sub-records outside (pinned by sdk-kinesis's
   * KclDeaggregationTest), so every event of it is sent again: duplicates for raw readers,
   * detectable by event id, never a loss for KCL consumers.
   */
  private void resolveMisrouted(OutRecord record, Shard landing, long now) {
    boolean allInside = landing != null;
    for (TrackedEvent event : record.events) {
      if (allInside && !landing.contains(event.hashKey())) {
        allInside = false;
      }
    }
    if (allInside) {
      acknowledge(record);
      return;
    }
    metrics.misroutedResent.add(record.events.size());
    for (TrackedEvent event : record.events) {
      route(event, now);
    }
  }

  // ---------------------------------------------------------------- timers, audit, close

  private void updateOldest() {
    long oldest = Long.MAX_VALUE;
    for (Lane lane : laneOrder) {
      if (lane.aggregator != null) {
        oldest = Math.min(oldest, lane.aggregator.firstAcceptedNanos());
      }
      for (OutRecord record : lane.ready) {
        oldest = Math.min(oldest, record.firstAcceptedNanos);
        if (record.attempts == 0) {
          break;
        }
      }
    }
    for (OutRecord record : inFlightRecords) {
      oldest = Math.min(oldest, record.firstAcceptedNanos);
    }
    oldestInPipelineNanos = oldest;
  }

  private void scheduleWake(long now) {
    boolean flushing = closing || pendingFlushes.get() > 0;
    if (finished) {
      return;
    }
    long next = Long.MAX_VALUE;
    for (Lane lane : laneOrder) {
      if (lane.aggregator != null) {
        next = Math.min(next, lane.aggregator.firstAcceptedNanos() + lingerNanos);
      }
      if (inFlight >= maxInFlight || (strict && lane.inFlight)) {
        continue; // a result will wake the worker
      }
      for (OutRecord record : lane.ready) {
        long due =
            record.attempts > 0
                ? record.notBeforeNanos
                : flushing ? now : record.firstAcceptedNanos + lingerNanos;
        due = Math.max(due, lane.throttledUntilNanos);
        if (lane.bucket != null) {
          long wait = lane.bucket.nanosUntilAvailable(record.billedSize, now);
          if (wait > 0) {
            // Let the bucket refill a little, so a rate-limited shard sends batches, not trickles.
            due = Math.max(due, now + Math.max(wait, BUCKET_MIN_WAIT_NANOS));
          }
        }
        next = Math.min(next, Math.max(due, now));
        next = Math.min(next, record.firstAcceptedNanos + ttlNanos);
        if (strict || record.attempts == 0) {
          break; // strict: only the head may go; otherwise the rest are younger
        }
      }
    }
    long oldestQueued = buffer.oldestQueuedNanos();
    if (oldestQueued != Long.MAX_VALUE && awaitingFirstShardMap(now)) {
      next = Math.min(next, oldestQueued + Math.max(lingerNanos, FIRST_SHARD_MAP_WAIT_NANOS));
    }
    if (shardMapLoading) {
      next = Math.min(next, shardMapLoadStartedNanos + SHARD_MAP_LOAD_TIMEOUT_NANOS);
    } else {
      next = Math.min(next, shardMapNextLoadNanos);
    }
    if (auditPeriodNanos > 0 && !closing) {
      next = Math.min(next, nextAuditNanos);
    }
    if (next == Long.MAX_VALUE) {
      return;
    }
    // Work that is due now was done by this drain; logs, flushes and results trigger the next.
    next = Math.max(next, now + MIN_WAKE_NANOS);
    if (wake != null && wakeAtNanos <= next && wakeAtNanos > now) {
      return; // an earlier or equal wake-up is already set
    }
    if (wake != null) {
      wake.cancel();
    }
    wakeAtNanos = next;
    final long at = next;
    wake =
        workerThread.schedule(
            () -> {
              if (wakeAtNanos == at) {
                wake = null;
                wakeAtNanos = Long.MAX_VALUE;
              }
              drain();
            },
            next - now);
    if (wake == null) {
      wakeAtNanos = Long.MAX_VALUE;
    }
  }

  private void emitAudit() {
    long now = clock.currentTimeMicros();
    ProducerAudit.Builder audit =
        ProducerAudit.newBuilder().setPeriodStartUs(auditPeriodStartMicros).setPeriodEndUs(now);
    long last = buffer.lastSequence();
    if (last > auditLastSequence) {
      audit.setFirstSequence(auditLastSequence + 1).setLastSequence(last);
    }
    for (Map.Entry<String, Metrics.TypeCounts> entry : metrics.byType.entrySet()) {
      Metrics.TypeCounts counts = entry.getValue();
      String type = entry.getKey();
      long[] base = auditBaseline.get(type);
      if (base == null) {
        base = new long[2];
        auditBaseline.put(type, base);
      }
      long accepted = counts.accepted.sum();
      long sent = counts.sent.sum();
      ProducerAudit.TypeCounts.Builder typeCounts =
          ProducerAudit.TypeCounts.newBuilder()
              .setEventType(type)
              .setAccepted(accepted - base[0])
              .setSent(sent - base[1]);
      base[0] = accepted;
      base[1] = sent;
      boolean any = typeCounts.getAccepted() > 0 || typeCounts.getSent() > 0;
      any |= delta(type, "d:", counts.dropped, typeCounts, true);
      any |= delta(type, "r:", counts.rejected, typeCounts, false);
      if (any) {
        audit.addCounts(typeCounts);
      }
    }
    auditPeriodStartMicros = now;
    auditLastSequence = last;
    log(audit.build(), false, true);
  }

  private boolean delta(
      String type,
      String prefix,
      ConcurrentHashMap<String, LongAdder> counts,
      ProducerAudit.TypeCounts.Builder out,
      boolean dropped) {
    boolean any = false;
    for (Map.Entry<String, LongAdder> entry : counts.entrySet()) {
      String key = prefix + type + "\u0000" + entry.getKey();
      long total = entry.getValue().sum();
      Long base = auditDropBaseline.get(key);
      long delta = total - (base == null ? 0 : base);
      auditDropBaseline.put(key, total);
      if (delta > 0) {
        any = true;
        if (dropped) {
          out.putDropped(entry.getKey(), delta);
        } else {
          out.putRejected(entry.getKey(), delta);
        }
      }
    }
    return any;
  }

  private void beginClose(long timeoutNanos) {
    if (closing) {
      return;
    }
    if (auditPeriodNanos > 0) {
      emitAudit(); // the last period, so the validator sees every count
    }
    closing = true;
    buffer.barrier().whenComplete((value, failure) -> submit(this::finishClose, 0));
    submit(this::finishClose, timeoutNanos);
    drain();
  }

  private void finishClose() {
    if (finished) {
      return;
    }
    finished = true;
    if (wake != null) {
      wake.cancel();
      wake = null;
    }
    String detail = "not delivered before close timed out";
    List<TrackedEvent> left = new ArrayList<>(buffer.drainQueued());
    for (TrackedEvent event : left) {
      pipelineBytes += event.bufferedSize; // counted as in the pipeline, then released below
    }
    for (Lane lane : laneOrder) {
      if (lane.aggregator != null) {
        left.addAll(lane.aggregator.build(lane.key).events);
        lane.aggregator = null;
      }
      for (OutRecord record : lane.ready) {
        left.addAll(record.events);
      }
      lane.ready.clear();
      lane.readyBytes = 0;
    }
    for (Object[] item : misrouted) {
      left.addAll(((OutRecord) item[0]).events);
    }
    misrouted.clear();
    for (OutRecord record : inFlightRecords) {
      record.abandoned = true;
      left.addAll(record.events);
    }
    if (!left.isEmpty()) {
      dropInPipeline(left, DropReason.CLOSED, detail);
    }
    Completion<Void> sinkClosed;
    if (closeSink) {
      try {
        sinkClosed = sink.close();
      } catch (RuntimeException e) {
        sinkClosed = Completion.failed(e);
      }
      if (sinkClosed == null) {
        sinkClosed = Completion.succeeded(null);
      }
    } else {
      sinkClosed = Completion.succeeded(null);
    }
    // A sink that never finishes closing must not hold close() past its bound.
    final Scheduler.Cancellable fallback =
        scheduleOrNull(
            () -> {
              logOnce("sink-close", "the sink did not finish closing; the tracker closed anyway");
              terminate();
            },
            SINK_CLOSE_GRACE_NANOS);
    sinkClosed.whenComplete(
        (value, failure) -> {
          if (fallback != null) {
            fallback.cancel();
          }
          terminate();
        });
  }

  /** Stops the worker and completes close(); idempotent, from any thread. */
  private void terminate() {
    Completion<Void> done;
    synchronized (closeLock) {
      if (terminated) {
        return;
      }
      terminated = true;
      done = closeCompletion;
    }
    if (ownScheduler) {
      scheduler.shutdown();
    }
    done.succeed(null);
  }

  // ---------------------------------------------------------------- diagnostics

  private void listenerFailed(RuntimeException e) {
    metrics.listenerErrors.increment();
    if (loggedCauses.add("listener " + e.getClass().getName())) {
      LOG.log(
          Level.WARNING, "the TrackerListener threw; ignored (logged once per exception type)", e);
    }
  }

  private void logOnce(String cause, String message) {
    if (loggedCauses.size() < 1000 && loggedCauses.add(cause)) {
      LOG.warning("[tideline " + streamName + "] " + message + " (logged once)");
    }
  }

  /** For tests: the registered shutdown hook, or null. */
  Thread shutdownHook() {
    return shutdownHook;
  }
}
