package dev.tideline.sdk.sink;

import dev.tideline.sdk.Completion;
import dev.tideline.wire.HashKeys;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A {@link RecordSink} that keeps what it receives in memory and answers like Kinesis: it routes
 * each record to a shard by explicit hash key or MD5 of the partition key, gives sequence numbers,
 * and refuses requests over Kinesis's limits the way Kinesis does (the whole call fails with {@link
 * ErrorCodes#VALIDATION}), recording each violation. For tests: faults can be injected per entry or
 * per call, calls can be held and released, and shards can be changed to simulate resharding.
 *
 * <p>Thread-safe. Completes calls inline unless {@linkplain #holdCalls() held}.
 */
public final class InMemorySink implements RecordSink {
  /** Decides the fate of one entry: null to store it, or an error code to fail it with. */
  public interface EntryFault {
    /**
     * @param call the call's number, from 1
     * @param record the entry
     * @return null to store the entry, or the error code to fail it with
     */
    String errorFor(int call, SinkRecord record);
  }

  /** A record the sink stored. */
  public static final class StoredRecord {
    private final SinkRecord record;
    private final String shardId;
    private final String sequenceNumber;

    StoredRecord(SinkRecord record, String shardId, String sequenceNumber) {
      this.record = record;
      this.shardId = shardId;
      this.sequenceNumber = sequenceNumber;
    }

    /** The record as the tracker sent it. */
    public SinkRecord record() {
      return record;
    }

    /** The shard it was routed to. */
    public String shardId() {
      return shardId;
    }

    /** The sequence number it was given. */
    public String sequenceNumber() {
      return sequenceNumber;
    }
  }

  private final Object lock = new Object();
  // Guarded by lock.
  private List<Shard> shards;
  private final List<List<SinkRecord>> requests = new ArrayList<>();
  private final List<StoredRecord> stored = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final List<Runnable> held = new ArrayList<>();
  private boolean holding;
  private EntryFault entryFault;
  private String callFault;
  private int callFaultsLeft;
  private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
  private int maxRequestBytes = 10 * 1024 * 1024;
  private boolean listShardsFails;
  private long sequence;
  private boolean closed;
  private boolean retain = true;
  private int requestCount;
  private long storedCount;
  private long storedBytes;

  private InMemorySink(List<Shard> shards) {
    this.shards = shards;
  }

  /** A sink for a stream of one shard. */
  public static InMemorySink create() {
    return withShards(1);
  }

  /**
   * A sink for a stream of n shards of equal hash key ranges, named shardId-000000000000 and up.
   *
   * @throws IllegalArgumentException if n is not positive
   */
  public static InMemorySink withShards(int n) {
    return new InMemorySink(evenShards(n, 0));
  }

  /**
   * n open shards of equal hash key ranges, numbered from firstIndex.
   *
   * @throws IllegalArgumentException if n is not positive
   */
  public static List<Shard> evenShards(int n, int firstIndex) {
    if (n < 1) {
      throw new IllegalArgumentException("shard count must be positive, was " + n);
    }
    BigInteger space = Shard.MAX_HASH_KEY.add(BigInteger.ONE);
    List<Shard> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      BigInteger start = space.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(n));
      BigInteger end =
          space
              .multiply(BigInteger.valueOf(i + 1))
              .divide(BigInteger.valueOf(n))
              .subtract(BigInteger.ONE);
      out.add(Shard.open(String.format("shardId-%012d", firstIndex + i), start, end));
    }
    return out;
  }

  /** Replaces the stream's shards (closed ones are kept for listing but receive nothing). */
  public InMemorySink setShards(List<Shard> newShards) {
    synchronized (lock) {
      this.shards = new ArrayList<>(newShards);
    }
    return this;
  }

  /**
   * Whether to keep requests and records (default true). Off, the sink only counts them ({@link
   * #storedCount()}, {@link #storedBytes()}): for benchmarks and long runs.
   */
  public InMemorySink setRetainRecords(boolean retain) {
    synchronized (lock) {
      this.retain = retain;
    }
    return this;
  }

  /** Records stored since creation (also when not retained). */
  public long storedCount() {
    synchronized (lock) {
      return storedCount;
    }
  }

  /** Bytes (data plus partition key) of the records stored since creation. */
  public long storedBytes() {
    synchronized (lock) {
      return storedBytes;
    }
  }

  /** Fails entries as the fault decides (null: no faults). */
  public InMemorySink setEntryFault(EntryFault fault) {
    synchronized (lock) {
      this.entryFault = fault;
    }
    return this;
  }

  /** Fails the next n calls as a whole with this code (for example a transport error). */
  public InMemorySink failNextCalls(int n, String errorCode) {
    synchronized (lock) {
      this.callFault = Objects.requireNonNull(errorCode, "errorCode");
      this.callFaultsLeft = n;
    }
    return this;
  }

  /** Makes ListShards fail (true) or work (false). */
  public InMemorySink setListShardsFails(boolean fails) {
    synchronized (lock) {
      this.listShardsFails = fails;
    }
    return this;
  }

  /** The stream's maximum record size to report and enforce (default 1 MiB). */
  public InMemorySink setMaxRecordBytes(int bytes) {
    synchronized (lock) {
      this.maxRecordBytes = bytes;
    }
    return this;
  }

  /** The request limit to enforce (default 10 MiB, the largest Kinesis accepts). */
  public InMemorySink setMaxRequestBytes(int bytes) {
    synchronized (lock) {
      this.maxRequestBytes = bytes;
    }
    return this;
  }

  /** From now on, answer calls only when {@link #releaseCalls()} is called. */
  public InMemorySink holdCalls() {
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

  @Override
  public Completion<PutRecordsResult> putRecords(String streamName, List<SinkRecord> records) {
    final Completion<PutRecordsResult> completion = Completion.create();
    final PutRecordsResult result;
    synchronized (lock) {
      List<SinkRecord> copy = new ArrayList<>(records);
      requestCount++;
      if (retain) {
        requests.add(copy);
      }
      result = answer(requestCount, copy);
      if (holding) {
        held.add(() -> completion.succeed(result));
        return completion;
      }
    }
    completion.succeed(result);
    return completion;
  }

  /** Guarded by lock. */
  private PutRecordsResult answer(int call, List<SinkRecord> records) {
    if (closed) {
      return PutRecordsResult.callFailed(records.size(), ErrorCodes.SINK_ERROR, "sink closed");
    }
    if (callFaultsLeft > 0) {
      callFaultsLeft--;
      return PutRecordsResult.callFailed(records.size(), callFault, "injected call failure");
    }
    String violation = null;
    long total = 0;
    if (records.isEmpty() || records.size() > MAX_ENTRIES_PER_REQUEST) {
      violation = "request " + call + " has " + records.size() + " entries (1 to 500 allowed)";
    }
    for (SinkRecord record : records) {
      int size = record.billedSize();
      total += size;
      if (size > maxRecordBytes) {
        violation =
            "request " + call + " has a record of " + size + " bytes, above " + maxRecordBytes;
      }
      int keyLength = record.partitionKey().length();
      if (keyLength < 1 || keyLength > 256) {
        violation = "request " + call + " has a partition key of " + keyLength + " characters";
      }
    }
    if (total > maxRequestBytes) {
      violation = "request " + call + " has " + total + " bytes, above " + maxRequestBytes;
    }
    if (violation != null) {
      violations.add(violation);
      return PutRecordsResult.callFailed(records.size(), ErrorCodes.VALIDATION, violation);
    }
    List<EntryResult> results = new ArrayList<>(records.size());
    for (SinkRecord record : records) {
      String error = entryFault == null ? null : entryFault.errorFor(call, record);
      if (error != null) {
        results.add(EntryResult.failure(error, "injected failure"));
        continue;
      }
      Shard shard = route(record);
      String sequenceNumber = Long.toString(++sequence);
      storedCount++;
      storedBytes += record.billedSize();
      if (retain) {
        stored.add(new StoredRecord(record, shard.shardId(), sequenceNumber));
      }
      results.add(EntryResult.success(shard.shardId(), sequenceNumber));
    }
    return PutRecordsResult.of(results);
  }

  /** Guarded by lock. */
  private Shard route(SinkRecord record) {
    BigInteger hashKey =
        record.explicitHashKey() != null
            ? new BigInteger(record.explicitHashKey())
            : hashKey(record.partitionKey());
    for (Shard shard : shards) {
      if (shard.isOpen() && shard.contains(hashKey)) {
        return shard;
      }
    }
    throw new IllegalStateException("no open shard holds hash key " + hashKey);
  }

  /** The hash key Kinesis computes for a partition key: MD5 as an unsigned 128-bit integer. */
  public static BigInteger hashKey(String partitionKey) {
    return HashKeys.of(partitionKey);
  }

  @Override
  public Completion<List<Shard>> listShards(String streamName) {
    synchronized (lock) {
      if (listShardsFails) {
        return Completion.failed(new IllegalStateException("injected ListShards failure"));
      }
      return Completion.<List<Shard>>succeeded(
          Collections.unmodifiableList(new ArrayList<>(shards)));
    }
  }

  @Override
  public Completion<Integer> maxRecordBytes(String streamName) {
    synchronized (lock) {
      return Completion.succeeded(maxRecordBytes);
    }
  }

  @Override
  public Completion<Void> close() {
    synchronized (lock) {
      closed = true;
    }
    return Completion.succeeded(null);
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** Every PutRecords request received, in order, each as its list of records. */
  public List<List<SinkRecord>> requests() {
    synchronized (lock) {
      return new ArrayList<>(requests);
    }
  }

  /** Every record stored, in order. */
  public List<StoredRecord> storedRecords() {
    synchronized (lock) {
      return new ArrayList<>(stored);
    }
  }

  /**
   * The envelopes of every stored record, deaggregated (KPL records) and decoded, in order.
   *
   * @throws IllegalStateException if a stored record is malformed
   */
  public List<dev.tideline.proto.v1.Envelope> storedEnvelopes() {
    List<dev.tideline.proto.v1.Envelope> out = new ArrayList<>();
    for (StoredRecord stored : storedRecords()) {
      byte[] data = stored.record().data();
      try {
        if (dev.tideline.wire.KplRecords.isAggregated(data)) {
          for (dev.tideline.proto.kpl.Record sub :
              dev.tideline.wire.KplRecords.decode(data).getRecordsList()) {
            out.add(dev.tideline.wire.Envelopes.decode(sub.getData()));
          }
        } else {
          out.add(dev.tideline.wire.Envelopes.decode(data));
        }
      } catch (dev.tideline.wire.MalformedRecordException e) {
        throw new IllegalStateException("stored record is malformed: " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** Requests refused for breaking Kinesis's limits, described; empty when all were valid. */
  public List<String> violations() {
    synchronized (lock) {
      return new ArrayList<>(violations);
    }
  }

  /** Forgets the requests and records received so far (faults and shards stay). */
  public void clear() {
    synchronized (lock) {
      requests.clear();
      stored.clear();
      violations.clear();
    }
  }
}
