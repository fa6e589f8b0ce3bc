/**
 * The sink SPI ({@link dev.tideline.sdk.sink.RecordSink}) through which a tracker writes Kinesis
 * records, and the sinks that need no network: {@link dev.tideline.sdk.sink.InMemorySink} for tests
 * and {@link dev.tideline.sdk.sink.FileSink} for local development and the validator's file source.
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.sdk.sink;
