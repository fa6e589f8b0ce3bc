package dev.tideline.schema.tools;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The outcome of a compatibility check: the mode, the versions compared, the violations. */
public final class CompatibilityResult {
  private final CompatibilityMode mode;
  private final String current;
  private final List<String> against;
  private final List<Violation> violations;

  CompatibilityResult(
      CompatibilityMode mode, String current, List<String> against, List<Violation> violations) {
    this.mode = mode;
    this.current = current;
    this.against = Collections.unmodifiableList(new ArrayList<>(against));
    this.violations = Collections.unmodifiableList(new ArrayList<>(violations));
  }

  /** The mode checked. */
  public CompatibilityMode mode() {
    return mode;
  }

  /** The label of the version checked. */
  public String current() {
    return current;
  }

  /** The labels of the earlier versions it was checked against, oldest first. */
  public List<String> against() {
    return against;
  }

  /** Every breaking change found, in schema order; empty if compatible. */
  public List<Violation> violations() {
    return violations;
  }

  /** True if no breaking change was found. */
  public boolean compatible() {
    return violations.isEmpty();
  }

  /** The distinct rule ids of the violations, sorted. */
  public Set<String> ruleIds() {
    Set<String> ids = new TreeSet<>();
    for (Violation violation : violations) {
      ids.add(violation.ruleId());
    }
    return ids;
  }
}
