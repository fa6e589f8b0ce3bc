package dev.tideline.sdk;

/** {@link Clock#system()}: millisecond wall clock (Android has no finer one before API 26). */
enum SystemClock implements Clock {
  INSTANCE;

  @Override
  public long currentTimeMicros() {
    return System.currentTimeMillis() * 1000L;
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}
