package dev.tideline.schema.tools;

import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.EventMeta;
import dev.tideline.proto.v1.FieldSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What changed between two versions of the event catalog, for people: events added and removed, and
 * per changed event its fields added, removed and changed (number, type, cardinality, rules, PII
 * class, deprecation) and its metadata. Rules and metadata are not part of schema ids, so an event
 * can change here with its id unchanged. Every breaking change that {@link CompatibilityChecker}
 * finds is listed too, in any message (events or the messages they use), and the event changes it
 * concerns are marked breaking. Immutable.
 */
public final class SchemaDiff {
  private final String before;
  private final String after;
  private final List<CatalogEntry> added;
  private final List<CatalogEntry> removed;
  private final Map<String, List<String>> changed;
  private final Set<String> breakingEvents;
  private final int unchanged;
  private final CompatibilityResult breaking;

  private SchemaDiff(
      String before,
      String after,
      List<CatalogEntry> added,
      List<CatalogEntry> removed,
      Map<String, List<String>> changed,
      Set<String> breakingEvents,
      int unchanged,
      CompatibilityResult breaking) {
    this.before = before;
    this.after = after;
    this.added = Collections.unmodifiableList(added);
    this.removed = Collections.unmodifiableList(removed);
    this.changed = Collections.unmodifiableMap(changed);
    this.breakingEvents = Collections.unmodifiableSet(breakingEvents);
    this.unchanged = unchanged;
    this.breaking = breaking;
  }

  /**
   * The changes from one schema set to another (their latest versions of each event), with the
   * breaking ones under the default mode, {@link CompatibilityMode#DEFAULT}.
   */
  public static SchemaDiff between(SchemaSet before, SchemaSet after) {
    return between(before, after, CompatibilityMode.DEFAULT);
  }

  /**
   * The changes from one schema set to another (their latest versions of each event), with the
   * breaking ones under {@code mode}, as {@code tideline-schema check} finds them.
   */
  public static SchemaDiff between(SchemaSet before, SchemaSet after, CompatibilityMode mode) {
    return between(
        before.label(),
        EventCatalog.of(before, null).latest(),
        after.label(),
        EventCatalog.of(after, null).latest(),
        CompatibilityChecker.check(before, after, mode));
  }

  static SchemaDiff between(
      String beforeLabel, List<CatalogEntry> was, String afterLabel, List<CatalogEntry> now) {
    return between(
        beforeLabel,
        was,
        afterLabel,
        now,
        new CompatibilityResult(CompatibilityMode.NONE, afterLabel, List.of(), List.of()));
  }

  private static SchemaDiff between(
      String beforeLabel,
      List<CatalogEntry> was,
      String afterLabel,
      List<CatalogEntry> now,
      CompatibilityResult breaking) {
    Map<String, CatalogEntry> wasByType = byType(was);
    Map<String, CatalogEntry> nowByType = byType(now);
    List<CatalogEntry> added = new ArrayList<>();
    List<CatalogEntry> removed = new ArrayList<>();
    Map<String, List<String>> changed = new LinkedHashMap<>();
    Set<String> breakingEvents = new HashSet<>();
    int unchanged = 0;
    for (CatalogEntry entry : now) {
      if (!wasByType.containsKey(entry.getEventType())) {
        added.add(entry);
      }
    }
    for (CatalogEntry entry : was) {
      CatalogEntry current = nowByType.get(entry.getEventType());
      if (current == null) {
        removed.add(entry);
        continue;
      }
      Set<String> breakingFields = breakingFields(breaking, entry);
      List<String> changes = changes(entry, current, breakingFields);
      if (changes.isEmpty()) {
        unchanged++;
      } else {
        changed.put(entry.getEventType(), changes);
        if (!breakingFields.isEmpty()
            || breaking.violations().stream()
                .anyMatch(v -> v.schema().equals(entry.getEventType()))) {
          breakingEvents.add(entry.getEventType());
        }
      }
    }
    return new SchemaDiff(
        beforeLabel, afterLabel, added, removed, changed, breakingEvents, unchanged, breaking);
  }

  /**
   * The field paths of an event that a breaking change names. The checkers name a field by the
   * message that declares it (full name, or Avro's record name) and its own name; the event's field
   * paths run through nested messages ({@code item.count}), whose type the parent field has.
   */
  private static Set<String> breakingFields(CompatibilityResult breaking, CatalogEntry event) {
    Map<String, FieldSpec> byPath = new HashMap<>();
    for (FieldSpec field : event.getFieldsList()) {
      byPath.put(field.getPath(), field);
    }
    Set<String> out = new HashSet<>();
    for (FieldSpec field : event.getFieldsList()) {
      String path = field.getPath();
      int dot = path.lastIndexOf('.');
      // A nested field's parent is "item" or, in a list, "items[]"; its type "message
      // shop.v1.Item".
      FieldSpec parent = dot < 0 ? null : byPath.get(path.substring(0, dot).replace("[]", ""));
      String owner =
          parent == null
              ? event.getEventType()
              : parent.getType().substring(parent.getType().lastIndexOf(' ') + 1);
      String simpleOwner = owner.substring(owner.lastIndexOf('.') + 1);
      String name = path.substring(dot + 1);
      for (Violation violation : breaking.violations()) {
        if ((violation.schema().equals(owner) || violation.schema().endsWith("." + owner))
            && (violation.path().equals(violation.schema() + "." + name)
                || violation.path().equals(simpleOwner + "." + name))) {
          out.add(path);
        }
      }
    }
    return out;
  }

  private static String marked(String change, boolean breaking) {
    return breaking ? BREAKING + " " + change : change;
  }

  /** How a breaking change is marked in the changelog. */
  static final String BREAKING = "**breaking**";

  private static Map<String, CatalogEntry> byType(List<CatalogEntry> entries) {
    Map<String, CatalogEntry> out = new TreeMap<>();
    for (CatalogEntry entry : entries) {
      out.put(entry.getEventType(), entry);
    }
    return out;
  }

  private static List<String> changes(
      CatalogEntry was, CatalogEntry now, Set<String> breakingFields) {
    List<String> out = new ArrayList<>();
    if (was.getSchemaId() != now.getSchemaId()) {
      out.add(
          "schema id "
              + EventCatalog.hex(was.getSchemaId())
              + " → "
              + EventCatalog.hex(now.getSchemaId()));
    }
    meta(out, was.getMeta(), now.getMeta());
    Map<String, FieldSpec> fieldsBefore = new LinkedHashMap<>();
    for (FieldSpec field : was.getFieldsList()) {
      fieldsBefore.put(field.getPath(), field);
    }
    Map<String, FieldSpec> fieldsAfter = new LinkedHashMap<>();
    for (FieldSpec field : now.getFieldsList()) {
      fieldsAfter.put(field.getPath(), field);
    }
    for (FieldSpec field : now.getFieldsList()) {
      if (!fieldsBefore.containsKey(field.getPath())) {
        out.add(
            "added field `"
                + field.getPath()
                + "` ("
                + field.getNumber()
                + ", "
                + type(field)
                + ")");
      }
    }
    for (FieldSpec field : was.getFieldsList()) {
      FieldSpec current = fieldsAfter.get(field.getPath());
      if (current == null) {
        out.add(
            marked(
                "removed field `"
                    + field.getPath()
                    + "` ("
                    + field.getNumber()
                    + ", "
                    + type(field)
                    + ")",
                breakingFields.contains(field.getPath())));
        continue;
      }
      List<String> fieldChanges = new ArrayList<>();
      change(fieldChanges, "number", field.getNumber(), current.getNumber());
      change(fieldChanges, "type", type(field), type(current));
      change(
          fieldChanges, "rules", RulesText.of(field.getRules()), RulesText.of(current.getRules()));
      change(fieldChanges, "PII", RulesText.pii(field.getMeta()), RulesText.pii(current.getMeta()));
      change(
          fieldChanges,
          "deprecated",
          field.getMeta().getDeprecated(),
          current.getMeta().getDeprecated());
      if (!fieldChanges.isEmpty()) {
        out.add(
            marked(
                "changed field `" + field.getPath() + "`: " + String.join("; ", fieldChanges),
                breakingFields.contains(field.getPath())));
      }
    }
    return out;
  }

  private static void meta(List<String> out, EventMeta was, EventMeta now) {
    List<String> changes = new ArrayList<>();
    change(changes, "owner", was.getOwner(), now.getOwner());
    change(changes, "description", was.getDescription(), now.getDescription());
    change(changes, "deprecated", was.getDeprecated(), now.getDeprecated());
    change(changes, "refuses card numbers", was.getNoCardNumbers(), now.getNoCardNumbers());
    for (String change : changes) {
      out.add("changed " + change);
    }
  }

  private static void change(List<String> out, String what, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      out.add(what + " " + shown(before) + " → " + shown(after));
    }
  }

  private static String shown(Object value) {
    String text = String.valueOf(value);
    return value instanceof String ? (text.isEmpty() ? "(none)" : "\"" + text + "\"") : text;
  }

  private static String type(FieldSpec field) {
    return field.getRepeated() ? "repeated " + field.getType() : field.getType();
  }

  /** Events in the new version only. */
  public List<CatalogEntry> added() {
    return added;
  }

  /** Events in the old version only. */
  public List<CatalogEntry> removed() {
    return removed;
  }

  /** Per changed event type, its changes as sentences. */
  public Map<String, List<String>> changed() {
    return changed;
  }

  /**
   * The breaking changes, in events and in the messages they use, under the mode given (none for a
   * diff made without one).
   */
  public CompatibilityResult breaking() {
    return breaking;
  }

  /** True if no event changed and nothing changed that breaks readers. */
  public boolean isEmpty() {
    return added.isEmpty()
        && removed.isEmpty()
        && changed.isEmpty()
        && breaking.violations().isEmpty();
  }

  /** The changelog in Markdown. */
  public String toMarkdown() {
    StringBuilder out = new StringBuilder();
    out.append("# Schema changes from ").append(before).append(" to ").append(after).append("\n\n");
    if (isEmpty()) {
      out.append("No event changed (").append(unchanged).append(" unchanged)");
      if (breaking.mode() != CompatibilityMode.NONE) {
        out.append(", and no breaking change (mode ").append(breaking.mode()).append(")");
      }
      out.append(".\n");
      return out.toString();
    }
    out.append(added.size())
        .append(" added, ")
        .append(removed.size())
        .append(" removed, ")
        .append(changed.size())
        .append(" changed, ")
        .append(unchanged)
        .append(" unchanged.\n");
    int breakingCount = breaking.violations().size();
    if (breakingCount > 0) {
      out.append(breakingCount)
          .append(breakingCount == 1 ? " breaking change" : " breaking changes")
          .append(" (mode ")
          .append(breaking.mode())
          .append("), marked ")
          .append(BREAKING)
          .append(" and listed under Breaking changes.\n");
    }
    if (!added.isEmpty()) {
      out.append("\n## Added events\n\n");
      for (CatalogEntry entry : added) {
        out.append("- `")
            .append(entry.getEventType())
            .append("` (")
            .append(entry.getFormat().name().toLowerCase(java.util.Locale.ROOT))
            .append(", id ")
            .append(EventCatalog.hex(entry.getSchemaId()))
            .append(", ")
            .append(entry.getFieldsCount())
            .append(" fields)\n");
      }
    }
    if (!removed.isEmpty()) {
      out.append("\n## Removed events\n\n");
      for (CatalogEntry entry : removed) {
        out.append("- `")
            .append(entry.getEventType())
            .append("` (id ")
            .append(EventCatalog.hex(entry.getSchemaId()))
            .append(")\n");
      }
    }
    if (!changed.isEmpty()) {
      out.append("\n## Changed events\n");
      for (Map.Entry<String, List<String>> entry : changed.entrySet()) {
        out.append("\n### `").append(entry.getKey()).append('`');
        if (breakingEvents.contains(entry.getKey())) {
          out.append(' ').append(BREAKING);
        }
        out.append("\n\n");
        for (String change : entry.getValue()) {
          out.append("- ").append(change).append('\n');
        }
      }
    }
    if (breakingCount > 0) {
      out.append("\n## Breaking changes\n\n");
      for (Violation violation : breaking.violations()) {
        out.append("- ")
            .append(BREAKING)
            .append(" `")
            .append(violation.path())
            .append("` (")
            .append(violation.schema())
            .append("): ")
            .append(violation.message())
            .append(" [")
            .append(violation.ruleId())
            .append("]\n");
      }
    }
    return out.toString();
  }
}
