package dev.tideline.schema.tools;

/** Schemas that cannot be read: a file that does not parse, a git ref that does not exist. */
public final class SchemaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message that says what and where. */
  public SchemaException(String message) {
    super(message);
  }

  /** An exception with a message that says what and where, and its cause. */
  public SchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
