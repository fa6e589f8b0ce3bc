package dev.tideline.schema.tools;

import java.util.Objects;

/**
 * One breaking change: a stable rule id (for example {@code
 * "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"} or {@code "READER_FIELD_MISSING_DEFAULT_VALUE"}), the
 * schema it is in, a path inside it, a message for people, and the earlier version it breaks.
 * Immutable.
 */
public final class Violation {
  private final String ruleId;
  private final String schema;
  private final String path;
  private final String message;
  private final String against;

  /** A violation; every argument is required. */
  public Violation(String ruleId, String schema, String path, String message, String against) {
    this.ruleId = Objects.requireNonNull(ruleId, "ruleId");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.path = Objects.requireNonNull(path, "path");
    this.message = Objects.requireNonNull(message, "message");
    this.against = Objects.requireNonNull(against, "against");
  }

  /** The rule's stable id: documented, safe to match on. */
  public String ruleId() {
    return ruleId;
  }

  /** The schema: a protobuf full name, an Avro full name, or a file path for file rules. */
  public String schema() {
    return schema;
  }

  /** Where in the schema: for example "Payment.amount_minor" or "/fields/1/type". */
  public String path() {
    return path;
  }

  /** What changed and why it breaks readers. */
  public String message() {
    return message;
  }

  /** The label of the earlier version this change breaks. */
  public String against() {
    return against;
  }

  boolean sameFinding(Violation other) {
    return ruleId.equals(other.ruleId)
        && schema.equals(other.schema)
        && path.equals(other.path)
        && message.equals(other.message);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Violation)) {
      return false;
    }
    Violation other = (Violation) o;
    return sameFinding(other) && against.equals(other.against);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ruleId, schema, path, message, against);
  }

  @Override
  public String toString() {
    return ruleId + " " + schema + " " + path + ": " + message + " (against " + against + ")";
  }
}
