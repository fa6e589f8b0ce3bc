/**
 * Avro events for a Tracker: {@link dev.tideline.sdk.avro.AvroEncoder}.
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.sdk.avro;
