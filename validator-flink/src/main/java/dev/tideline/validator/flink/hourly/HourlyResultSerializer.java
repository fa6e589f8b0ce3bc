package dev.tideline.validator.flink.hourly;

import dev.tideline.validator.Tally;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Hourly results and tallies in state and on the wire: a tally travels in Java serialization (it is
 * {@link java.io.Serializable}, and written once per result or checkpoint, not per event).
 */
final class HourlyResultSerializer extends TypeSerializerSingleton<HourlyResult> {
  private static final long serialVersionUID = 1L;

  static final HourlyResultSerializer INSTANCE = new HourlyResultSerializer();

  private static final HourlyResult.Kind[] KINDS = HourlyResult.Kind.values();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public HourlyResult createInstance() {
    throw new UnsupportedOperationException("an hourly result is made by the job");
  }

  @Override
  public HourlyResult copy(HourlyResult from) {
    return new HourlyResult(
        from.hourStartMs(),
        from.kind(),
        from.revision(),
        TallySerializer.INSTANCE.copy(from.tally()),
        from.bucket,
        from.firingTime);
  }

  @Override
  public HourlyResult copy(HourlyResult from, HourlyResult reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(HourlyResult record, DataOutputView target) throws IOException {
    target.writeLong(record.hourStartMs());
    target.writeByte(record.kind().ordinal());
    target.writeInt(record.revision());
    target.writeInt(record.bucket);
    target.writeLong(record.firingTime);
    TallySerializer.INSTANCE.serialize(record.tally(), target);
  }

  @Override
  public HourlyResult deserialize(DataInputView source) throws IOException {
    long hour = source.readLong();
    HourlyResult.Kind kind = KINDS[source.readByte()];
    int revision = source.readInt();
    int bucket = source.readInt();
    long firingTime = source.readLong();
    Tally tally = TallySerializer.INSTANCE.deserialize(source);
    return new HourlyResult(hour, kind, revision, tally, bucket, firingTime);
  }

  @Override
  public HourlyResult deserialize(HourlyResult reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<HourlyResult> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The serializer's snapshot. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<HourlyResult> {
    /** For Flink, which makes snapshots by reflection. */
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }

  /** A tally in Java serialization, length-prefixed. */
  static final class TallySerializer extends TypeSerializerSingleton<Tally> {
    private static final long serialVersionUID = 1L;

    static final TallySerializer INSTANCE = new TallySerializer();

    @Override
    public boolean isImmutableType() {
      return false;
    }

    @Override
    public Tally createInstance() {
      return Tally.create();
    }

    @Override
    public Tally copy(Tally from) {
      return fromBytes(toBytes(from));
    }

    @Override
    public Tally copy(Tally from, Tally reuse) {
      return copy(from);
    }

    @Override
    public int getLength() {
      return -1;
    }

    @Override
    public void serialize(Tally record, DataOutputView target) throws IOException {
      byte[] bytes = toBytes(record);
      target.writeInt(bytes.length);
      target.write(bytes);
    }

    @Override
    public Tally deserialize(DataInputView source) throws IOException {
      byte[] bytes = new byte[source.readInt()];
      source.readFully(bytes);
      return fromBytes(bytes);
    }

    @Override
    public Tally deserialize(Tally reuse, DataInputView source) throws IOException {
      return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
      int length = source.readInt();
      target.writeInt(length);
      target.write(source, length);
    }

    @Override
    public TypeSerializerSnapshot<Tally> snapshotConfiguration() {
      return new TallySnapshot();
    }

    private static byte[] toBytes(Tally tally) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(tally);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    private static Tally fromBytes(byte[] bytes) {
      try (ObjectInputStream in = new JobClassesInputStream(new ByteArrayInputStream(bytes))) {
        return (Tally) in.readObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("a tally's class is missing: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Resolves classes through the loader of the job's own classes: on a cluster the tally's classes
   * are in the job jar, which the loader ObjectInputStream would pick may not see.
   */
  private static final class JobClassesInputStream extends ObjectInputStream {
    JobClassesInputStream(InputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, Tally.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }

  /** The tally serializer's snapshot. */
  public static final class TallySnapshot extends SimpleTypeSerializerSnapshot<Tally> {
    /** For Flink, which makes snapshots by reflection. */
    public TallySnapshot() {
      super(() -> TallySerializer.INSTANCE);
    }
  }
}
