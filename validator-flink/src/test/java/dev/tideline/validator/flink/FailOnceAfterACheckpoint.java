package dev.tideline.validator.flink;

import dev.tideline.validator.source.SourceRecord;
import java.time.Duration;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Passes records on and throws once, mid-stream: at the first record from the {@code failAfter}th
 * on (counted over all subtasks) once a checkpoint has completed that holds some of the records
 * read, so that the job restores real progress. Place it right after the source, in a job made with
 * {@link #restartingFromCheckpoints}.
 *
 * <p>What it saw is kept in static fields, for the test to read after the job: one such job at a
 * time per JVM, {@link #reset()} before each.
 */
public final class FailOnceAfterACheckpoint extends RichMapFunction<SourceRecord, SourceRecord>
    implements CheckpointedFunction, CheckpointListener {
  private static final long serialVersionUID = 1L;

  private static final AtomicInteger SEEN = new AtomicInteger();
  private static final AtomicInteger SEEN_AT_FAILURE = new AtomicInteger();
  private static final AtomicInteger CHECKPOINTED = new AtomicInteger();
  private static final AtomicBoolean FAILED = new AtomicBoolean();
  private static final AtomicBoolean RESTARTED = new AtomicBoolean();

  private final int failAfter;

  // This subtask's records of this attempt, and that count at each pending checkpoint's snapshot;
  // task thread only.
  private int seenHere;
  private final NavigableMap<Long, Integer> seenAtSnapshot = new TreeMap<>();

  /** Fails at the first record from the {@code failAfter}th on after a checkpoint holding any. */
  public FailOnceAfterACheckpoint(int failAfter) {
    this.failAfter = failAfter;
  }

  /**
   * The environment's job checkpoints every {@code interval} and, when a task fails, restarts from
   * the last checkpoint (up to 3 times).
   */
  public static void restartingFromCheckpoints(StreamExecutionEnvironment env, Duration interval) {
    Configuration restarts = new Configuration();
    restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    env.configure(restarts);
    env.enableCheckpointing(interval.toMillis());
  }

  /** Forgets what the previous job saw. */
  public static void reset() {
    SEEN.set(0);
    SEEN_AT_FAILURE.set(0);
    CHECKPOINTED.set(0);
    FAILED.set(false);
    RESTARTED.set(false);
  }

  /** Whether the failure was thrown. */
  public static boolean failed() {
    return FAILED.get();
  }

  /** Whether a subtask ran again after the failure. */
  public static boolean restarted() {
    return RESTARTED.get();
  }

  /** How many records all subtasks had passed on when the failure was thrown. */
  public static int seenAtFailure() {
    return SEEN_AT_FAILURE.get();
  }

  /**
   * The most records one subtask had passed on before the snapshot of a checkpoint that completed
   * before the failure: 0 if no checkpoint held any.
   */
  public static int checkpointedBeforeFailure() {
    return CHECKPOINTED.get();
  }

  @Override
  public void open(OpenContext context) {
    if (getRuntimeContext().getTaskInfo().getAttemptNumber() > 0) {
      RESTARTED.set(true);
    }
  }

  @Override
  public SourceRecord map(SourceRecord record) {
    seenHere++;
    int seen = SEEN.incrementAndGet();
    if (seen >= failAfter && CHECKPOINTED.get() > 0 && FAILED.compareAndSet(false, true)) {
      SEEN_AT_FAILURE.set(seen);
      throw new IllegalStateException("injected failure after " + seen + " records");
    }
    return record;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) {}

  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    seenAtSnapshot.put(context.getCheckpointId(), seenHere);
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    Integer seen = seenAtSnapshot.remove(checkpointId);
    seenAtSnapshot.headMap(checkpointId).clear(); // aborted ones
    if (seen != null && !FAILED.get()) {
      CHECKPOINTED.accumulateAndGet(seen, Math::max);
    }
  }
}
