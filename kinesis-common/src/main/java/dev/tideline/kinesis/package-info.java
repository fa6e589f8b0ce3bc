/**
 * What Tideline's Kinesis sink and its validator share over the AWS SDK for Java v2: {@link
 * dev.tideline.kinesis.ShardListing}.
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.kinesis;
