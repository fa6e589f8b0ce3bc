package dev.tideline.sdk.sink;

import dev.tideline.sdk.Completion;
import java.util.List;

/**
 * Where a {@link dev.tideline.sdk.Tracker} sends its Kinesis records: the Kinesis sink
 * (tideline-sdk-kinesis), the Android transport, a {@link FileSink}, an {@link InMemorySink}.
 *
 * <p>The contract, in the style of OpenTelemetry's {@code SpanExporter}:
 *
 * <ul>
 *   <li><b>Non-blocking.</b> Every method returns quickly with a {@link Completion} and finishes
 *       the work on the sink's own threads (or inline, for sinks that cannot block). The Tracker
 *       calls from its single worker thread and holds no lock while doing so.
 *   <li><b>Never throws at run time.</b> Failures complete the handle: {@link #putRecords} answers
 *       a {@link PutRecordsResult} even when the whole call failed ({@link
 *       PutRecordsResult#callFailed} with {@link ErrorCodes#TRANSPORT_ERROR} or Kinesis's code). A
 *       handle that fails, or a method that throws anyway, is treated as {@link
 *       ErrorCodes#SINK_ERROR} for every entry and retried like a transport error.
 *   <li><b>No retries of its own.</b> The Tracker retries only the failed entries, with backoff and
 *       per-shard rate limits; a sink that also retried would multiply attempts and duplicates.
 *       Configure client-side retries off (or to a single attempt) in the underlying client.
 *   <li><b>Limits are the Tracker's job.</b> A request has at most {@value
 *       #MAX_ENTRIES_PER_REQUEST} entries and fits the Tracker's request limit; each record fits
 *       the record limit counting its partition key. A sink passes requests through as given.
 *   <li><b>Concurrency.</b> The Tracker may have several calls outstanding at once (see its
 *       ordering mode); a sink must allow that.
 * </ul>
 */
public interface RecordSink {
  /** The most entries one PutRecords call may carry ("PutRecords", Kinesis API Reference). */
  int MAX_ENTRIES_PER_REQUEST = 500;

  /** Kinesis's default maximum record size, data plus partition key: 1 MiB. */
  int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

  /** Kinesis's largest configurable maximum record size: 10 MiB ("UpdateMaxRecordSize"). */
  int MAX_RECORD_BYTES_LIMIT = 10 * 1024 * 1024;

  /**
   * Writes one PutRecords batch.
   *
   * @param streamName the stream to write to
   * @param records 1 to {@value #MAX_ENTRIES_PER_REQUEST} records; the list is not modified and
   *     must not be kept after the handle completes
   * @return completes with one {@link EntryResult} per record, in order; never fails for errors
   *     Kinesis or the transport reported (see the class comment)
   */
  Completion<PutRecordsResult> putRecords(String streamName, List<SinkRecord> records);

  /**
   * Lists the stream's shards (every page of ListShards), for predicting which shard a hash key
   * goes to. Closed shards may be included and are ignored.
   *
   * @return completes with the shards; fails when they cannot be listed (the Tracker then sends
   *     unaggregated records, which need no shard map, and asks again later)
   */
  Completion<List<Shard>> listShards(String streamName);

  /**
   * The stream's maximum record size in bytes, counting data and partition key (1 MiB by default; a
   * stream may be configured up to 10 MiB). The Tracker uses the smaller of this and its own
   * configured limit.
   *
   * @return completes with the size; a sink that cannot tell succeeds with {@link
   *     #DEFAULT_MAX_RECORD_BYTES}, and a failure is read as that default
   */
  Completion<Integer> maxRecordBytes(String streamName);

  /**
   * Releases the sink's resources once outstanding calls completed; calls after it complete with
   * {@link ErrorCodes#SINK_ERROR}. The Tracker calls it when it closes, unless configured not to
   * (for a sink shared between trackers).
   *
   * @return completes when the sink is closed
   */
  Completion<Void> close();
}
