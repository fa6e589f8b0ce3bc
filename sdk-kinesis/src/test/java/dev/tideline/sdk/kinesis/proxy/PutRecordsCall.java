package dev.tideline.sdk.kinesis.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One PutRecords request as it went over the wire to the {@link FaultInjectingProxy}, with the
 * fault the proxy applied and the per-entry answer it gave.
 *
 * @param index the call's position among the PutRecords calls the proxy received, from 0
 * @param streamName the request's StreamName
 * @param contentType the request's content type (CBOR or JSON)
 * @param bodyBytes the size of the request body in bytes
 * @param entries the request's entries, in order
 * @param fault what the proxy did to the call
 * @param entryErrors per entry, the error code the client was answered with, or null for success;
 *     empty when the client got no per-entry answer (HTTP 500, timeout, reset, or an error response
 *     from the server)
 */
public record PutRecordsCall(
    int index,
    String streamName,
    String contentType,
    int bodyBytes,
    List<Entry> entries,
    Fault fault,
    List<String> entryErrors) {

  /**
   * One entry of the request.
   *
   * @param partitionKey the partition key
   * @param explicitHashKey the explicit hash key, or null
   * @param data the record data
   */
  public record Entry(String partitionKey, String explicitHashKey, byte[] data) {
    /** The size Kinesis counts against its limits: data plus the partition key in UTF-8. */
    public int billedSize() {
      return data.length + partitionKey.getBytes(StandardCharsets.UTF_8).length;
    }
  }

  /** Whether the client was told that every entry was stored. */
  public boolean fullySucceeded() {
    return !entryErrors.isEmpty() && entryErrors.stream().allMatch(e -> e == null);
  }

  /** The entries the client was told failed (empty when it got no per-entry answer). */
  public List<Entry> failedEntries() {
    List<Entry> failed = new ArrayList<>();
    for (int i = 0; i < entryErrors.size(); i++) {
      if (entryErrors.get(i) != null) {
        failed.add(entries.get(i));
      }
    }
    return Collections.unmodifiableList(failed);
  }

  /** The sum of the entries' billed sizes. */
  public long billedBytes() {
    return entries.stream().mapToLong(Entry::billedSize).sum();
  }

  PutRecordsCall withAnswer(List<String> errors) {
    return new PutRecordsCall(
        index,
        streamName,
        contentType,
        bodyBytes,
        entries,
        fault,
        Collections.unmodifiableList(errors));
  }

  @Override
  public String toString() {
    return "PutRecordsCall{#"
        + index
        + ", "
        + entries.size()
        + " entries, "
        + bodyBytes
        + " body bytes, "
        + fault
        + "}";
  }
}
