package dev.tideline.sdk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory {@link EventBuffer}: bounded in bytes over everything accepted and not yet released
 * (queued, aggregating, in flight, waiting to retry), so memory stays bounded however long Kinesis
 * is unreachable.
 */
final class MemoryBuffer implements EventBuffer {
  /** How often a blocked offer looks at the (injectable) clock again. */
  private static final long BLOCK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final long maxBytes;
  private final BufferPolicy policy;
  private final long blockTimeoutNanos;
  private final Clock clock;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition released = lock.newCondition();

  // Guarded by lock.
  private final ArrayDeque<TrackedEvent> queue = new ArrayDeque<>();
  private long bytes;
  private long events;
  private long sequence;
  private final FlushBarriers barriers = new FlushBarriers();

  MemoryBuffer(long maxBytes, BufferPolicy policy, long blockTimeoutNanos, Clock clock) {
    this.maxBytes = maxBytes;
    this.policy = policy;
    this.blockTimeoutNanos = blockTimeoutNanos;
    this.clock = clock;
  }

  @Override
  public void offer(TrackedEvent prepared, int maxRecordBytes, boolean mayBlock, Offer out) {
    out.refusal = null;
    out.detail = "";
    out.evicted = null;
    lock.lock();
    try {
      long size = prepared.bufferedSizeWith(sequence + 1);
      long limit = out.reserved ? maxBytes + RESERVED_BYTES : maxBytes;
      long recordSize = prepared.recordSizeWith(sequence + 1);
      if (recordSize > maxRecordBytes) {
        out.tooLarge(prepared, recordSize, maxRecordBytes);
        return;
      }
      if (bytes + size > limit) {
        if (policy == BufferPolicy.DROP_OLDEST) {
          while (bytes + size > limit && !queue.isEmpty()) {
            TrackedEvent oldest = queue.pollFirst();
            if (out.evicted == null) {
              out.evicted = new ArrayList<>();
            }
            out.evicted.add(oldest);
            forget(oldest);
          }
        } else if (policy == BufferPolicy.BLOCK
            && mayBlock
            && blockTimeoutNanos > 0
            && !WorkerThread.isCurrent()) { // the worker frees room: it must never wait for it
          long deadline = clock.nanoTime() + blockTimeoutNanos;
          while (bytes + size > limit) {
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
        if (bytes + size > limit) {
          out.full(
              prepared,
              size + " bytes do not fit: " + bytes + " of " + maxBytes + " buffer bytes in use",
              policy);
          return;
        }
      }
      // Blocking released the lock, and other threads may have taken sequence numbers meanwhile.
      sequence++;
      prepared.accept(sequence, clock.nanoTime());
      prepared.epoch = barriers.accepted();
      queue.addLast(prepared);
      bytes += prepared.bufferedSize;
      events++;
    } finally {
      lock.unlock();
    }
  }

  /** Removes an event from the accounting. Guarded by lock. */
  private void forget(TrackedEvent event) {
    bytes -= event.bufferedSize;
    events--;
    barriers.released(event.epoch);
  }

  @Override
  public List<TrackedEvent> poll(long maxPollBytes) {
    lock.lock();
    try {
      if (queue.isEmpty()) {
        return Collections.emptyList();
      }
      List<TrackedEvent> out = new ArrayList<>();
      long taken = 0;
      while (!queue.isEmpty()
          && (out.isEmpty() || taken + queue.peekFirst().bufferedSize <= maxPollBytes)) {
        TrackedEvent event = queue.pollFirst();
        taken += event.bufferedSize;
        out.add(event);
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void release(List<TrackedEvent> done) {
    List<Completion<Void>> ready = null;
    lock.lock();
    try {
      for (TrackedEvent event : done) {
        forget(event);
      }
      released.signalAll();
      ready = barriers.ready();
    } finally {
      lock.unlock();
    }
    FlushBarriers.complete(ready);
  }

  @Override
  public List<TrackedEvent> drainQueued() {
    lock.lock();
    try {
      List<TrackedEvent> out = new ArrayList<>(queue);
      queue.clear();
      return out;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long trimMemory() {
    return 0; // every event here exists only here
  }

  @Override
  public List<TrackedEvent> close(List<TrackedEvent> held, long timeoutNanos) {
    return held; // nothing survives the process
  }

  @Override
  public Completion<Void> barrier() {
    Completion<Void> completion = Completion.create();
    List<Completion<Void>> ready;
    lock.lock();
    try {
      barriers.barrier(completion, sequence + 1);
      ready = barriers.ready();
    } finally {
      lock.unlock();
    }
    FlushBarriers.complete(ready);
    return completion;
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
      return queue.isEmpty() ? Long.MAX_VALUE : queue.peekFirst().acceptedNanos;
    } finally {
      lock.unlock();
    }
  }

  /** For tests: outstanding counts by epoch. */
  Map<Long, long[]> outstandingByEpoch() {
    return barriers.outstandingByEpoch();
  }
}
