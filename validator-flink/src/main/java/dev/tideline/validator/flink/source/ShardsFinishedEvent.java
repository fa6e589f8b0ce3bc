package dev.tideline.validator.flink.source;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * From a reader to the enumerator: these shards are finished, each either read to its end (its
 * children may be read) or stopped caught up by a bounded read. Sent again after a restore for the
 * shards a checkpoint kept as finished markers, so the enumerator may get it twice.
 */
final class ShardsFinishedEvent implements SourceEvent {
  private static final long serialVersionUID = 1L;

  private final LinkedHashMap<String, ShardSplit.Ending> endings;

  ShardsFinishedEvent(Map<String, ShardSplit.Ending> endings) {
    this.endings = new LinkedHashMap<>(endings);
  }

  /**
   * How each shard finished: {@link ShardSplit.Ending#ENDED} or {@link ShardSplit.Ending#STOPPED}.
   */
  Map<String, ShardSplit.Ending> endings() {
    return Collections.unmodifiableMap(endings);
  }

  @Override
  public String toString() {
    return "ShardsFinishedEvent" + endings;
  }

  /**
   * From the enumerator to a reader: it holds these shards as finished, so the reader may drop
   * their markers. Flink delivers it only after the reader's checkpoints that the enumerator's
   * state without them belongs to, so a checkpoint never loses a finished shard.
   */
  static final class Ack implements SourceEvent {
    private static final long serialVersionUID = 1L;

    private final ArrayList<String> shardIds;

    Ack(List<String> shardIds) {
      this.shardIds = new ArrayList<>(shardIds);
    }

    List<String> shardIds() {
      return Collections.unmodifiableList(shardIds);
    }

    @Override
    public String toString() {
      return "ShardsFinishedEvent.Ack" + shardIds;
    }
  }
}
