package dev.tideline.sdk.kinesis;

import dev.tideline.sdk.Clock;
import dev.tideline.sdk.Scheduler;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A clock and a scheduler driven by the test: time moves only by {@link #advance}, and tasks run
 * only in {@link #runDueTasks}, on the test's thread, one at a time, in due-time order. Tasks may
 * be scheduled from any thread (the sink completes calls on the AWS SDK's threads).
 */
final class ManualTime implements Clock, Scheduler {
  private static final long EPOCH_MICROS = 1_790_000_000_000_000L; // 2026-09-21

  private final PriorityQueue<Task> tasks = new PriorityQueue<>(); // guarded by this
  private long nanos; // guarded by this
  private long submitted; // guarded by this
  private boolean shutdown; // guarded by this

  private static final class Task implements Comparable<Task>, Cancellable {
    final Runnable runnable;
    final long due;
    final long order;
    volatile boolean cancelled;

    Task(Runnable runnable, long due, long order) {
      this.runnable = runnable;
      this.due = due;
      this.order = order;
    }

    @Override
    public int compareTo(Task other) {
      int byDue = Long.compare(due, other.due);
      return byDue != 0 ? byDue : Long.compare(order, other.order);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  @Override
  public synchronized long currentTimeMicros() {
    return EPOCH_MICROS + nanos / 1000;
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    Task scheduled = new Task(task, nanos + Math.max(0, unit.toNanos(delay)), submitted++);
    if (!shutdown) {
      tasks.add(scheduled);
    }
    return scheduled;
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
    tasks.clear();
  }

  /** Moves time forward; runs nothing. */
  synchronized void advance(long amount, TimeUnit unit) {
    nanos += unit.toNanos(amount);
  }

  /** Runs every task due now, including those the tasks schedule for now. */
  void runDueTasks() {
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due > nanos) {
          return;
        }
        tasks.poll();
      }
      if (!next.cancelled) {
        next.runnable.run();
      }
    }
  }
}
