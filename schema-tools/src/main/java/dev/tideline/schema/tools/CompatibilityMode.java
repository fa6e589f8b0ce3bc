package dev.tideline.schema.tools;

/**
 * Which readers a new version of the schemas must not break, and against which earlier versions.
 *
 * <p>BACKWARD: consumers using the new schemas read data written with the earlier ones (the data of
 * apps in the field). FORWARD: consumers still on the earlier schemas read data written with the
 * new ones. FULL: both. A {@code _TRANSITIVE} mode checks against every earlier version, the others
 * against the latest only. NONE checks nothing.
 */
public enum CompatibilityMode {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  /** The default: old apps send old versions for years, so every one of them must stay readable. */
  public static final CompatibilityMode DEFAULT = BACKWARD_TRANSITIVE;

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityMode(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** Whether new readers must read data written with earlier schemas. */
  public boolean backward() {
    return backward;
  }

  /** Whether earlier readers must read data written with the new schemas. */
  public boolean forward() {
    return forward;
  }

  /** Whether every earlier version is checked, not only the latest. */
  public boolean transitive() {
    return transitive;
  }
}
