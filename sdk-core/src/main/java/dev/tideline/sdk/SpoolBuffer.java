package dev.tideline.sdk;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.WireTags;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The durable {@link EventBuffer}: every accepted event goes through the {@link Spool} on disk
 * before the worker may send it, so a crash, a kill or a deploy loses at most the events of the
 * last commit interval (none of those logged with {@link Tracker#logDurably(Object)}, whose receipt
 * completes only once they are synced).
 *
 * <p>How an event travels: {@code offer} (any thread, no I/O) gives it its sequence number and
 * queues it for the writer; the writer thread appends what is queued to the spool and syncs it
 * every commit interval (group commit), at once for a durable event, or when enough bytes wait;
 * then it publishes the events to the worker, keeping the objects in a bounded cache so that the
 * worker need not read them back; the worker reads from disk only what the cache does not hold
 * (events recovered after a restart, or spilled while Kinesis was unreachable). Releasing an event
 * releases its frame, and the spool deletes whole segments once all their events are released.
 *
 * <p>Disk trouble is never fatal: when a write or sync fails (disk full, directory deleted or
 * read-only, an I/O error), the events of that commit stay in memory and are sent from there, the
 * trouble is reported once per cause, and the writer tries the disk again after {@link
 * #DISK_RETRY_NANOS}. Bounds: bytes on disk ({@code maxSpoolBytes}) and bytes held only in memory
 * (waiting to be written, or kept in memory after a failed write: {@code maxMemoryBytes}); when
 * either is reached the buffer policy applies. Under {@link BufferPolicy#DROP_OLDEST} a full spool
 * drops its oldest segment that the worker has not started on (the writer does it, reading the
 * segment to report every event in it as dropped), never the events in flight.
 *
 * <p>Thread-safe; the lock is never held during a write or sync.
 */
final class SpoolBuffer implements EventBuffer {
  /** How long the writer leaves the disk alone after a failure before trying it again. */
  static final long DISK_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How often a blocked offer looks at the (injectable) clock again. */
  private static final long BLOCK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /** Where an event's frame is: not written yet, or kept in memory only. */
  static final long NOT_WRITTEN = -1;

  static final long MEMORY_ONLY = -2;

  /** What the buffer tells the tracker; called without the buffer's lock. */
  interface Listener {
    /** Trouble with the disk; report it once per cause. */
    void trouble(String cause, String message);

    /** Events were published: the worker may poll them now. */
    void published();

    /** Accepted events were dropped to make room (DROP_OLDEST); count and report them. */
    void dropped(List<TrackedEvent> events, String detail);
  }

  private final Spool spool;
  private final long maxSpoolBytes;
  private final long maxMemoryBytes;
  private final long cacheBytesLimit;
  private final BufferPolicy policy;
  private final long blockTimeoutNanos;
  private final long commitIntervalNanos;
  private final long commitBytes;
  private final Clock clock;
  private final Listener listener;
  private final long recoveredThrough;
  private final Thread writer;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition released = lock.newCondition();
  private final Condition work = lock.newCondition();
  private final Condition written = lock.newCondition();

  // Guarded by lock.
  private long sequence;
  private final ArrayDeque<TrackedEvent> pending = new ArrayDeque<>();
  private long pendingBytes;
  private long pendingFrameBytes;
  private long firstPendingNanos;
  private boolean commitNow;
  private int writing; // events the writer took and has not published yet
  private final ArrayDeque<TrackedEvent> cache = new ArrayDeque<>();
  private long cacheBytes; // cached events that are also on disk
  private long memoryOnlyBytes; // cached events that are only in memory
  private long diskBytes;
  private long bytes;
  private long events;
  private final FlushBarriers barriers = new FlushBarriers();
  private long diskRetryNanos = Long.MIN_VALUE;
  private boolean stopping;
  private @Nullable TrackedEvent peeked; // read from disk, not yet taken (worker)
  private @Nullable IOException readFailure; // to report once the locks are released

  /** The key of an event logged without one (any shard), as its frame stores it: none. */
  private static final byte[] NO_KEY = new byte[0];

  private @Nullable ByteString lastTypeBytes; // the event type of the last event read back, as read
  private @Nullable String lastType;
  // For events read back: the producer id's halves, and the event type a schema id names.
  private final long producerHigh;
  private final long producerLow;
  private final LongFunction<String> typeNames;
  private long acknowledgedSinceNanos = Long.MAX_VALUE; // releases not yet committed, since then
  private final java.util.concurrent.atomic.AtomicLong acknowledgementCommits =
      new java.util.concurrent.atomic.AtomicLong();
  private long diskBacklogSinceNanos = Long.MAX_VALUE; // events wait on disk only, since then
  private long spooled; // events synced to disk, in total
  private long memoryOnly; // events kept in memory because the disk failed, in total
  private long writeFailures;
  private @Nullable String lastFailure;

  /**
   * Opens the buffer over an open spool, and starts its writer thread.
   *
   * @param maxMemoryBytes the most bytes of events held only in memory (the tracker's buffer size)
   * @param typeNames the event type a schema id names, for events read back from disk
   */
  SpoolBuffer(
      Spool spool,
      SpoolConfig config,
      long maxMemoryBytes,
      BufferPolicy policy,
      long blockTimeoutNanos,
      Clock clock,
      LongFunction<String> typeNames,
      Listener listener) {
    this.spool = spool;
    ByteBuffer producer = ByteBuffer.wrap(spool.producerId());
    this.producerHigh = producer.getLong(0);
    this.producerLow = producer.getLong(8);
    this.typeNames = typeNames;
    this.maxSpoolBytes = config.maxBytes;
    this.maxMemoryBytes = maxMemoryBytes;
    this.cacheBytesLimit = maxMemoryBytes / 2;
    this.policy = policy;
    this.blockTimeoutNanos = blockTimeoutNanos;
    this.commitIntervalNanos = config.commitIntervalNanos;
    this.commitBytes = config.commitBytes;
    this.clock = clock;
    this.listener = listener;
    this.sequence = spool.lastSequence();
    this.recoveredThrough = sequence;
    this.diskBytes = spool.bytes();
    long recovered = spool.recovery().events;
    this.events = recovered;
    barriers.add(0, recovered);
    if (recovered > 0) {
      diskBacklogSinceNanos = clock.nanoTime();
    }
    this.writer = new Thread(this::writeLoop, "tideline-spool-" + spool.directory().getName());
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * The tracker's spool buffer, or null: without a spool configured, or when its directory cannot
   * be used (reported; the tracker then keeps events in memory). A directory another tracker holds
   * is a configuration error.
   *
   * @param typeNames the event type a schema id names, for events read back from disk
   * @param published runs when events become ready for the worker
   * @throws IllegalStateException if another tracker, here or in another process, has the spool
   */
  static @Nullable SpoolBuffer open(
      final TrackerBuilder config,
      final LongFunction<String> typeNames,
      final Reporter reporter,
      final Runnable published) {
    if (config.spool == null) {
      return null;
    }
    Spool spool;
    try {
      spool =
          Spool.open(
              config.spool.directory,
              config.spool.files,
              config.spool.maxBytes,
              config.spool.segmentBytes,
              config.producerId);
    } catch (Spool.SpoolLockedException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      reporter.storageProblem(
          "spool-open",
          "cannot open the spool in "
              + config.spool.directory
              + " ("
              + e
              + "); this tracker keeps events in memory only, so a crash loses what is undelivered");
      return null;
    }
    if (config.producerId != null && !Arrays.equals(config.producerId, spool.producerId())) {
      reporter.logOnce(
          "spool-producer",
          "the spool in "
              + spool.directory()
              + " belongs to producer "
              + new UUID(
                  ByteBuffer.wrap(spool.producerId()).getLong(),
                  ByteBuffer.wrap(spool.producerId(), 8, 8).getLong())
              + ", which this tracker uses instead of the configured one");
    }
    return new SpoolBuffer(
        spool,
        config.spool,
        config.maxBufferBytes,
        config.bufferPolicy,
        config.blockTimeoutNanos,
        config.clock,
        typeNames,
        new Listener() {
          @Override
          public void trouble(String cause, String message) {
            reporter.storageProblem(cause, message);
          }

          @Override
          public void published() {
            published.run();
          }

          @Override
          public void dropped(List<TrackedEvent> events, String detail) {
            Settlement.evicted(reporter, events, detail);
          }
        });
  }

  /** The producer id the spool keeps. */
  byte[] producerId() {
    return spool.producerId();
  }

  // ---------------------------------------------------------------- offer (any thread)

  @Override
  public void offer(TrackedEvent prepared, int maxRecordBytes, boolean mayBlock, Offer out) {
    out.refusal = null;
    out.detail = "";
    out.evicted = null;
    int frame = SpoolFormat.frameBytes(prepared.partitionKeyBytes, prepared.body.length);
    lock.lock();
    try {
      long size = prepared.bufferedSizeWith(sequence + 1);
      long recordSize = prepared.recordSizeWith(sequence + 1);
      if (recordSize > maxRecordBytes) {
        out.tooLarge(prepared, recordSize, maxRecordBytes);
        return;
      }
      if (!fits(size, frame, out.reserved)
          && policy == BufferPolicy.BLOCK
          && mayBlock
          && blockTimeoutNanos > 0
          && !WorkerThread.isCurrent()) {
        long deadline = clock.nanoTime() + blockTimeoutNanos;
        while (!fits(size, frame, out.reserved) && !stopping) {
          long remaining = deadline - clock.nanoTime();
          if (remaining <= 0) {
            break;
          }
          try {
            released.awaitNanos(Math.min(remaining, BLOCK_POLL_NANOS));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      if (stopping) {
        out.refusal = LogOutcome.CLOSED;
        out.detail = "the spool is closed";
        return;
      }
      if (!fits(size, frame, out.reserved)) {
        out.full(prepared, fullDetail(size, frame), policy);
        return;
      }
      // Blocking released the lock, and other threads may have taken sequence numbers meanwhile.
      sequence++;
      prepared.accept(sequence, clock.nanoTime());
      prepared.epoch = barriers.accepted();
      prepared.spoolPosition = NOT_WRITTEN;
      if (pending.isEmpty()) {
        firstPendingNanos = System.nanoTime();
        work.signal();
      }
      pending.addLast(prepared);
      pendingBytes += prepared.bufferedSize;
      pendingFrameBytes += frame;
      bytes += prepared.bufferedSize;
      events++;
      if (!commitNow && (prepared.receipt != null || pendingBytes >= commitBytes)) {
        commitNow = true;
        work.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether an event of that size fits both bounds; under DROP_OLDEST, counting the segments that
   * the writer may drop to make room. Guarded by lock.
   */
  private boolean fits(long size, int frame, boolean reserved) {
    // The audit record may use the reserve; on disk the spool's bound holds regardless, so a
    // reserved event that finds no room there is kept in memory and sent from there.
    long reserve = reserved ? RESERVED_BYTES : 0;
    if (pendingBytes + memoryOnlyBytes + size > maxMemoryBytes + reserve) {
      return false;
    }
    long disk = diskBytes + pendingFrameBytes + frame;
    if (disk <= maxSpoolBytes + reserve) {
      return true;
    }
    return policy == BufferPolicy.DROP_OLDEST && disk - spool.droppableBytes() <= maxSpoolBytes;
  }

  private String fullDetail(long size, int frame) {
    if (diskBytes + pendingFrameBytes + frame > maxSpoolBytes) {
      return "a frame of "
          + frame
          + " bytes does not fit the spool: "
          + (diskBytes + pendingFrameBytes)
          + " of "
          + maxSpoolBytes
          + " spool bytes in use (in "
          + spool.directory()
          + ")";
    }
    return size
        + " bytes do not fit in memory while they wait for the disk: "
        + (pendingBytes + memoryOnlyBytes)
        + " of "
        + maxMemoryBytes
        + " buffer bytes in use";
  }

  // ---------------------------------------------------------------- the writer thread

  private void writeLoop() {
    List<TrackedEvent> batch = new ArrayList<>();
    while (true) {
      boolean tryDisk;
      lock.lock();
      try {
        while (!stopping && !due() && !acknowledgementsDue()) {
          try {
            if (!pending.isEmpty()) {
              work.awaitNanos(firstPendingNanos + commitIntervalNanos - System.nanoTime());
            } else if (acknowledgedSinceNanos != Long.MAX_VALUE) {
              work.awaitNanos(acknowledgedSinceNanos + commitIntervalNanos - System.nanoTime());
            } else {
              work.await();
            }
          } catch (InterruptedException e) {
            stopping = true;
          }
        }
        if (pending.isEmpty()) {
          if (stopping) {
            written.signalAll();
            return;
          }
          acknowledgedSinceNanos = Long.MAX_VALUE;
          lock.unlock();
          try {
            commitAcknowledgements();
          } finally {
            lock.lock();
          }
          continue;
        }
        acknowledgedSinceNanos = Long.MAX_VALUE; // this commit writes them
        batch.addAll(pending);
        pending.clear();
        pendingFrameBytes = 0;
        commitNow = false;
        writing = batch.size();
        tryDisk = System.nanoTime() - diskRetryNanos >= 0 || diskRetryNanos == Long.MIN_VALUE;
      } finally {
        lock.unlock();
      }
      IOException failure;
      try {
        failure = tryDisk ? write(batch) : null;
      } catch (Error e) {
        // Even then the writer goes on: the batch is kept in memory and sent from there.
        for (TrackedEvent event : batch) {
          event.spoolPosition = MEMORY_ONLY;
        }
        failure = new IOException("the spool's writer failed: " + e, e);
      }
      publish(batch, failure, tryDisk);
      batch.clear();
    }
  }

  /** Whether the writer should commit now. Guarded by lock. */
  private boolean acknowledgementsDue() {
    return acknowledgedSinceNanos != Long.MAX_VALUE
        && System.nanoTime() - acknowledgedSinceNanos >= commitIntervalNanos;
  }

  /**
   * Writes the acknowledgements released since the last commit when no event waits to carry them,
   * so that a crash of an idle tracker does not send its last deliveries again.
   */
  private void commitAcknowledgements() {
    if (System.nanoTime() - diskRetryNanos < 0 && diskRetryNanos != Long.MIN_VALUE) {
      return; // the disk failed recently; the next event's commit carries them
    }
    try {
      spool.commit();
      acknowledgementCommits.incrementAndGet();
    } catch (IOException e) {
      listener.trouble(
          "spool-ack " + e.getClass().getName(),
          "writing acknowledgements to the spool in "
              + spool.directory()
              + " failed ("
              + e.getMessage()
              + "); after a crash those events would be sent again");
    }
  }

  /** Guarded by lock. */
  private boolean due() {
    return !pending.isEmpty()
        && (commitNow || System.nanoTime() - firstPendingNanos >= commitIntervalNanos);
  }

  /** Appends and syncs the batch; the events that did not reach the disk are marked. */
  private @Nullable IOException write(List<TrackedEvent> batch) {
    IOException failure = null;
    int appended = 0;
    try {
      if (policy == BufferPolicy.DROP_OLDEST) {
        makeRoom(batch);
      }
      synchronized (spool) { // one acquisition for the batch, not one per event
        for (TrackedEvent event : batch) {
          long position =
              spool.append(
                  event.sequence,
                  event.partitionKey == null
                      ? NO_KEY
                      : event.partitionKey.getBytes(StandardCharsets.UTF_8),
                  event.body,
                  event.body.length);
          if (position < 0) {
            // No room after all (acknowledgement frames take a little): this one stays in memory.
            event.spoolPosition = MEMORY_ONLY;
          } else {
            event.spoolPosition = position;
            event.spoolFrameBytes =
                SpoolFormat.frameBytes(event.partitionKeyBytes, event.body.length);
          }
          appended++;
        }
      }
      spool.commit();
    } catch (IOException | RuntimeException e) {
      failure = e instanceof IOException ? (IOException) e : new IOException(e);
    }
    if (failure != null) {
      for (int i = 0; i < batch.size(); i++) {
        TrackedEvent event = batch.get(i);
        if (i >= appended || event.spoolPosition < 0 || !spool.isDurable(event.spoolPosition)) {
          event.spoolPosition = MEMORY_ONLY;
        }
      }
    }
    return failure;
  }

  /** Drops the oldest unread segments until the batch fits the spool (DROP_OLDEST). */
  private void makeRoom(List<TrackedEvent> batch) throws IOException {
    long need = 0;
    for (TrackedEvent event : batch) {
      need += SpoolFormat.frameBytes(event.partitionKeyBytes, event.body.length);
    }
    while (spool.bytes() + need > maxSpoolBytes) {
      List<Spool.Entry> entries = spool.dropOldestUnread();
      if (entries == null) {
        return; // what does not fit stays in memory (append refuses it)
      }
      List<TrackedEvent> dropped = new ArrayList<>(entries.size());
      lock.lock();
      try {
        java.util.Map<Long, TrackedEvent> cached = new java.util.HashMap<>();
        for (TrackedEvent event : cache) {
          cached.put(event.spoolPosition, event); // the objects carry the receipts
        }
        for (Spool.Entry entry : entries) {
          TrackedEvent event = cached.get(entry.position);
          if (event == null) {
            event = rebuild(entry);
          }
          if (event != null) {
            bytes -= event.bufferedSize;
            events--;
            barriers.released(event.epoch);
            dropped.add(event);
          }
        }
        diskBytes = spool.bytes();
      } finally {
        lock.unlock();
      }
      if (!dropped.isEmpty()) {
        listener.dropped(
            dropped,
            "the spool in "
                + spool.directory()
                + " was full: dropped its oldest unsent segment (policy DROP_OLDEST)");
      }
    }
  }

  /** Hands the written batch to the worker, and completes the receipts. */
  private void publish(List<TrackedEvent> batch, @Nullable IOException failure, boolean triedDisk) {
    List<TrackedEvent> receipts = null;
    lock.lock();
    try {
      spool.publish();
      for (TrackedEvent event : batch) {
        if (!triedDisk) {
          event.spoolPosition = MEMORY_ONLY;
        }
        pendingBytes -= event.bufferedSize;
        if (event.spoolPosition >= 0) {
          spooled++;
          if (cacheBytes + event.bufferedSize <= cacheBytesLimit || event.receipt != null) {
            cache.addLast(event);
            cacheBytes += event.bufferedSize;
          } else if (diskBacklogSinceNanos == Long.MAX_VALUE) {
            diskBacklogSinceNanos = event.acceptedNanos; // spilled: the worker reads it back
          }
        } else {
          memoryOnly++;
          cache.addLast(event);
          memoryOnlyBytes += event.bufferedSize;
        }
        if (event.receipt != null) {
          if (receipts == null) {
            receipts = new ArrayList<>();
          }
          receipts.add(event);
        }
      }
      writing = 0;
      if (failure != null) {
        lastFailure = failure.getMessage();
        writeFailures++;
        diskRetryNanos = System.nanoTime() + DISK_RETRY_NANOS;
      }
      diskBytes = spool.bytes();
      released.signalAll();
      written.signalAll();
    } finally {
      lock.unlock();
    }
    if (receipts != null) {
      for (TrackedEvent event : receipts) {
        LogReceipt receipt = event.receipt;
        if (receipt == null) {
          continue; // every collected event has one
        }
        if (event.spoolPosition >= 0) {
          receipt.written().succeed(null);
        } else {
          receipt
              .written()
              .fail(
                  new IOException(
                      "not written to the spool (kept in memory and sent from there): "
                          + (failure != null
                              ? failure.getMessage()
                              : "the disk failed recently (" + lastFailure + ")")));
        }
      }
    }
    if (failure != null) {
      listener.trouble(
          "spool-write " + failure.getClass().getName(),
          "writing to the spool in "
              + spool.directory()
              + " failed ("
              + failure.getMessage()
              + "); "
              + batch.size()
              + " events are kept in memory and sent from there, and the disk is tried again in "
              + TimeUnit.NANOSECONDS.toMillis(DISK_RETRY_NANOS)
              + " ms");
    }
    listener.published();
  }

  // ---------------------------------------------------------------- the worker

  @Override
  public List<TrackedEvent> poll(long maxPollBytes) {
    List<TrackedEvent> out = null;
    long taken = 0;
    IOException readFailure;
    lock.lock();
    try {
      synchronized (spool) { // one acquisition for the whole poll, not two per event
        while (true) {
          TrackedEvent next = candidate();
          if (next == null || (out != null && taken + next.bufferedSize > maxPollBytes)) {
            break;
          }
          take(next);
          if (out == null) {
            out = new ArrayList<>();
          }
          out.add(next);
          taken += next.bufferedSize;
        }
      }
      readFailure = this.readFailure;
      this.readFailure = null;
    } finally {
      lock.unlock();
    }
    if (readFailure != null) {
      listener.trouble(
          "spool-read " + readFailure.getClass().getName(),
          "reading the spool in " + spool.directory() + " failed: " + readFailure.getMessage());
    }
    return out == null ? Collections.<TrackedEvent>emptyList() : out;
  }

  /**
   * The next event to send, in sequence order, without taking it: the cached object when the cache
   * holds the frame at the spool's cursor, an event kept in memory when it comes before what the
   * disk holds next, else the event read from disk. Guarded by lock.
   */
  private @Nullable TrackedEvent candidate() {
    while (true) {
      TrackedEvent head = cache.peekFirst();
      if (head != null && head.spoolPosition >= 0) {
        if (peeked != null) {
          if (peeked.spoolPosition == head.spoolPosition) {
            peeked = null; // the same frame: the object in memory is the one to send
            return head;
          }
          if (head.spoolPosition < peeked.spoolPosition) {
            dropCacheHead(); // the cursor passed it: it was read from disk already
            continue;
          }
        } else {
          long cursor = spool.cursor();
          if (head.spoolPosition == cursor) {
            return head;
          }
          if (head.spoolPosition < cursor) {
            dropCacheHead();
            continue;
          }
        }
      }
      if (peeked == null) {
        peeked = readNext();
        if (peeked != null && head != null && head.spoolPosition >= 0) {
          continue; // the frame read may be the cached head's: compare them above
        }
      }
      if (peeked == null) {
        return head;
      }
      if (head == null || head.spoolPosition >= 0) {
        return peeked; // the frames before the cached one were not cached
      }
      return head.sequence < peeked.sequence ? head : peeked;
    }
  }

  private void dropCacheHead() {
    TrackedEvent stale = cache.pollFirst();
    cacheBytes -= stale.bufferedSize;
  }

  private void take(TrackedEvent event) {
    if (event == peeked) {
      peeked = null;
      return;
    }
    cache.pollFirst();
    if (event.spoolPosition >= 0) {
      cacheBytes -= event.bufferedSize;
      spool.skip(event.spoolPosition, event.spoolFrameBytes);
    } else {
      memoryOnlyBytes -= event.bufferedSize;
      released.signalAll();
    }
  }

  /** The next event from disk, rebuilt from its frame; null when there is none. */
  private @Nullable TrackedEvent readNext() {
    while (true) {
      Spool.Entry entry;
      try {
        entry = spool.next();
      } catch (IOException e) {
        readFailure = e; // reported by poll, once no lock is held
        return null;
      }
      if (entry == null) {
        diskBacklogSinceNanos = Long.MAX_VALUE;
        return null;
      }
      TrackedEvent event = rebuild(entry);
      if (event != null) {
        return event;
      }
      spool.release(entry.position, entry.sequence); // unreadable envelope: counted, let go
    }
  }

  /**
   * The event of a frame read back from disk: its identity is read from the envelope's fields 4
   * (schema id, which names its type), 5 (event time) and, in envelopes written before the compact
   * envelope, 1 (event id) and 2 (event type), skipping the rest, which is sent as it is. Null for
   * an envelope that does not parse (counted by the caller).
   */
  private @Nullable TrackedEvent rebuild(Spool.Entry entry) {
    ByteString id = null;
    ByteString type = null;
    long schemaId = 0;
    long eventTime = 0;
    CodedInputStream in = CodedInputStream.newInstance(entry.body);
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == WireTags.ENVELOPE_SCHEMA_ID) {
          schemaId = in.readFixed64();
        } else if (tag == WireTags.ENVELOPE_EVENT_TIME_US) {
          eventTime = in.readInt64();
        } else if (tag == WireTags.ENVELOPE_EVENT_ID) {
          id = in.readBytes();
        } else if (tag == WireTags.ENVELOPE_EVENT_TYPE) {
          type = in.readBytes();
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (IOException e) {
      return null;
    }
    String eventType;
    if (type != null) {
      if (!type.isValidUtf8()) {
        return null;
      }
      String cached = lastType;
      if (cached == null || !type.equals(lastTypeBytes)) {
        cached = type.toStringUtf8();
        lastTypeBytes = type;
        lastType = cached;
      }
      eventType = cached;
    } else if (schemaId != 0) {
      eventType = typeNames.apply(schemaId);
    } else {
      return null;
    }
    TrackedEvent event;
    if (id != null && id.size() == Envelopes.ID_LENGTH) {
      ByteBuffer ids = id.asReadOnlyByteBuffer();
      event =
          new TrackedEvent(
              entry.body,
              eventType,
              entry.partitionKey,
              entry.partitionKeyBytes,
              eventTime,
              ids.getLong(),
              ids.getLong(),
              true);
    } else {
      event =
          new TrackedEvent(
              entry.body,
              eventType,
              entry.partitionKey,
              entry.partitionKeyBytes,
              eventTime,
              producerHigh,
              producerLow);
    }
    event.accept(entry.sequence, clock.nanoTime());
    event.epoch = barriers.epochOf(entry.sequence);
    event.spoolPosition = entry.position;
    event.spoolFrameBytes = entry.frameBytes;
    if (entry.sequence <= recoveredThrough) {
      bytes += event.bufferedSize; // recovered: counted from when it is read
    }
    return event;
  }

  @Override
  public void release(List<TrackedEvent> done) {
    List<Completion<Void>> ready;
    lock.lock();
    try {
      synchronized (spool) { // one acquisition for the lot
        for (TrackedEvent event : done) {
          if (event.spoolPosition >= 0) {
            spool.release(event.spoolPosition, event.sequence);
            if (acknowledgedSinceNanos == Long.MAX_VALUE) {
              acknowledgedSinceNanos = System.nanoTime();
              work.signal(); // the writer commits them within the interval
            }
          }
          bytes -= event.bufferedSize;
          events--;
          barriers.released(event.epoch);
        }
      }
      diskBytes = spool.bytes();
      released.signalAll();
      ready = barriers.ready();
    } finally {
      lock.unlock();
    }
    FlushBarriers.complete(ready);
  }

  /** Lets go of the cached objects of events on disk (not durable ones: they carry receipts). */
  @Override
  public long trimMemory() {
    long freed = 0;
    lock.lock();
    try {
      java.util.Iterator<TrackedEvent> cached = cache.iterator();
      while (cached.hasNext()) {
        TrackedEvent event = cached.next();
        if (event.spoolPosition >= 0 && event.receipt == null) {
          cached.remove();
          cacheBytes -= event.bufferedSize;
          freed += event.bufferedSize;
          if (diskBacklogSinceNanos == Long.MAX_VALUE) {
            diskBacklogSinceNanos = event.acceptedNanos; // the worker reads them back from disk
          }
        }
      }
    } finally {
      lock.unlock();
    }
    return freed;
  }

  @Override
  public List<TrackedEvent> drainQueued() {
    return Collections.emptyList(); // queued events stay on disk for the next start; see keeps()
  }

  @Override
  public Completion<Void> barrier() {
    Completion<Void> completion = Completion.create();
    List<Completion<Void>> ready;
    lock.lock();
    try {
      barriers.barrier(completion, sequence + 1);
      ready = barriers.ready();
      commitNow = !pending.isEmpty();
      work.signal();
    } finally {
      lock.unlock();
    }
    FlushBarriers.complete(ready);
    return completion;
  }

  /**
   * Writes what waits to be written, stops the writer and closes the spool; at most the timeout.
   * Events that reached the disk stay there for the next start.
   */
  @Override
  public List<TrackedEvent> close(List<TrackedEvent> held, long timeoutNanos) {
    List<TrackedEvent> lost = new ArrayList<>();
    lock.lock();
    try {
      stopping = true;
      commitNow = true;
      work.signalAll();
      long deadline = System.nanoTime() + timeoutNanos;
      while ((!pending.isEmpty() || writing > 0) && writer.isAlive()) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          break;
        }
        try {
          written.awaitNanos(remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      lost.addAll(pending); // not written within the timeout
      for (TrackedEvent event : cache) {
        if (event.spoolPosition < 0) {
          lost.add(event);
        }
      }
      for (TrackedEvent event : held) {
        if (event.spoolPosition < 0) {
          lost.add(event);
        }
      }
      released.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      writer.join(TimeUnit.NANOSECONDS.toMillis(Math.max(0, timeoutNanos)) + 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!writer.isAlive()) {
      spool.close();
    } else {
      listener.trouble(
          "spool-close", "the spool's writer did not finish within the close timeout; left open");
    }
    return lost;
  }

  @Override
  public long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long events() {
    lock.lock();
    try {
      return events;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long lastSequence() {
    lock.lock();
    try {
      return sequence;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long oldestQueuedNanos() {
    lock.lock();
    try {
      TrackedEvent head = cache.peekFirst();
      if (peeked != null) {
        return peeked.acceptedNanos;
      }
      if (head != null) {
        return head.acceptedNanos;
      }
      long oldest = diskBacklogSinceNanos;
      if (!pending.isEmpty()) {
        oldest = Math.min(oldest, pending.peekFirst().acceptedNanos);
      }
      return oldest;
    } finally {
      lock.unlock();
    }
  }

  /** A snapshot of the spool's counters. */
  SpoolMetrics metrics() {
    lock.lock();
    try {
      return new SpoolMetrics(
          diskBytes,
          spool.segmentCount(),
          spooled,
          memoryOnly,
          writeFailures,
          spool.recovery().events,
          spool.corruptRegions(),
          spool.corruptBytes(),
          spool.recovery().tornTailBytes);
    } finally {
      lock.unlock();
    }
  }

  Spool spool() {
    return spool;
  }

  /** For tests: commits that carried only acknowledgements. */
  long acknowledgementCommits() {
    return acknowledgementCommits.get();
  }
}
