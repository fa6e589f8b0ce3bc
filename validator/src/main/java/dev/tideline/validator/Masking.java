package dev.tideline.validator;

/**
 * What replaces a personal value in reports and quarantine files ({@code ***}, as
 * docs/formats/validation-report.md says). Package-private: the string is part of the report
 * format, not of the API.
 */
final class Masking {
  /** What replaces a personal value. */
  static final String MASK = "***";

  private Masking() {}
}
