package dev.tideline.validator;

/** How personal data is hidden in reports and quarantine files. */
public final class Masking {
  /** What replaces a personal value. */
  public static final String MASK = "***";

  private Masking() {}
}
