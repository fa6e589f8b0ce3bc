/**
 * Micrometer meters for a {@link dev.tideline.sdk.Tracker}: {@link
 * dev.tideline.sdk.micrometer.TrackerMeterBinder}. Micrometer is an optional dependency of
 * tideline-sdk-core: only applications that use this package need it on their classpath.
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.sdk.micrometer;
