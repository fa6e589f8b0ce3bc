package dev.tideline.sdk.testkit;

import dev.tideline.sdk.Scheduler;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} that runs tasks only when the test says so, on the test's thread, at the
 * times of a {@link ManualClock}: {@link #runDue()} runs what is due now, {@link #advance} moves
 * the clock task by task. It keeps the scheduler contract: one task at a time, in order of due time
 * and, for equal times, of submission.
 *
 * <p>Thread-safe: tasks may be scheduled from any thread (a sink may complete calls on its own
 * threads); they still run only in {@link #runDue()} and {@link #advance}.
 */
public final class ManualScheduler implements Scheduler {
  private static final class Task implements Comparable<Task>, Cancellable {
    final long due;
    final long order;
    final Runnable runnable;
    volatile boolean cancelled;

    Task(long due, long order, Runnable runnable) {
      this.due = due;
      this.order = order;
      this.runnable = runnable;
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

  private final ManualClock clock;
  // Guarded by this.
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long order;
  private boolean shutdown;
  private long totalRun;

  /** A scheduler on the clock's time. */
  public ManualScheduler(ManualClock clock) {
    if (clock == null) {
      throw new NullPointerException("clock");
    }
    this.clock = clock;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    Task scheduled = new Task(clock.nanoTime() + Math.max(0, unit.toNanos(delay)), order++, task);
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

  private synchronized Task nextDue(long until) {
    while (true) {
      Task head = tasks.peek();
      if (head == null || head.due > until) {
        return null;
      }
      tasks.poll();
      if (!head.cancelled) {
        return head;
      }
    }
  }

  /**
   * Runs every task due now, including tasks those tasks schedule for now.
   *
   * @return how many ran
   * @throws IllegalStateException if tasks keep scheduling themselves for now (a busy loop)
   */
  public int runDue() {
    int ran = 0;
    Task task;
    while ((task = nextDue(clock.nanoTime())) != null) {
      task.runnable.run();
      ran++;
      synchronized (this) {
        totalRun++;
      }
      if (ran > 1_000_000) {
        throw new IllegalStateException("tasks keep scheduling themselves for now");
      }
    }
    return ran;
  }

  /** Moves the clock forward by the amount, running each task at its due time. */
  public void advance(long amount, TimeUnit unit) {
    long target = clock.nanoTime() + unit.toNanos(amount);
    runDue();
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
      }
      if (next == null || next.due > target) {
        break;
      }
      if (next.due > clock.nanoTime()) {
        clock.setNanoTime(next.due);
      }
      runDue();
    }
    clock.setNanoTime(target);
    runDue();
  }

  /** Tasks run since creation. */
  public synchronized long totalRun() {
    return totalRun;
  }

  /** Whether {@link #shutdown()} was called. */
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  /** Tasks waiting to run, cancelled ones not counted. */
  public synchronized int pending() {
    int n = 0;
    for (Task task : tasks) {
      if (!task.cancelled) {
        n++;
      }
    }
    return n;
  }
}
