package dev.tideline.schema.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.jspecify.annotations.Nullable;

/**
 * The Avro rules: Avro's own {@link SchemaCompatibility} (its incompatibility types are the rule
 * ids, for example READER_FIELD_MISSING_DEFAULT_VALUE), plus rules of ours for what it lets pass:
 * FIELD_RENAMED_WITHOUT_ALIAS and SCHEMA_RENAMED_WITHOUT_ALIAS (a field with a default silently
 * reads the default instead of the renamed data), ENUM_SYMBOL_REMOVED (a reader with an enum
 * default silently maps the removed symbol to it; BACKWARD) and SCHEMA_NO_DELETE (BACKWARD).
 */
final class AvroRules {
  private AvroRules() {}

  static List<Violation> check(
      SchemaSet before, SchemaSet after, boolean backward, boolean forward) {
    List<Violation> out = new ArrayList<>();
    Map<String, Schema> now = after.avroSchemas();
    for (Map.Entry<String, Schema> file : before.avroFiles().entrySet()) {
      Schema was = file.getValue();
      String name = was.getFullName();
      Schema current = now.get(name);
      if (current == null) {
        current = aliasing(now.values(), name);
      }
      if (current == null) {
        Schema samePath = after.avroFiles().get(file.getKey());
        if (samePath != null) {
          out.add(
              new Violation(
                  "SCHEMA_RENAMED_WITHOUT_ALIAS",
                  name,
                  file.getKey(),
                  "schema "
                      + name
                      + " was renamed to "
                      + samePath.getFullName()
                      + " without an alias: add \"aliases\": [\""
                      + name
                      + "\"]",
                  before.label()));
          current = samePath; // and let Avro's own check say what else breaks
        } else if (backward) {
          out.add(
              new Violation(
                  "SCHEMA_NO_DELETE",
                  name,
                  file.getKey(),
                  "schema "
                      + name
                      + " was deleted: consumers on the new schemas can no longer read what"
                      + " producers on the old ones still send",
                  before.label()));
        }
        if (current == null) {
          continue;
        }
      }
      if (backward) {
        avro(out, name, current, was, "written with the old schema, read with the new", before);
      }
      if (forward) {
        avro(out, name, was, current, "written with the new schema, read with the old", before);
      }
      renames(out, name, was, current, before);
      if (backward) {
        enumSymbols(out, name, was, current, before);
      }
    }
    return out;
  }

  private static @Nullable Schema aliasing(Iterable<Schema> schemas, String fullName) {
    for (Schema schema : schemas) {
      if (schema.getAliases().contains(fullName)) {
        return schema;
      }
    }
    return null;
  }

  private static void avro(
      List<Violation> out,
      String name,
      Schema reader,
      Schema writer,
      String direction,
      SchemaSet before) {
    for (Incompatibility incompatibility :
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
            .getResult()
            .getIncompatibilities()) {
      out.add(
          new Violation(
              incompatibility.getType().name(),
              name,
              incompatibility.getLocation(),
              "data " + direction + ": " + incompatibility.getMessage(),
              before.label()));
    }
  }

  private static void renames(
      List<Violation> out, String name, Schema was, Schema now, SchemaSet before) {
    Map<String, Schema> recordsBefore = named(was, Schema.Type.RECORD);
    Map<String, Schema> recordsAfter = named(now, Schema.Type.RECORD);
    for (Schema record : recordsBefore.values()) {
      Schema current = recordsAfter.get(record.getFullName());
      if (current == null) {
        current = aliasing(recordsAfter.values(), record.getFullName());
      }
      if (current == null) {
        continue; // a nested rename without alias: Avro's NAME_MISMATCH reports it
      }
      List<Schema.Field> fieldsAfter = current.getFields();
      for (Schema.Field field : record.getFields()) {
        if (current.getField(field.name()) != null || aliased(fieldsAfter, field.name())) {
          continue;
        }
        if (field.pos() >= fieldsAfter.size()) {
          continue;
        }
        Schema.Field candidate = fieldsAfter.get(field.pos());
        if (record.getField(candidate.name()) == null
            && candidate.schema().equals(field.schema())) {
          out.add(
              new Violation(
                  "FIELD_RENAMED_WITHOUT_ALIAS",
                  name,
                  record.getName() + "." + field.name(),
                  "field '"
                      + field.name()
                      + "' was renamed to '"
                      + candidate.name()
                      + "' without an alias: readers lose its data; add \"aliases\": [\""
                      + field.name()
                      + "\"] to the field",
                  before.label()));
        }
      }
    }
  }

  private static boolean aliased(List<Schema.Field> fields, String name) {
    for (Schema.Field field : fields) {
      if (field.aliases().contains(name)) {
        return true;
      }
    }
    return false;
  }

  private static void enumSymbols(
      List<Violation> out, String name, Schema was, Schema now, SchemaSet before) {
    Map<String, Schema> enumsAfter = named(now, Schema.Type.ENUM);
    for (Schema enumType : named(was, Schema.Type.ENUM).values()) {
      Schema current = enumsAfter.get(enumType.getFullName());
      if (current == null) {
        current = aliasing(enumsAfter.values(), enumType.getFullName());
      }
      if (current == null) {
        continue;
      }
      Set<String> removed = new TreeSet<>(enumType.getEnumSymbols());
      removed.removeAll(current.getEnumSymbols());
      for (String symbol : removed) {
        out.add(
            new Violation(
                "ENUM_SYMBOL_REMOVED",
                name,
                enumType.getName() + "." + symbol,
                "enum symbol "
                    + symbol
                    + " was removed from "
                    + enumType.getFullName()
                    + ": old data holding it no longer reads as itself (at best as the enum's"
                    + " default)",
                before.label()));
      }
    }
  }

  /** Every named type of this kind reachable from schema, by full name. */
  static Map<String, Schema> named(Schema schema, Schema.Type type) {
    Map<String, Schema> out = new LinkedHashMap<>();
    collect(schema, type, out, new TreeSet<>());
    return out;
  }

  private static void collect(
      Schema schema, Schema.Type type, Map<String, Schema> out, Set<String> seen) {
    switch (schema.getType()) {
      case RECORD:
        if (!seen.add(schema.getFullName())) {
          return;
        }
        if (type == Schema.Type.RECORD) {
          out.put(schema.getFullName(), schema);
        }
        for (Schema.Field field : schema.getFields()) {
          collect(field.schema(), type, out, seen);
        }
        return;
      case ENUM:
      case FIXED:
        if (schema.getType() == type) {
          out.put(schema.getFullName(), schema);
        }
        return;
      case ARRAY:
        collect(schema.getElementType(), type, out, seen);
        return;
      case MAP:
        collect(schema.getValueType(), type, out, seen);
        return;
      case UNION:
        for (Schema branch : schema.getTypes()) {
          collect(branch, type, out, seen);
        }
        return;
      default:
        return;
    }
  }
}
