/**
 * Tideline for Android apps: {@link dev.tideline.android.Tideline#init} with a {@link
 * dev.tideline.android.TidelineConfig}, then {@code log()} generated event messages. The spool in
 * the app's no-backup folder, the device and session context, the standard lifecycle events and the
 * flushing triggers are automatic; the Kinesis transport for apps is in {@code
 * dev.tideline.android.aws}.
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.android;
