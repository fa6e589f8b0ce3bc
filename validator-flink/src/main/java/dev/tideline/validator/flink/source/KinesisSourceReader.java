package dev.tideline.validator.flink.source;

import dev.tideline.validator.source.SourceRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

/**
 * A reader of the {@link KinesisSource}: one fetcher thread reads its shards ({@link
 * ShardSplitReader}); the task thread emits their records and keeps each split's position.
 *
 * <p>When a shard is finished the reader tells the enumerator ({@link ShardsFinishedEvent}), so its
 * children may be read. That event could be lost to a checkpoint taken between the enumerator's
 * state and the reader's, so until the enumerator acknowledges it the reader keeps the shard in its
 * own checkpoints as a finished marker, and sends the event again when restored from one.
 */
// SourceReaderBase.close() throws Exception (so InterruptedException too): Flink's signature.
@SuppressWarnings("try")
final class KinesisSourceReader
    extends SingleThreadMultiplexSourceReaderBase<
        SourceRecord, SourceRecord, ShardSplit, ShardSplitState> {
  private final Map<String, ShardSplit.Ending> endings;

  /** Finished shards the enumerator has not acknowledged; task thread only. */
  private final Map<String, ShardSplit> markers = new LinkedHashMap<>();

  KinesisSourceReader(
      Supplier<SplitReader<SourceRecord, ShardSplit>> splitReaders,
      Map<String, ShardSplit.Ending> endings,
      SourceReaderContext context) {
    super(splitReaders, new SourceRecordEmitter(), context.getConfiguration(), context);
    this.endings = endings;
  }

  @Override
  public void addSplits(List<ShardSplit> splits) {
    List<ShardSplit> toRead = new ArrayList<>();
    Map<String, ShardSplit.Ending> restoredMarkers = new LinkedHashMap<>();
    for (ShardSplit split : splits) {
      if (split.ending() == ShardSplit.Ending.NONE) {
        toRead.add(split);
      } else {
        markers.put(split.shardId(), split);
        restoredMarkers.put(split.shardId(), split.ending());
      }
    }
    if (!restoredMarkers.isEmpty()) {
      context.sendSourceEventToCoordinator(new ShardsFinishedEvent(restoredMarkers));
    }
    if (!toRead.isEmpty()) {
      super.addSplits(toRead);
    }
  }

  @Override
  protected void onSplitFinished(Map<String, ShardSplitState> finishedSplits) {
    Map<String, ShardSplit.Ending> finished = new LinkedHashMap<>();
    for (Map.Entry<String, ShardSplitState> entry : finishedSplits.entrySet()) {
      ShardSplit.Ending ending = endings.remove(entry.getKey());
      if (ending == null) {
        throw new IllegalStateException("shard " + entry.getKey() + " finished without an ending");
      }
      finished.put(entry.getKey(), ending);
      markers.put(entry.getKey(), entry.getValue().toSplit().endedAs(ending));
    }
    if (!finished.isEmpty()) {
      context.sendSourceEventToCoordinator(new ShardsFinishedEvent(finished));
    }
  }

  @Override
  public void handleSourceEvents(SourceEvent event) {
    if (event instanceof ShardsFinishedEvent.Ack) {
      for (String shardId : ((ShardsFinishedEvent.Ack) event).shardIds()) {
        markers.remove(shardId);
      }
    } else {
      super.handleSourceEvents(event);
    }
  }

  @Override
  public List<ShardSplit> snapshotState(long checkpointId) {
    List<ShardSplit> splits = new ArrayList<>(super.snapshotState(checkpointId));
    splits.addAll(markers.values());
    return splits;
  }

  @Override
  protected ShardSplitState initializedState(ShardSplit split) {
    return new ShardSplitState(split);
  }

  @Override
  protected ShardSplit toSplitType(String splitId, ShardSplitState state) {
    return state.toSplit();
  }
}
