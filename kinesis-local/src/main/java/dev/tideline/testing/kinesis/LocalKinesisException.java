package dev.tideline.testing.kinesis;

/** The local Kinesis server could not be installed, started or used; the message says why. */
public final class LocalKinesisException extends Exception {
  private static final long serialVersionUID = 1L;

  LocalKinesisException(String message) {
    super(message);
  }

  LocalKinesisException(String message, Throwable cause) {
    super(message, cause);
  }
}
