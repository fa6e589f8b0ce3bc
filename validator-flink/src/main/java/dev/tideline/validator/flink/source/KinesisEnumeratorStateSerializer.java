package dev.tideline.validator.flink.source;

import dev.tideline.validator.source.StartingPosition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Writes the enumerator's {@link KinesisEnumeratorState} into checkpoints. Version 1:
 *
 * <pre>
 * pending count (int), then each split as {@link ShardSplitSerializer} version 1 writes it,
 * assigned, finished and stopped shard ids: each a count (int) and the ids (UTF),
 * has first-listing position (boolean), then it as in {@link ShardSplitSerializer}
 * </pre>
 *
 * Stateless and thread-safe.
 */
final class KinesisEnumeratorStateSerializer
    implements SimpleVersionedSerializer<KinesisEnumeratorState> {
  static final KinesisEnumeratorStateSerializer INSTANCE = new KinesisEnumeratorStateSerializer();

  private static final int VERSION = 1;

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(KinesisEnumeratorState state) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(256);
    out.writeInt(state.pending().size());
    for (ShardSplit split : state.pending()) {
      ShardSplitSerializer.write(split, out);
    }
    writeIds(state.assigned(), out);
    writeIds(state.finished(), out);
    writeIds(state.stopped(), out);
    StartingPosition first = state.firstListingPosition();
    out.writeBoolean(first != null);
    if (first != null) {
      ShardSplitSerializer.write(first, out);
    }
    return out.getCopyOfBuffer();
  }

  @Override
  public KinesisEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
    ShardSplitSerializer.checkVersion("Kinesis enumerator state", version, VERSION);
    DataInputDeserializer in = new DataInputDeserializer(serialized);
    int count = count(in);
    List<ShardSplit> pending = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      pending.add(ShardSplitSerializer.read(in));
    }
    Set<String> assigned = readIds(in);
    Set<String> finished = readIds(in);
    Set<String> stopped = readIds(in);
    @Nullable StartingPosition first =
        in.readBoolean() ? ShardSplitSerializer.readPosition(in) : null;
    ShardSplitSerializer.checkConsumed("Kinesis enumerator state", in);
    return new KinesisEnumeratorState(pending, assigned, finished, stopped, first);
  }

  private static void writeIds(Set<String> ids, DataOutputSerializer out) throws IOException {
    out.writeInt(ids.size());
    for (String id : ids) {
      out.writeUTF(id);
    }
  }

  private static Set<String> readIds(DataInputDeserializer in) throws IOException {
    int count = count(in);
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < count; i++) {
      ids.add(in.readUTF());
    }
    return ids;
  }

  private static int count(DataInputDeserializer in) throws IOException {
    int count = in.readInt();
    if (count < 0 || count > in.available()) {
      throw new IOException("a count of " + count + " with " + in.available() + " bytes left");
    }
    return count;
  }
}
