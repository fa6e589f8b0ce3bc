package dev.tideline.sdk.sink;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a PutRecords request: a Kinesis record as the Tracker built it (one envelope, or a
 * KPL aggregated record of envelopes).
 *
 * <p>Immutable. The data array is not copied; neither the Tracker nor a sink modifies it.
 */
public final class SinkRecord {
  private final String partitionKey;
  private final @Nullable String explicitHashKey;
  private final byte[] data;

  private SinkRecord(String partitionKey, @Nullable String explicitHashKey, byte[] data) {
    this.partitionKey = partitionKey;
    this.explicitHashKey = explicitHashKey;
    this.data = data;
  }

  /**
   * A record routed by the MD5 of its partition key.
   *
   * @throws NullPointerException if an argument is null
   */
  public static SinkRecord of(String partitionKey, byte[] data) {
    return new SinkRecord(
        Objects.requireNonNull(partitionKey, "partitionKey"),
        null,
        Objects.requireNonNull(data, "data"));
  }

  /**
   * A record routed by an explicit hash key.
   *
   * @param explicitHashKey a decimal 128-bit unsigned integer, or null to route by partition key
   * @throws NullPointerException if partitionKey or data is null
   */
  public static SinkRecord of(String partitionKey, @Nullable String explicitHashKey, byte[] data) {
    return new SinkRecord(
        Objects.requireNonNull(partitionKey, "partitionKey"),
        explicitHashKey,
        Objects.requireNonNull(data, "data"));
  }

  /** The partition key (1 to 256 Unicode characters). */
  public String partitionKey() {
    return partitionKey;
  }

  /** The explicit hash key as a decimal string, or null when Kinesis routes by partition key. */
  public @Nullable String explicitHashKey() {
    return explicitHashKey;
  }

  /** The record's data; do not modify. */
  public byte[] data() {
    return data;
  }

  /**
   * The size Kinesis counts against its record and request limits: the data plus the partition key
   * in UTF-8 ("PutRecords", Amazon Kinesis Data Streams API Reference). The explicit hash key is
   * not counted.
   */
  public int billedSize() {
    return data.length + partitionKey.getBytes(StandardCharsets.UTF_8).length;
  }

  @Override
  public String toString() {
    return "SinkRecord{partitionKey="
        + partitionKey
        + ", explicitHashKey="
        + explicitHashKey
        + ", "
        + data.length
        + " bytes}";
  }
}
