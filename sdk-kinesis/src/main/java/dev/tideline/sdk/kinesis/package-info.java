/**
 * The Kinesis sink for JVM backends: {@link dev.tideline.sdk.kinesis.KinesisSink}, a {@link
 * dev.tideline.sdk.sink.RecordSink} over the AWS SDK for Java v2 client you build. See
 * docs/kinesis-sink.md for the client settings (no AWS SDK retries under the Tracker's) and how
 * errors map to entry results.
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.sdk.kinesis;
