package dev.tideline.sdk.sink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The answer to one {@link RecordSink#putRecords} call: one {@link EntryResult} per request entry,
 * in request order, as Kinesis's PutRecords response lists them.
 *
 * <p>Immutable.
 */
public final class PutRecordsResult {
  private final List<EntryResult> entries;
  private final int failedCount;

  private PutRecordsResult(List<EntryResult> entries) {
    this.entries = entries;
    int failed = 0;
    for (EntryResult entry : entries) {
      if (!entry.isSuccess()) {
        failed++;
      }
    }
    this.failedCount = failed;
  }

  /**
   * A result with one entry per request entry, in request order.
   *
   * @throws NullPointerException if the list or an entry is null
   */
  public static PutRecordsResult of(List<EntryResult> entries) {
    List<EntryResult> copy = new ArrayList<>(entries.size());
    for (EntryResult entry : entries) {
      copy.add(Objects.requireNonNull(entry, "entry"));
    }
    return new PutRecordsResult(Collections.unmodifiableList(copy));
  }

  /**
   * A result for a call that failed as a whole (a transport error, or an error response such as
   * {@link ErrorCodes#LIMIT_EXCEEDED}): every one of the request's entries failed with this code.
   *
   * @param entryCount the number of entries in the request
   * @throws NullPointerException if errorCode is null
   */
  public static PutRecordsResult callFailed(int entryCount, String errorCode, String errorMessage) {
    EntryResult failure = EntryResult.failure(errorCode, errorMessage);
    return new PutRecordsResult(Collections.nCopies(entryCount, failure));
  }

  /** The per-entry results, in request order. */
  public List<EntryResult> entries() {
    return entries;
  }

  /** How many entries failed (Kinesis's FailedRecordCount). */
  public int failedCount() {
    return failedCount;
  }

  @Override
  public String toString() {
    return "PutRecordsResult{" + entries.size() + " entries, " + failedCount + " failed}";
  }
}
