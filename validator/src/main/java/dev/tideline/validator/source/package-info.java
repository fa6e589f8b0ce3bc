/**
 * Where records come from: every shard of a Kinesis stream ({@link
 * dev.tideline.validator.source.KinesisStreamReader}) or files written by the SDK's file sink
 * ({@link dev.tideline.validator.source.RecordFileSource}).
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.validator.source;
