package dev.tideline.sdk.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.sdk.kinesis.proxy.PutRecordsCall;
import java.util.List;

/** Checks of the PutRecords requests the proxy saw against the Kinesis limits. */
final class RequestLimits {
  /** "PutRecords", Amazon Kinesis Data Streams API Reference: entries per request. */
  static final int MAX_ENTRIES = 500;

  /** The default request limit: 5 MiB including partition keys. */
  static final int MAX_REQUEST_BYTES = 5 * 1024 * 1024;

  /** The default maximum record size: 1 MiB including the partition key. */
  static final int MAX_RECORD_BYTES = 1024 * 1024;

  private RequestLimits() {}

  /** Every request within the entry and byte limits, every record within the record limit. */
  static void assertWithinLimits(
      List<PutRecordsCall> calls, int maxRequestBytes, int maxRecordBytes) {
    assertThat(calls).isNotEmpty();
    for (PutRecordsCall call : calls) {
      assertThat(call.entries()).as("entries of %s", call).hasSizeBetween(1, MAX_ENTRIES);
      assertThat(call.billedBytes())
          .as("data plus partition keys of %s", call)
          .isLessThanOrEqualTo(maxRequestBytes);
      for (PutRecordsCall.Entry entry : call.entries()) {
        assertThat(entry.billedSize())
            .as("data plus partition key of a record in %s", call)
            .isLessThanOrEqualTo(maxRecordBytes);
        assertThat(entry.partitionKey()).hasSizeBetween(1, 256);
      }
    }
  }
}
