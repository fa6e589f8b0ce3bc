package dev.tideline.sdk.testkit;

import dev.tideline.sdk.Completion;
import dev.tideline.sdk.sink.EntryResult;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.RecordSink;
import dev.tideline.sdk.sink.Shard;
import dev.tideline.sdk.sink.SinkRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link RecordSink} in front of another (usually an {@link dev.tideline.sdk.sink.InMemorySink})
 * that fails what the test asks it to: single entries ({@link #setEntryFault}), whole calls ({@link
 * #failNextCalls}) or ListShards ({@link #setListShardsFails}); and that can hold its answers until
 * the test releases them ({@link #holdCalls()}, {@link #releaseCalls()}). Entries it fails never
 * reach the sink behind it; the others do, in their order.
 *
 * <pre>{@code
 * InMemorySink kinesis = InMemorySink.create();
 * FaultInjectingSink flaky = FaultInjectingSink.wrap(kinesis)
 *     .setEntryFault((call, record) -> call == 1 ? ErrorCodes.THROTTLED : null);
 * Tracker tracker = Tracker.builder()...sink(flaky).build();
 * }</pre>
 *
 * <p>Thread-safe. Answers when the sink behind it answers, unless {@linkplain #holdCalls() held}.
 */
public final class FaultInjectingSink implements RecordSink {
  /** Decides the fate of one entry: null to pass it on, or an error code to fail it with. */
  public interface EntryFault {
    /**
     * @param call the call's number, from 1
     * @param record the entry
     * @return null to pass the entry on, or the error code to fail it with
     */
    String errorFor(int call, SinkRecord record);
  }

  private final RecordSink target;
  private final Object lock = new Object();
  // Guarded by lock.
  private final List<List<SinkRecord>> requests = new ArrayList<>();
  private final List<Runnable> held = new ArrayList<>();
  private boolean holding;
  private EntryFault entryFault;
  private String callFault;
  private int callFaultsLeft;
  private boolean listShardsFails;
  private int calls;

  private FaultInjectingSink(RecordSink target) {
    this.target = Objects.requireNonNull(target, "target");
  }

  /** A sink that passes everything on to the target until told otherwise. */
  public static FaultInjectingSink wrap(RecordSink target) {
    return new FaultInjectingSink(target);
  }

  /** The sink behind this one. */
  public RecordSink target() {
    return target;
  }

  /** Fails entries as the fault decides (null: no faults). */
  public FaultInjectingSink setEntryFault(EntryFault fault) {
    synchronized (lock) {
      this.entryFault = fault;
    }
    return this;
  }

  /** Fails the next n calls as a whole with this code (for example a transport error). */
  public FaultInjectingSink failNextCalls(int n, String errorCode) {
    synchronized (lock) {
      this.callFault = Objects.requireNonNull(errorCode, "errorCode");
      this.callFaultsLeft = n;
    }
    return this;
  }

  /** Makes ListShards fail (true) or pass on (false). */
  public FaultInjectingSink setListShardsFails(boolean fails) {
    synchronized (lock) {
      this.listShardsFails = fails;
    }
    return this;
  }

  /** From now on, answer calls only when {@link #releaseCalls()} is called. */
  public FaultInjectingSink holdCalls() {
    synchronized (lock) {
      holding = true;
    }
    return this;
  }

  /** Answers the held calls and stops holding; returns how many were answered. */
  public int releaseCalls() {
    List<Runnable> toRun;
    synchronized (lock) {
      holding = false;
      toRun = new ArrayList<>(held);
      held.clear();
    }
    for (Runnable run : toRun) {
      run.run();
    }
    return toRun.size();
  }

  /** Calls waiting to be answered. */
  public int heldCalls() {
    synchronized (lock) {
      return held.size();
    }
  }

  /** Every PutRecords request received, in order, failed ones included, each as its records. */
  public List<List<SinkRecord>> requests() {
    synchronized (lock) {
      return new ArrayList<>(requests);
    }
  }

  @Override
  public Completion<PutRecordsResult> putRecords(String streamName, List<SinkRecord> records) {
    Completion<PutRecordsResult> completion = Completion.create();
    List<SinkRecord> copy = new ArrayList<>(records);
    String[] errors = new String[copy.size()];
    List<SinkRecord> passed = new ArrayList<>(copy.size());
    boolean hold;
    PutRecordsResult callFailure = null;
    synchronized (lock) {
      int call = ++calls;
      requests.add(copy);
      hold = holding;
      if (callFaultsLeft > 0) {
        callFaultsLeft--;
        callFailure = PutRecordsResult.callFailed(copy.size(), callFault, "injected call failure");
      } else {
        for (int i = 0; i < copy.size(); i++) {
          errors[i] = entryFault == null ? null : entryFault.errorFor(call, copy.get(i));
          if (errors[i] == null) {
            passed.add(copy.get(i));
          }
        }
      }
    }
    if (callFailure != null) {
      answer(completion, callFailure, null, hold);
    } else if (passed.isEmpty()) {
      answer(completion, merge(errors, null), null, hold);
    } else {
      target
          .putRecords(streamName, passed)
          .whenComplete(
              (result, failure) ->
                  answer(
                      completion, failure == null ? merge(errors, result) : null, failure, hold));
    }
    return completion;
  }

  /** The target's answers for the entries passed on, with the injected failures in between. */
  private static PutRecordsResult merge(String[] errors, PutRecordsResult passedResult) {
    List<EntryResult> entries = new ArrayList<>(errors.length);
    int next = 0;
    for (String error : errors) {
      if (error != null) {
        entries.add(EntryResult.failure(error, "injected failure"));
      } else {
        entries.add(passedResult.entries().get(next++));
      }
    }
    return PutRecordsResult.of(entries);
  }

  private void answer(
      Completion<PutRecordsResult> completion,
      PutRecordsResult result,
      Throwable failure,
      boolean hold) {
    Runnable complete =
        () -> {
          if (failure != null) {
            completion.fail(failure);
          } else {
            completion.succeed(result);
          }
        };
    if (hold) {
      synchronized (lock) {
        held.add(complete);
      }
    } else {
      complete.run();
    }
  }

  @Override
  public Completion<List<Shard>> listShards(String streamName) {
    synchronized (lock) {
      if (listShardsFails) {
        return Completion.failed(new IllegalStateException("injected ListShards failure"));
      }
    }
    return target.listShards(streamName);
  }

  @Override
  public Completion<Integer> maxRecordBytes(String streamName) {
    return target.maxRecordBytes(streamName);
  }

  @Override
  public Completion<Void> close() {
    return target.close();
  }
}
