package dev.tideline.schema.tools;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The compatibility engine: checks a new version of a schema set against earlier versions in a
 * {@link CompatibilityMode}, for protobuf and Avro schemas alike.
 *
 * <p>Protobuf rules follow buf's WIRE_JSON category and use buf's rule ids
 * (FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED, FIELD_SAME_NAME, FIELD_WIRE_JSON_COMPATIBLE_TYPE, ...),
 * plus MESSAGE_NO_DELETE and ENUM_NO_DELETE. Unlike Confluent's checker, a field deleted without
 * reserving its number and name, and an enum value removed, are refused. Avro rules are Avro's own
 * {@code SchemaCompatibility} (its incompatibility type names are the rule ids) plus
 * FIELD_RENAMED_WITHOUT_ALIAS, SCHEMA_RENAMED_WITHOUT_ALIAS, ENUM_SYMBOL_REMOVED and
 * SCHEMA_NO_DELETE.
 *
 * <p>Stateless and thread-safe.
 */
public final class CompatibilityChecker {
  private CompatibilityChecker() {}

  /**
   * Checks {@code current} against the earlier versions (oldest first): the latest one, or all of
   * them for a transitive mode. A finding that several versions share is reported once, against the
   * newest of them.
   */
  public static CompatibilityResult check(
      List<SchemaSet> earlier, SchemaSet current, CompatibilityMode mode) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(mode, "mode");
    if (earlier.isEmpty() || mode == CompatibilityMode.NONE) {
      return new CompatibilityResult(mode, current.label(), List.of(), List.of());
    }
    return checkEach(
        mode.transitive() ? earlier : List.of(earlier.get(earlier.size() - 1)), current, mode);
  }

  /**
   * Checks {@code current} against every one of the given versions (oldest first), whatever the
   * mode's transitivity: for callers that choose the versions themselves, such as the latest
   * released version of each event type. The mode's directions apply.
   */
  public static CompatibilityResult checkEach(
      List<SchemaSet> versions, SchemaSet current, CompatibilityMode mode) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(mode, "mode");
    if (versions.isEmpty() || mode == CompatibilityMode.NONE) {
      return new CompatibilityResult(mode, current.label(), List.of(), List.of());
    }
    List<SchemaSet> newestFirst = new ArrayList<>(versions);
    Collections.reverse(newestFirst);
    List<Violation> found = new ArrayList<>();
    for (SchemaSet version : newestFirst) {
      List<Violation> here = new ArrayList<>();
      here.addAll(ProtoRules.check(version, current, mode.backward(), mode.forward()));
      here.addAll(AvroRules.check(version, current, mode.backward(), mode.forward()));
      for (Violation violation : here) {
        if (found.stream().noneMatch(violation::sameFinding)) {
          found.add(violation);
        }
      }
    }
    return new CompatibilityResult(mode, current.label(), labels(versions), found);
  }

  /** Checks {@code current} against one earlier version. */
  public static CompatibilityResult check(
      SchemaSet earlier, SchemaSet current, CompatibilityMode mode) {
    return check(List.of(earlier), current, mode);
  }

  private static List<String> labels(List<SchemaSet> sets) {
    List<String> out = new ArrayList<>();
    for (SchemaSet set : sets) {
      out.add(set.label());
    }
    return out;
  }
}
