package dev.tideline.validator.flink.hourly;

import dev.tideline.validator.DeliveryLedger;
import dev.tideline.validator.Tally;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Hourly results, tallies and delivery ledgers in state and on the wire: a tally or ledger travels
 * in Java serialization ({@link JavaSerializer}).
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
  static final class TallySerializer extends JavaSerializer<Tally> {
    private static final long serialVersionUID = 1L;

    static final TallySerializer INSTANCE = new TallySerializer();

    private TallySerializer() {
      super(Tally.class);
    }

    @Override
    public Tally createInstance() {
      return Tally.create();
    }

    @Override
    public TypeSerializerSnapshot<Tally> snapshotConfiguration() {
      return new TallySnapshot();
    }
  }

  /** A delivery ledger in Java serialization, length-prefixed. */
  static final class LedgerSerializer extends JavaSerializer<DeliveryLedger> {
    private static final long serialVersionUID = 1L;

    static final LedgerSerializer INSTANCE = new LedgerSerializer();

    private LedgerSerializer() {
      super(DeliveryLedger.class);
    }

    @Override
    public DeliveryLedger createInstance() {
      return new DeliveryLedger();
    }

    @Override
    public TypeSerializerSnapshot<DeliveryLedger> snapshotConfiguration() {
      return new LedgerSnapshot();
    }
  }

  /** The ledger serializer's snapshot. */
  public static final class LedgerSnapshot extends SimpleTypeSerializerSnapshot<DeliveryLedger> {
    /** For Flink, which makes snapshots by reflection. */
    public LedgerSnapshot() {
      super(() -> LedgerSerializer.INSTANCE);
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
