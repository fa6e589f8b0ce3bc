package dev.tideline.validator.flink.hourly;

import dev.tideline.validator.TallyEntry;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** The binary form of {@link TallyEntry#writeTo}: what validated events travel as. */
final class TallyEntrySerializer extends TypeSerializerSingleton<TallyEntry> {
  private static final long serialVersionUID = 1L;

  static final TallyEntrySerializer INSTANCE = new TallyEntrySerializer();

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public TallyEntry createInstance() {
    throw new UnsupportedOperationException("a tally entry is made from a validated record");
  }

  @Override
  public TallyEntry copy(TallyEntry from) {
    return from;
  }

  @Override
  public TallyEntry copy(TallyEntry from, TallyEntry reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(TallyEntry record, DataOutputView target) throws IOException {
    record.writeTo(target);
  }

  @Override
  public TallyEntry deserialize(DataInputView source) throws IOException {
    return TallyEntry.readFrom(source);
  }

  @Override
  public TallyEntry deserialize(TallyEntry reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<TallyEntry> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The serializer's snapshot; the format version lives in each entry's first byte. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<TallyEntry> {
    /** For Flink, which makes snapshots by reflection. */
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
