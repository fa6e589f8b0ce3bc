package dev.tideline.schema.tools;

import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.EventMeta;
import dev.tideline.proto.v1.FieldSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What changed between two versions of the event catalog, for people: events added and removed, and
 * per changed event its fields added, removed and changed (number, type, cardinality, rules, PII
 * class, deprecation) and its metadata. Rules and metadata are not part of schema ids, so an event
 * can change here with its id unchanged. Immutable.
 */
public final class SchemaDiff {
  private final String before;
  private final String after;
  private final List<CatalogEntry> added;
  private final List<CatalogEntry> removed;
  private final Map<String, List<String>> changed;
  private final int unchanged;

  private SchemaDiff(
      String before,
      String after,
      List<CatalogEntry> added,
      List<CatalogEntry> removed,
      Map<String, List<String>> changed,
      int unchanged) {
    this.before = before;
    this.after = after;
    this.added = Collections.unmodifiableList(added);
    this.removed = Collections.unmodifiableList(removed);
    this.changed = Collections.unmodifiableMap(changed);
    this.unchanged = unchanged;
  }

  /** The changes from one schema set to another (their latest versions of each event). */
  public static SchemaDiff between(SchemaSet before, SchemaSet after) {
    return between(
        before.label(),
        EventCatalog.of(before, null).latest(),
        after.label(),
        EventCatalog.of(after, null).latest());
  }

  static SchemaDiff between(
      String beforeLabel, List<CatalogEntry> was, String afterLabel, List<CatalogEntry> now) {
    Map<String, CatalogEntry> wasByType = byType(was);
    Map<String, CatalogEntry> nowByType = byType(now);
    List<CatalogEntry> added = new ArrayList<>();
    List<CatalogEntry> removed = new ArrayList<>();
    Map<String, List<String>> changed = new LinkedHashMap<>();
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
      List<String> changes = changes(entry, current);
      if (changes.isEmpty()) {
        unchanged++;
      } else {
        changed.put(entry.getEventType(), changes);
      }
    }
    return new SchemaDiff(beforeLabel, afterLabel, added, removed, changed, unchanged);
  }

  private static Map<String, CatalogEntry> byType(List<CatalogEntry> entries) {
    Map<String, CatalogEntry> out = new TreeMap<>();
    for (CatalogEntry entry : entries) {
      out.put(entry.getEventType(), entry);
    }
    return out;
  }

  private static List<String> changes(CatalogEntry was, CatalogEntry now) {
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
            "removed field `"
                + field.getPath()
                + "` ("
                + field.getNumber()
                + ", "
                + type(field)
                + ")");
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
        out.add("changed field `" + field.getPath() + "`: " + String.join("; ", fieldChanges));
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

  /** True if nothing changed. */
  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
  }

  /** The changelog in Markdown. */
  public String toMarkdown() {
    StringBuilder out = new StringBuilder();
    out.append("# Schema changes from ").append(before).append(" to ").append(after).append("\n\n");
    if (isEmpty()) {
      out.append("No event changed (").append(unchanged).append(" unchanged).\n");
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
        out.append("\n### `").append(entry.getKey()).append("`\n\n");
        for (String change : entry.getValue()) {
          out.append("- ").append(change).append('\n');
        }
      }
    }
    return out.toString();
  }
}
