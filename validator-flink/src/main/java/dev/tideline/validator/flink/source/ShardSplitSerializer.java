package dev.tideline.validator.flink.source;

import dev.tideline.validator.HashKeyRange;
import dev.tideline.validator.source.StartingPosition;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@link ShardSplit}s into checkpoints. Version 1:
 *
 * <pre>
 * shard id (UTF), parent count (int) and parent ids (UTF each),
 * hash-key range start and end (decimal UTF),
 * starting position kind (UTF: TRIM_HORIZON, LATEST, AT_TIMESTAMP),
 *   then for AT_TIMESTAMP its epoch second (long) and nanosecond (int),
 * has last sequence number (boolean), then it (UTF),
 * ending (UTF: NONE, ENDED, STOPPED)
 * </pre>
 *
 * Stateless and thread-safe.
 */
final class ShardSplitSerializer implements SimpleVersionedSerializer<ShardSplit> {
  static final ShardSplitSerializer INSTANCE = new ShardSplitSerializer();

  private static final int VERSION = 1;

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(ShardSplit split) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(128);
    write(split, out);
    return out.getCopyOfBuffer();
  }

  @Override
  public ShardSplit deserialize(int version, byte[] serialized) throws IOException {
    checkVersion("shard split", version, VERSION);
    DataInputDeserializer in = new DataInputDeserializer(serialized);
    ShardSplit split = read(in);
    checkConsumed("shard split", in);
    return split;
  }

  static void write(ShardSplit split, DataOutput out) throws IOException {
    out.writeUTF(split.shardId());
    out.writeInt(split.parentShardIds().size());
    for (String parent : split.parentShardIds()) {
      out.writeUTF(parent);
    }
    out.writeUTF(split.hashKeyRange().start().toString());
    out.writeUTF(split.hashKeyRange().end().toString());
    write(split.startingPosition(), out);
    String last = split.lastSequenceNumber();
    out.writeBoolean(last != null);
    if (last != null) {
      out.writeUTF(last);
    }
    out.writeUTF(split.ending().name());
  }

  static ShardSplit read(DataInput in) throws IOException {
    String shardId = in.readUTF();
    int parents = in.readInt();
    if (parents < 0 || parents > 2) {
      throw new IOException("shard " + shardId + " has " + parents + " parents; at most 2 exist");
    }
    List<String> parentIds = new ArrayList<>(parents);
    for (int i = 0; i < parents; i++) {
      parentIds.add(in.readUTF());
    }
    HashKeyRange range;
    try {
      range = HashKeyRange.of(in.readUTF(), in.readUTF());
    } catch (IllegalArgumentException e) {
      throw new IOException("shard " + shardId + ": " + e.getMessage(), e);
    }
    StartingPosition start = readPosition(in);
    @Nullable String last = in.readBoolean() ? in.readUTF() : null;
    ShardSplit.Ending ending = valueOf(ShardSplit.Ending.class, in.readUTF());
    return new ShardSplit(shardId, parentIds, range, start, last, ending);
  }

  static void write(StartingPosition position, DataOutput out) throws IOException {
    out.writeUTF(position.kind().name());
    if (position.kind() == StartingPosition.Kind.AT_TIMESTAMP) {
      Instant timestamp =
          Objects.requireNonNull(position.timestamp(), "an AT_TIMESTAMP position has a timestamp");
      out.writeLong(timestamp.getEpochSecond());
      out.writeInt(timestamp.getNano());
    }
  }

  static StartingPosition readPosition(DataInput in) throws IOException {
    StartingPosition.Kind kind = valueOf(StartingPosition.Kind.class, in.readUTF());
    switch (kind) {
      case AT_TIMESTAMP:
        return StartingPosition.atTimestamp(Instant.ofEpochSecond(in.readLong(), in.readInt()));
      case LATEST:
        return StartingPosition.latest();
      default:
        return StartingPosition.trimHorizon();
    }
  }

  static void checkVersion(String what, int version, int expected) throws IOException {
    if (version != expected) {
      throw new IOException(
          "cannot read a " + what + " of version " + version + "; this build reads " + expected);
    }
  }

  static void checkConsumed(String what, DataInputDeserializer in) throws IOException {
    if (in.available() != 0) {
      throw new IOException(in.available() + " bytes left after a " + what);
    }
  }

  private static <E extends Enum<E>> E valueOf(Class<E> type, String name) throws IOException {
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw new IOException("unknown " + type.getSimpleName() + " " + name, e);
    }
  }
}
