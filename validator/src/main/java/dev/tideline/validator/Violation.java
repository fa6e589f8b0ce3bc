package dev.tideline.validator;

import dev.tideline.proto.v1.PiiClass;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One problem found in a record or an event: its kind, a stable code (the rule id for rule
 * violations, the broken envelope check otherwise), the field path, what was expected and what was
 * found.
 *
 * <p>Immutable and thread-safe.
 */
public final class Violation implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ViolationKind kind;
  private final String code;
  private final @Nullable String path;
  private final @Nullable String expected;
  private final @Nullable String actual;
  private final boolean sensitive;
  private final String message;

  private Violation(
      ViolationKind kind,
      String code,
      @Nullable String path,
      @Nullable String expected,
      @Nullable String actual,
      boolean sensitive,
      String message) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.code = Objects.requireNonNull(code, "code");
    this.path = path;
    this.expected = expected;
    this.actual = actual;
    this.sensitive = sensitive;
    this.message = Objects.requireNonNull(message, "message");
  }

  /** A violation as {@link TallyEntry#readFrom} reads it back. */
  static Violation restore(
      ViolationKind kind,
      String code,
      @Nullable String path,
      @Nullable String expected,
      @Nullable String actual,
      boolean sensitive,
      String message) {
    return new Violation(kind, code, path, expected, actual, sensitive, message);
  }

  static Violation of(ViolationKind kind, String code, @Nullable String path, String message) {
    return new Violation(kind, code, path, null, null, false, message);
  }

  static Violation rule(
      String rule, String path, String expected, @Nullable String actual, boolean sensitive) {
    String message =
        path
            + ": rule "
            + rule
            + " expects "
            + expected
            + (actual == null ? "" : ", was " + (sensitive ? Masking.MASK : actual));
    return new Violation(
        ViolationKind.RULE_VIOLATION, rule, path, expected, actual, sensitive, message);
  }

  /**
   * A personal value in clear text where only its hash or nothing may arrive. The code is the class
   * in lower case ({@code pii_contact}); the value is not kept, not even for {@code --show-pii}.
   */
  static Violation piiInClear(String path, PiiClass piiClass, boolean string) {
    String expected =
        string ? "absent, empty or hashed (hmac-sha256: and 64 hex digits)" : "absent (dropped)";
    return new Violation(
        ViolationKind.PII_IN_CLEAR,
        piiClass.name().toLowerCase(Locale.ROOT),
        path,
        expected,
        null,
        true,
        path + ": " + piiClass.name() + " value arrived in clear text; expected " + expected);
  }

  /** The kind of problem. */
  public ViolationKind kind() {
    return kind;
  }

  /**
   * A stable code within the kind: the rule id ({@code required}, {@code min}, {@code max}, {@code
   * pattern}, {@code in}, {@code min_len}, {@code max_len}, {@code min_items}, {@code max_items},
   * {@code no_card_numbers}) for rule violations; the PII class in lower case ({@code pii_contact})
   * for {@link ViolationKind#PII_IN_CLEAR}; the failed check otherwise (for example {@code
   * event_id}, {@code event_time_in_future}, {@code bad_checksum}).
   */
  public String code() {
    return code;
  }

  /**
   * The field path ({@code items[2].sku}; envelope fields as {@code envelope.event_id}), or null.
   */
  public @Nullable String path() {
    return path;
  }

  /** What the rule expects, readable ({@code >= 0}, {@code ^[A-Z]{3}$}), or null. */
  public @Nullable String expected() {
    return expected;
  }

  /**
   * The value found, readable, or null. May hold personal data when {@link #sensitive()}: reports
   * and quarantine mask it unless asked not to.
   */
  public @Nullable String actual() {
    return actual;
  }

  /** Whether {@link #actual()} comes from a field tagged as personal data, or is a card number. */
  public boolean sensitive() {
    return sensitive;
  }

  /** A readable message that never shows a sensitive value. */
  public String message() {
    return message;
  }

  @Override
  public String toString() {
    return kind.id() + "/" + code + ": " + message;
  }
}
