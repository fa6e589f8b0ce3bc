/**
 * Tideline's producer: {@link dev.tideline.sdk.Tracker} logs schema-typed events to Amazon Kinesis
 * Data Streams, bounded, aggregated in the KPL format, batched and retried, and never blocks or
 * throws into the app. Configure it with {@link dev.tideline.sdk.TrackerBuilder}; observe it with
 * {@link dev.tideline.sdk.TrackerListener} and {@link dev.tideline.sdk.TrackerMetrics}. Records
 * leave through the {@link dev.tideline.sdk.sink.RecordSink} SPI.
 *
 * <p>Runs on Android (API 24+) and the JVM: Java 8 bytecode, no {@code java.time} in the API (time
 * is {@code long} + {@code TimeUnit}), and only the protobuf lite API.
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.sdk;
