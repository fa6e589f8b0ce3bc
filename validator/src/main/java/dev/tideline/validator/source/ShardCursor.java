package dev.tideline.validator.source;

import dev.tideline.kinesis.ShardListing;
import dev.tideline.validator.HashKeyRange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * One shard read with GetRecords (AWS SDK for Java v2): its shard iterator, the last sequence
 * number read, and its call budget. The one implementation of a shard's read for the validator's
 * {@link KinesisStreamReader} and the Flink source (tideline-validator-flink), so both keep the
 * same budget, recover expired iterators and back off from throttling the same way.
 *
 * <ul>
 *   <li><b>Budget.</b> Each call to {@link #next()} moves {@link #readyAt()} one interval (1 /
 *       GetRecords calls per second) ahead; the caller waits for it. Kinesis allows 5 GetRecords
 *       per second per shard, shared by every consumer of the stream ("Kinesis Data Streams quotas
 *       and limits").
 *   <li><b>Throttling.</b> A ProvisionedThroughputExceededException moves {@link #readyAt()} four
 *       intervals ahead and answers an unanswered batch.
 *   <li><b>Expired iterators.</b> An iterator unused for five minutes expires; the cursor asks for
 *       a new one after the last sequence number read, or at its starting position if it read none,
 *       and answers an unanswered batch.
 *   <li><b>Failures.</b> Any other failure of the call, after the AWS SDK's retries, is thrown as a
 *       {@link StreamReadException} naming the shard and the last sequence number read.
 * </ul>
 *
 * <p>Not thread-safe: one thread reads a cursor.
 */
public final class ShardCursor {
  private final Opener opener;
  private final String shardId;
  private final HashKeyRange range;
  private final StartingPosition start;
  private @Nullable String iterator;
  private @Nullable String lastSequenceNumber;
  private Instant readyAt;

  private ShardCursor(
      Opener opener,
      String shardId,
      HashKeyRange range,
      StartingPosition start,
      @Nullable String lastSequenceNumber) {
    this.opener = opener;
    this.shardId = shardId;
    this.range = range;
    this.start = start;
    this.lastSequenceNumber = lastSequenceNumber;
    this.iterator = opener.iterator(shardId, start, lastSequenceNumber);
    this.readyAt = opener.clock.instant();
  }

  /**
   * Opens cursors on the shards of one stream, all with the same budget.
   *
   * @param client the client every cursor calls; it stays the caller's to close
   * @param stream the stream's name or ARN ({@code arn:...}, sent as {@code StreamARN})
   * @param getRecordsPerSecond GetRecords calls per second per shard, in (0, 5]
   * @param limit records per GetRecords call, in [1, 10000]
   * @param clock the clock {@link #readyAt()} is measured by
   * @throws IllegalArgumentException if the budget or the limit is out of range
   */
  public static Opener opener(
      KinesisClient client, String stream, double getRecordsPerSecond, int limit, Clock clock) {
    return new Opener(client, stream, getRecordsPerSecond, limit, clock);
  }

  /**
   * Checks a GetRecords budget.
   *
   * @return the budget
   * @throws IllegalArgumentException unless it is in (0, 5]
   */
  public static double checkGetRecordsPerSecond(double perSecond) {
    if (!(perSecond > 0 && perSecond <= KinesisStreamReader.MAX_GET_RECORDS_PER_SECOND)) {
      throw new IllegalArgumentException(
          "getRecordsPerSecond must be in (0, 5] (the Kinesis limit per shard), was " + perSecond);
    }
    return perSecond;
  }

  /**
   * Checks a GetRecords limit.
   *
   * @return the limit
   * @throws IllegalArgumentException unless it is in [1, 10000]
   */
  public static int checkLimit(int limit) {
    if (limit < 1 || limit > KinesisStreamReader.MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be in [1, 10000], was " + limit);
    }
    return limit;
  }

  /** The hash-key range of a shard as ListShards describes it. */
  public static HashKeyRange rangeOf(Shard shard) {
    return HashKeyRange.of(
        shard.hashKeyRange().startingHashKey(), shard.hashKeyRange().endingHashKey());
  }

  /** The shard's id. */
  public String shardId() {
    return shardId;
  }

  /** The shard's hash-key range. */
  public HashKeyRange range() {
    return range;
  }

  /** The sequence number of the last record read (or resumed after), or null if none was. */
  public @Nullable String lastSequenceNumber() {
    return lastSequenceNumber;
  }

  /** When the budget allows the next GetRecords call. */
  public Instant readyAt() {
    return readyAt;
  }

  /** Whether the shard is closed and read to its end: its children may be read. */
  public boolean ended() {
    return iterator == null;
  }

  /**
   * Makes one GetRecords call, whether or not the budget allows it yet (wait for {@link #readyAt()}
   * first), and moves {@link #readyAt()} ahead.
   *
   * @throws IllegalStateException if the shard has ended
   * @throws InterruptedException if the thread was interrupted during the call
   * @throws StreamReadException if the call failed after the AWS SDK's retries
   */
  public Batch next() throws InterruptedException {
    String current = iterator;
    if (current == null) {
      throw new IllegalStateException("shard " + shardId + " is read to its end");
    }
    readyAt = opener.clock.instant().plus(opener.interval);
    GetRecordsResponse response;
    try {
      response =
          opener.client.getRecords(
              GetRecordsRequest.builder().shardIterator(current).limit(opener.limit).build());
    } catch (ProvisionedThroughputExceededException e) {
      readyAt = opener.clock.instant().plus(opener.interval.multipliedBy(4));
      return Batch.UNANSWERED;
    } catch (AbortedException e) {
      // The SDK's way of saying the thread was interrupted during the call.
      InterruptedException interrupted = new InterruptedException("stream read interrupted");
      interrupted.initCause(e);
      throw interrupted;
    } catch (ExpiredIteratorException e) {
      iterator = opener.iterator(shardId, start, lastSequenceNumber);
      return Batch.UNANSWERED;
    } catch (SdkException e) {
      // The SDK has already retried: give up, saying where, so the caller can keep what it read.
      throw new StreamReadException(opener.stream, shardId, lastSequenceNumber, e);
    }
    List<SourceRecord> records = new ArrayList<>(response.records().size());
    for (Record record : response.records()) {
      records.add(
          new SourceRecord(
              record.data().asByteArrayUnsafe(),
              record.partitionKey(),
              null,
              record.approximateArrivalTimestamp(),
              shardId,
              record.sequenceNumber(),
              range));
      lastSequenceNumber = record.sequenceNumber();
    }
    iterator = response.nextShardIterator();
    long behind = response.millisBehindLatest() == null ? 0 : response.millisBehindLatest();
    return new Batch(Collections.unmodifiableList(records), behind, iterator == null);
  }

  /** What one GetRecords call read. Immutable. */
  public static final class Batch {
    static final Batch UNANSWERED = new Batch(Collections.emptyList(), -1, false);

    private final List<SourceRecord> records;
    private final long millisBehindLatest;
    private final boolean shardEnded;

    private Batch(List<SourceRecord> records, long millisBehindLatest, boolean shardEnded) {
      this.records = records;
      this.millisBehindLatest = millisBehindLatest;
      this.shardEnded = shardEnded;
    }

    /** Whether GetRecords answered: false when it was throttled or its iterator had expired. */
    public boolean answered() {
      return millisBehindLatest >= 0;
    }

    /** The records, in the shard's order. */
    public List<SourceRecord> records() {
      return records;
    }

    /** MillisBehindLatest of the answer (0 if absent), or -1 when unanswered. */
    public long millisBehindLatest() {
      return millisBehindLatest;
    }

    /** Whether the shard is closed and this answer read it to its end. */
    public boolean shardEnded() {
      return shardEnded;
    }

    /** Whether the shard had nothing more to read: no records and MillisBehindLatest 0. */
    public boolean caughtUp() {
      return answered() && records.isEmpty() && millisBehindLatest == 0;
    }
  }

  /** Opens cursors on the shards of one stream; see {@link #opener}. Thread-safe. */
  public static final class Opener {
    private final KinesisClient client;
    private final String stream;
    private final Duration interval;
    private final int limit;
    private final Clock clock;

    private Opener(
        KinesisClient client, String stream, double getRecordsPerSecond, int limit, Clock clock) {
      this.client = Objects.requireNonNull(client, "client");
      this.stream = Objects.requireNonNull(stream, "stream");
      this.interval =
          Duration.ofNanos((long) (1_000_000_000L / checkGetRecordsPerSecond(getRecordsPerSecond)));
      this.limit = checkLimit(limit);
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A cursor at a starting position of the shard (GetShardIterator now).
     *
     * @throws SdkException if GetShardIterator fails
     */
    public ShardCursor at(String shardId, HashKeyRange range, StartingPosition start) {
      return new ShardCursor(
          this,
          Objects.requireNonNull(shardId, "shardId"),
          Objects.requireNonNull(range, "range"),
          Objects.requireNonNull(start, "start"),
          null);
    }

    /**
     * A cursor just after a record of the shard (GetShardIterator AFTER_SEQUENCE_NUMBER now), to
     * resume a read.
     *
     * @throws SdkException if GetShardIterator fails
     */
    public ShardCursor after(String shardId, HashKeyRange range, String sequenceNumber) {
      return new ShardCursor(
          this,
          Objects.requireNonNull(shardId, "shardId"),
          Objects.requireNonNull(range, "range"),
          StartingPosition.trimHorizon(),
          Objects.requireNonNull(sequenceNumber, "sequenceNumber"));
    }

    private String iterator(
        String shardId, StartingPosition start, @Nullable String afterSequenceNumber) {
      GetShardIteratorRequest.Builder request =
          ShardListing.isArn(stream)
              ? GetShardIteratorRequest.builder().streamARN(stream)
              : GetShardIteratorRequest.builder().streamName(stream);
      request.shardId(shardId);
      if (afterSequenceNumber != null) {
        request
            .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
            .startingSequenceNumber(afterSequenceNumber);
      } else if (start.kind == StartingPosition.Kind.AT_TIMESTAMP) {
        request.shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(start.timestamp);
      } else if (start.kind == StartingPosition.Kind.LATEST) {
        request.shardIteratorType(ShardIteratorType.LATEST);
      } else {
        request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
      }
      return client.getShardIterator(request.build()).shardIterator();
    }
  }
}
