package dev.tideline.sdk.kinesis;

import dev.tideline.sdk.Completion;
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.RecordSink;
import dev.tideline.sdk.sink.Shard;
import dev.tideline.sdk.sink.SinkRecord;
import dev.tideline.sdk.testkit.ManualScheduler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sink that counts the calls in flight of the sink it wraps, so a test driving {@link
 * ManualScheduler} knows when every answer has come back before it moves time on.
 */
final class CountingSink implements RecordSink {
  private final RecordSink delegate;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<SinkRecord> unanswered = new CopyOnWriteArrayList<>();

  CountingSink(RecordSink delegate) {
    this.delegate = delegate;
  }

  /** How many calls are waiting for their answer. */
  int inFlight() {
    return inFlight.get();
  }

  /** Whether no call is waiting for its answer. */
  boolean isIdle() {
    return inFlight.get() == 0;
  }

  /**
   * The records of every call that failed as a transport error (timeout, reset): Kinesis may have
   * stored them although the tracker was not told, so a retry may duplicate them.
   */
  List<SinkRecord> unanswered() {
    return List.copyOf(unanswered);
  }

  @Override
  public Completion<PutRecordsResult> putRecords(String streamName, List<SinkRecord> records) {
    List<SinkRecord> sent = List.copyOf(records);
    Completion<PutRecordsResult> call = delegate.putRecords(streamName, records);
    call.whenComplete(
        (result, failure) -> {
          if (result != null
              && result.entries().stream()
                  .anyMatch(e -> ErrorCodes.TRANSPORT_ERROR.equals(e.errorCode()))) {
            unanswered.addAll(sent);
          }
        });
    return track(call);
  }

  @Override
  public Completion<List<Shard>> listShards(String streamName) {
    return track(delegate.listShards(streamName));
  }

  @Override
  public Completion<Integer> maxRecordBytes(String streamName) {
    return track(delegate.maxRecordBytes(streamName));
  }

  @Override
  public Completion<Void> close() {
    return delegate.close();
  }

  private <T> Completion<T> track(Completion<T> call) {
    inFlight.incrementAndGet();
    Completion<T> relayed = Completion.create();
    call.whenComplete(
        (value, failure) -> {
          // Completing runs the tracker's callbacks (which hand the answer to its scheduler)
          // before the call stops counting as in flight.
          if (failure == null) {
            relayed.succeed(value);
          } else {
            relayed.fail(failure);
          }
          inFlight.decrementAndGet();
        });
    return relayed;
  }
}
