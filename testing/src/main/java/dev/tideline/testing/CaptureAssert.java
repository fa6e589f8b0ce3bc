package dev.tideline.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.TextFormat;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.validator.ValidatedEvent;
import dev.tideline.validator.Violation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on captured events. Every failure message lists what did arrive: each event's type,
 * id, verdict and fields (personal data masked as the validator masks it).
 *
 * <p>The events are read once, when the assertion is created; create a new one after logging more.
 */
public final class CaptureAssert extends AbstractAssert<CaptureAssert, EventCapture> {
  /** Events listed in a failure message at most; the rest are counted. */
  static final int MAX_LISTED = 50;

  private final List<ValidatedEvent> events;

  CaptureAssert(EventCapture capture) {
    super(capture, CaptureAssert.class);
    isNotNull();
    this.events = capture.events();
  }

  /** Every captured record and event decoded and obeyed its schema. */
  public CaptureAssert hasNoViolations() {
    List<String> problems = new ArrayList<>();
    for (ValidatedEvent event : events) {
      for (Violation violation : event.violations()) {
        problems.add(label(event) + ": " + violation.message());
      }
    }
    if (!problems.isEmpty()) {
      failWithMessage(
          "Expected no violations, but found %d:%n  %s%n%s",
          problems.size(), String.join(System.lineSeparator() + "  ", problems), arrived());
    }
    return this;
  }

  /** Exactly {@code count} events of this generated class's schema arrived, valid or not. */
  public CaptureAssert hasSentExactly(int count, Class<?> eventClass) {
    return hasSentExactly(count, eventType(eventClass));
  }

  /** Exactly {@code count} events of this event type arrived, valid or not. */
  public CaptureAssert hasSentExactly(int count, String eventType) {
    long actual = events.stream().filter(e -> eventType.equals(e.eventType())).count();
    if (actual != count) {
      failWithMessage(
          "Expected exactly %d %s, but %d arrived.%n%s", count, eventType, actual, arrived());
    }
    return this;
  }

  /** No event at all arrived. */
  public CaptureAssert hasSentNothing() {
    if (!events.isEmpty()) {
      failWithMessage("Expected no events.%n%s", arrived());
    }
    return this;
  }

  /** At least one valid event of this generated protobuf class arrived and matches. */
  public <T extends MessageLite> CaptureAssert hasSent(
      Class<T> eventClass, Predicate<? super T> condition) {
    return hasSent(eventClass, condition, "matching the condition");
  }

  /**
   * At least one valid event of this generated protobuf class arrived and matches; the description
   * names the condition in the failure message ("a successful login").
   */
  public <T extends MessageLite> CaptureAssert hasSent(
      Class<T> eventClass, Predicate<? super T> condition, String description) {
    String type = eventType(eventClass);
    for (ValidatedEvent event : events) {
      if (event.isValid() && type.equals(event.eventType())) {
        Envelope envelope = event.envelope(); // a valid event's envelope parses
        if (envelope != null && condition.test(parse(eventClass, envelope.getPayload()))) {
          return this;
        }
      }
    }
    failWithMessage("Expected a valid %s %s, but none arrived.%n%s", type, description, arrived());
    return this;
  }

  private String eventType(Class<?> eventClass) {
    CatalogEntry entry = actual.registry().forClass(eventClass);
    if (entry == null) {
      failWithMessage(
          "%s is not in any schema catalog on the classpath (is its module's catalog step"
              + " configured? see docs/schemas.md)",
          eventClass.getName());
    }
    return entry.getEventType();
  }

  private static <T> T parse(Class<T> eventClass, ByteString payload) {
    try {
      Method parseFrom = eventClass.getMethod("parseFrom", ByteString.class);
      return eventClass.cast(parseFrom.invoke(null, payload));
    } catch (InvocationTargetException e) {
      throw new AssertionError(
          "payload does not parse as " + eventClass.getName() + ": " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(
          eventClass.getName() + " is not a generated protobuf message class", e);
    }
  }

  /** The failure-message listing of what arrived. */
  private String arrived() {
    if (events.isEmpty()) {
      return "Nothing arrived.";
    }
    Map<String, Integer> counts = new TreeMap<>();
    for (ValidatedEvent event : events) {
      counts.merge(String.valueOf(event.eventType()), 1, Integer::sum);
    }
    StringBuilder out = new StringBuilder();
    out.append("What arrived (").append(events.size()).append(" events: ");
    counts.forEach((type, n) -> out.append(n).append(" × ").append(type).append(", "));
    out.setLength(out.length() - 2);
    out.append("):");
    for (int i = 0; i < Math.min(MAX_LISTED, events.size()); i++) {
      ValidatedEvent event = events.get(i);
      out.append(System.lineSeparator()).append("  ").append(label(event));
      out.append(event.isValid() ? " valid" : " INVALID (" + event.reason() + ")");
      Object payload = event.payload();
      if (payload != null) {
        String fields =
            payload instanceof com.google.protobuf.Message
                ? TextFormat.printer()
                    .emittingSingleLine(true)
                    .printToString((com.google.protobuf.Message) payload)
                : payload.toString();
        out.append(" {").append(fields.trim()).append('}');
      }
    }
    if (events.size() > MAX_LISTED) {
      out.append(System.lineSeparator())
          .append("  ... and ")
          .append(events.size() - MAX_LISTED)
          .append(" more");
    }
    return out.toString();
  }

  private static String label(ValidatedEvent event) {
    return event.eventType() + " " + event.eventIdString();
  }
}
