package dev.tideline.validator;

import java.io.Serializable;
import java.time.Instant;

/**
 * A row of the report's volume tables: an hour (since the epoch, UTC) × event type × platform × app
 * version; the completeness table leaves platform and app version empty. Sorted by hour, then the
 * strings.
 */
final class RowKey implements Comparable<RowKey>, Serializable {
  private static final long serialVersionUID = 1L;

  final long hour;
  final String eventType;
  final String platform;
  final String appVersion;
  private final int hash;

  RowKey(long hour, String eventType, String platform, String appVersion) {
    this.hour = hour;
    this.eventType = eventType;
    this.platform = platform;
    this.appVersion = appVersion;
    this.hash =
        ((Long.hashCode(hour) * 31 + eventType.hashCode()) * 31 + platform.hashCode()) * 31
            + appVersion.hashCode();
  }

  /**
   * Whether this key has exactly these values, the strings compared by identity: events of one
   * record mostly share them (the same strings), so a match spares a map lookup; a miss only costs
   * one.
   */
  @SuppressWarnings("ReferenceEquality") // the same string objects: a cheap hit; a miss looks up
  boolean isSame(long hour, String eventType, String platform, String appVersion) {
    return this.hour == hour
        && this.eventType == eventType
        && this.platform == platform
        && this.appVersion == appVersion;
  }

  /** The instant the hour starts, as the report writes it. */
  String hourText() {
    return Instant.ofEpochSecond(hour * 3600L).toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RowKey)) {
      return false;
    }
    RowKey other = (RowKey) o;
    return hour == other.hour
        && hash == other.hash
        && eventType.equals(other.eventType)
        && platform.equals(other.platform)
        && appVersion.equals(other.appVersion);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(RowKey o) {
    int c = Long.compare(hour, o.hour);
    if (c == 0) {
      c = eventType.compareTo(o.eventType);
    }
    if (c == 0) {
      c = platform.compareTo(o.platform);
    }
    return c != 0 ? c : appVersion.compareTo(o.appVersion);
  }
}
