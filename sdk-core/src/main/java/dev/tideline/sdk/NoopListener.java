package dev.tideline.sdk;

/** {@link TrackerListener#noop()}. */
enum NoopListener implements TrackerListener {
  INSTANCE
}
