package dev.tideline.sdk.sink;

import dev.tideline.sdk.Completion;
import dev.tideline.wire.HashKeys;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A {@link RecordSink} that keeps what it receives in memory and answers like Kinesis: it routes
 * each record to a shard by explicit hash key or MD5 of the partition key, gives sequence numbers,
 * and refuses requests over Kinesis's limits the way Kinesis does (the whole call fails with {@link
 * ErrorCodes#VALIDATION}), recording each violation. For tests and local development: shards can be
 * changed to simulate resharding. Faults and held calls come from the test kit's {@code
 * FaultInjectingSink} in front of it (the {@code tideline-sdk-core} test jar, re-exported by {@code
 * tideline-testing}).
 *
 * <p>Thread-safe. Completes calls inline.
 */
public final class InMemorySink implements RecordSink {
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
  private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
  private int maxRequestBytes = 10 * 1024 * 1024;
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

  @Override
  public Completion<PutRecordsResult> putRecords(String streamName, List<SinkRecord> records) {
    synchronized (lock) {
      List<SinkRecord> copy = new ArrayList<>(records);
      requestCount++;
      if (retain) {
        requests.add(copy);
      }
      return Completion.succeeded(answer(requestCount, copy));
    }
  }

  /** Guarded by lock. */
  private PutRecordsResult answer(int call, List<SinkRecord> records) {
    if (closed) {
      return PutRecordsResult.callFailed(records.size(), ErrorCodes.SINK_ERROR, "sink closed");
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

  /** Forgets the requests and records received so far (the shards stay). */
  public void clear() {
    synchronized (lock) {
      requests.clear();
      stored.clear();
      violations.clear();
    }
  }
}
