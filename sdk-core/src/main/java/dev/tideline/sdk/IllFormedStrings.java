package dev.tideline.sdk;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Notices strings with a lone UTF-16 surrogate while the tracker serializes an event, and keeps
 * protobuf's per-event warning about them out of the log
 * (docs/decisions/0105-ill-formed-strings.md).
 *
 * <p>Protobuf's {@code CodedOutputStream} writes such a string with {@code ?} in place of the
 * surrogate and logs a WARNING with a stack trace each time, on the serializing thread. A {@link
 * Filter} on that logger drops the warning, and marks the serialization, only while the current
 * thread is inside {@link #enter()}/{@link #exit}: other threads' protobuf logging, and the
 * logger's other records, reach the filter that was installed before (chained) and the handlers as
 * before. When the app has raised that logger's level above WARNING, protobuf logs nothing and so
 * nothing is noticed.
 *
 * <p>Thread-safe: the mark is per thread.
 */
final class IllFormedStrings {
  /** The logger protobuf's {@code CodedOutputStream} warns on. */
  static final String PROTOBUF_LOGGER = "com.google.protobuf.CodedOutputStream";

  /** How protobuf's warning starts ("Converting ill-formed UTF-16. Your Protocol Buffer..."). */
  static final String PROTOBUF_WARNING = "Converting ill-formed UTF-16";

  /** Whether the current thread is serializing an event, and whether a string was rewritten. */
  static final class Mark {
    boolean serializing;
    boolean rewritten;
  }

  private static final ThreadLocal<Mark> MARK =
      new ThreadLocal<Mark>() {
        @Override
        protected Mark initialValue() {
          return new Mark();
        }
      };

  // Held, because java.util.logging keeps loggers only weakly: the filter must outlive GCs.
  private static @Nullable Logger protobufLogger; // guarded by IllFormedStrings.class

  private IllFormedStrings() {}

  /**
   * Installs the filter on protobuf's logger, chaining any filter already there; does nothing when
   * it is already installed. Returns a reason when it cannot (a security manager forbids it), else
   * null.
   */
  static synchronized @Nullable String install() {
    try {
      if (protobufLogger == null) {
        protobufLogger = Logger.getLogger(PROTOBUF_LOGGER);
      }
      Filter current = protobufLogger.getFilter();
      if (!(current instanceof SerializationFilter)) {
        protobufLogger.setFilter(new SerializationFilter(current));
      }
      return null;
    } catch (SecurityException e) {
      return "cannot filter the " + PROTOBUF_LOGGER + " logger: " + e;
    }
  }

  /** Marks the start of an event's serialization on this thread. */
  static Mark enter() {
    Mark mark = MARK.get();
    mark.serializing = true;
    mark.rewritten = false;
    return mark;
  }

  /** Ends the serialization; true when protobuf rewrote a string of it. */
  static boolean exit(Mark mark) {
    mark.serializing = false;
    return mark.rewritten;
  }

  /** Drops protobuf's ill-formed UTF-16 warning while this thread serializes an event. */
  static final class SerializationFilter implements Filter {
    private final Filter previous;

    SerializationFilter(Filter previous) {
      this.previous = previous;
    }

    @Override
    public boolean isLoggable(LogRecord record) {
      Mark mark = MARK.get();
      if (mark.serializing
          && record.getMessage() != null
          && record.getMessage().startsWith(PROTOBUF_WARNING)) {
        mark.rewritten = true;
        return false;
      }
      return previous == null || previous.isLoggable(record);
    }
  }
}
