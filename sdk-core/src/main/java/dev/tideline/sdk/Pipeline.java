package dev.tideline.sdk;

import dev.tideline.proto.v1.Context;

/** The tracker's machinery (work in progress: the public surface is settled first). */
final class Pipeline {
  private final TrackerBuilder config;

  Pipeline(TrackerBuilder config, Tracker tracker) {
    this.config = config;
  }

  void start() {}

  LogOutcome log(Object event) {
    java.util.Objects.requireNonNull(event, "event");
    return LogOutcome.CLOSED;
  }

  Completion<Void> flush() {
    return Completion.succeeded(null);
  }

  Completion<Void> close(long timeoutNanos) {
    return Completion.succeeded(null);
  }

  TrackerMetrics metrics() {
    throw new UnsupportedOperationException("not yet");
  }

  void setContext(Context context) {}

  Context context() {
    return config.context;
  }

  byte[] producerId() {
    return new byte[16];
  }

  String streamName() {
    return config.streamName;
  }
}
