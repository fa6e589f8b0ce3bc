package dev.tideline.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The result of an asynchronous operation, completed once with a value or a failure: what {@link
 * dev.tideline.sdk.sink.RecordSink} calls and {@link Tracker#flush()} / {@link Tracker#close(long,
 * TimeUnit)} return.
 *
 * <p>A small stand-in for {@code CompletableFuture}, which Android offers only from API 24 with
 * gaps, modelled on OpenTelemetry's {@code CompletableResultCode}: complete it with {@link
 * #succeed} or {@link #fail}, observe it with {@link #whenComplete}, wait on it with a bound with
 * {@link #await}. Waiting never throws: an interrupted wait returns early with the interrupt flag
 * set.
 *
 * <p>Thread-safe. Callbacks run exactly once, on the thread that completes the handle, or at once
 * on the caller's thread when it is already complete; an exception a callback throws is logged and
 * swallowed so it cannot break the completer.
 *
 * @param <T> the value of a successful completion ({@link Void} and {@code null} when there is
 *     none)
 */
public final class Completion<T> {
  private static final Logger LOG = Logger.getLogger(Completion.class.getName());

  /** Receives the outcome of a {@link Completion}. */
  public interface Callback<T> {
    /**
     * Called once when the operation completed.
     *
     * @param value the value when it succeeded (may be null), otherwise null
     * @param failure the cause when it failed, otherwise null
     */
    void onComplete(@Nullable T value, @Nullable Throwable failure);
  }

  private final Object lock = new Object();

  // Guarded by lock.
  private boolean done;
  private @Nullable T value;
  private @Nullable Throwable failure;
  private @Nullable List<Callback<? super T>> callbacks;

  private Completion() {}

  /** A handle to complete later. */
  public static <T> Completion<T> create() {
    return new Completion<>();
  }

  /** A handle that already succeeded with a value. */
  public static <T> Completion<T> succeeded(@Nullable T value) {
    Completion<T> completion = new Completion<>();
    completion.succeed(value);
    return completion;
  }

  /** A handle that already failed. */
  public static <T> Completion<T> failed(Throwable failure) {
    Completion<T> completion = new Completion<>();
    completion.fail(failure);
    return completion;
  }

  /**
   * A handle that succeeds when every one of the given handles succeeded, and fails (with the first
   * failure) once all completed and at least one failed. Succeeds at once for an empty list.
   */
  public static Completion<Void> all(List<? extends Completion<?>> completions) {
    final Completion<Void> all = new Completion<>();
    if (completions.isEmpty()) {
      all.succeed(null);
      return all;
    }
    final AtomicInteger remaining = new AtomicInteger(completions.size());
    final Throwable[] firstFailure = new Throwable[1];
    for (Completion<?> completion : completions) {
      completion.whenComplete(
          (value, failure) -> {
            if (failure != null) {
              synchronized (firstFailure) {
                if (firstFailure[0] == null) {
                  firstFailure[0] = failure;
                }
              }
            }
            if (remaining.decrementAndGet() == 0) {
              Throwable first;
              synchronized (firstFailure) {
                first = firstFailure[0];
              }
              if (first == null) {
                all.succeed(null);
              } else {
                all.fail(first);
              }
            }
          });
    }
    return all;
  }

  /**
   * Completes this handle successfully.
   *
   * @return false if it was already complete (the first completion wins)
   */
  public boolean succeed(@Nullable T value) {
    return complete(value, null);
  }

  /**
   * Completes this handle with a failure.
   *
   * @return false if it was already complete (the first completion wins)
   * @throws NullPointerException if failure is null
   */
  public boolean fail(Throwable failure) {
    return complete(null, Objects.requireNonNull(failure, "failure"));
  }

  private boolean complete(@Nullable T value, @Nullable Throwable failure) {
    List<Callback<? super T>> toRun;
    synchronized (lock) {
      if (done) {
        return false;
      }
      done = true;
      this.value = value;
      this.failure = failure;
      toRun = callbacks;
      callbacks = null;
      lock.notifyAll();
    }
    if (toRun != null) {
      for (Callback<? super T> callback : toRun) {
        run(callback, value, failure);
      }
    }
    return true;
  }

  /**
   * Runs the callback once this handle completes (at once if it already has).
   *
   * @return this handle
   * @throws NullPointerException if callback is null
   */
  public Completion<T> whenComplete(Callback<? super T> callback) {
    Objects.requireNonNull(callback, "callback");
    T currentValue;
    Throwable currentFailure;
    synchronized (lock) {
      if (!done) {
        if (callbacks == null) {
          callbacks = new ArrayList<>(2);
        }
        callbacks.add(callback);
        return this;
      }
      currentValue = value;
      currentFailure = failure;
    }
    run(callback, currentValue, currentFailure);
    return this;
  }

  private static <T> void run(
      Callback<? super T> callback, @Nullable T value, @Nullable Throwable failure) {
    try {
      callback.onComplete(value, failure);
    } catch (RuntimeException | Error e) {
      LOG.log(Level.WARNING, "a Completion callback threw; ignored", e);
    }
  }

  /** Whether the operation completed, successfully or not. */
  public boolean isDone() {
    synchronized (lock) {
      return done;
    }
  }

  /** Whether the operation completed successfully. */
  public boolean isSuccess() {
    synchronized (lock) {
      return done && failure == null;
    }
  }

  /** The value of a successful completion; null while pending, after a failure, or for Void. */
  public @Nullable T value() {
    synchronized (lock) {
      return value;
    }
  }

  /** The cause of a failed completion; null while pending or after a success. */
  public @Nullable Throwable failure() {
    synchronized (lock) {
      return failure;
    }
  }

  /**
   * Waits at most the timeout for this handle to complete. Never throws: when the waiting thread is
   * interrupted it returns at once and keeps the interrupt flag set.
   *
   * @return whether the handle is complete
   * @throws IllegalArgumentException if timeout is negative
   */
  public boolean await(long timeout, TimeUnit unit) {
    if (timeout < 0) {
      throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
    }
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (lock) {
      while (!done) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return done;
        }
      }
      return true;
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      if (!done) {
        return "Completion{pending}";
      }
      return failure == null
          ? "Completion{succeeded: " + value + "}"
          : "Completion{failed: " + failure + "}";
    }
  }
}
