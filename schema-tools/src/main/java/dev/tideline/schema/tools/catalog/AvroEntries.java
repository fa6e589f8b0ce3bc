package dev.tideline.schema.tools.catalog;

import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.EventMeta;
import dev.tideline.proto.v1.FieldMeta;
import dev.tideline.proto.v1.FieldRules;
import dev.tideline.proto.v1.FieldSpec;
import dev.tideline.proto.v1.PiiClass;
import dev.tideline.proto.v1.SchemaFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Catalog entries for Avro record schemas. Rules and metadata are schema properties: {@code
 * "tideline.rules"} (an object with the {@link FieldRules} field names), {@code "tideline.pii"} (a
 * {@link PiiClass} name) on fields; {@code "tideline.owner"}, {@code "tideline.deprecated"} and
 * {@code "tideline.no_card_numbers"} on the record. The id is Avro's Rabin fingerprint of the
 * parsing canonical form. Kept apart from {@link CatalogBuilder} so Avro loads only when used.
 */
final class AvroEntries {
  static final String RULES = "tideline.rules";
  static final String PII = "tideline.pii";

  private AvroEntries() {}

  static CatalogEntry entry(String json) {
    Schema schema;
    try {
      schema = new Schema.Parser().parse(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Avro schema does not parse: " + e.getMessage(), e);
    }
    if (schema.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException(
          "an Avro event must be a record, " + schema.getFullName() + " is " + schema.getType());
    }
    EventMeta.Builder meta = EventMeta.newBuilder();
    if (schema.getProp("tideline.owner") != null) {
      meta.setOwner(schema.getProp("tideline.owner"));
    }
    if (schema.getDoc() != null) {
      meta.setDescription(schema.getDoc());
    }
    meta.setDeprecated(Boolean.TRUE.equals(schema.getObjectProp("tideline.deprecated")));
    meta.setNoCardNumbers(Boolean.TRUE.equals(schema.getObjectProp("tideline.no_card_numbers")));
    List<FieldSpec> fields = new ArrayList<>();
    flatten(schema, "", fields, new HashSet<String>());
    return CatalogEntry.newBuilder()
        .setEventType(schema.getFullName())
        .setFormat(SchemaFormat.AVRO)
        .setSchemaId(SchemaNormalization.parsingFingerprint64(schema))
        .setJavaClass(schema.getFullName())
        .setMeta(meta)
        .addAllFields(fields)
        .setAvroSchema(schema.toString())
        .build();
  }

  // The PII class is named in the Avro schema's "pii" property, so it is read by name.
  @SuppressWarnings("LiteEnumValueOf")
  private static void flatten(Schema record, String prefix, List<FieldSpec> out, Set<String> path) {
    path.add(record.getFullName());
    for (Schema.Field field : record.getFields()) {
      Schema type = nonNull(field.schema());
      boolean repeated = type.getType() == Schema.Type.ARRAY;
      Schema element = repeated ? nonNull(type.getElementType()) : type;
      String name = prefix + field.name();
      FieldSpec.Builder spec =
          FieldSpec.newBuilder()
              .setPath(name)
              .setNumber(field.pos() + 1)
              .setType(readable(field.schema()))
              .setRepeated(repeated)
              .setRules(rules(record, field));
      String pii = field.getProp(PII);
      if (pii != null) {
        try {
          spec.setMeta(FieldMeta.newBuilder().setPii(PiiClass.valueOf(pii)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              record.getFullName() + "." + field.name() + ": unknown " + PII + " '" + pii + "'", e);
        }
      }
      if (field.doc() != null) {
        spec.setMeta(spec.getMeta().toBuilder().setDescription(field.doc()));
      }
      out.add(spec.build());
      if (element.getType() == Schema.Type.RECORD && !path.contains(element.getFullName())) {
        flatten(element, name + (repeated ? "[]." : "."), out, path);
      }
    }
    path.remove(record.getFullName());
  }

  /** The schema without "null" when it is a union of null and one other type. */
  static Schema nonNull(Schema schema) {
    if (schema.getType() != Schema.Type.UNION) {
      return schema;
    }
    Schema other = null;
    for (Schema branch : schema.getTypes()) {
      if (branch.getType() != Schema.Type.NULL) {
        if (other != null) {
          return schema;
        }
        other = branch;
      }
    }
    return other == null ? schema : other;
  }

  private static String readable(Schema schema) {
    switch (schema.getType()) {
      case UNION:
        StringBuilder union = new StringBuilder("union<");
        for (Schema branch : schema.getTypes()) {
          union.append(union.length() > "union<".length() ? ", " : "").append(readable(branch));
        }
        return union.append('>').toString();
      case ARRAY:
        return "array<" + readable(schema.getElementType()) + ">";
      case MAP:
        return "map<string, " + readable(schema.getValueType()) + ">";
      case RECORD:
      case ENUM:
      case FIXED:
        return schema.getType().getName() + " " + schema.getFullName();
      default:
        return schema.getType().getName();
    }
  }

  private static FieldRules rules(Schema record, Schema.Field field) {
    Object value = field.getObjectProp(RULES);
    if (value == null) {
      return FieldRules.getDefaultInstance();
    }
    String where = record.getFullName() + "." + field.name() + " " + RULES;
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(where + " must be an object, was " + value);
    }
    FieldRules.Builder rules = FieldRules.newBuilder();
    for (Map.Entry<?, ?> rule : ((Map<?, ?>) value).entrySet()) {
      String key = String.valueOf(rule.getKey());
      Object v = rule.getValue();
      switch (key) {
        case "required":
          rules.setRequired(Boolean.TRUE.equals(v));
          break;
        case "min":
          rules.setMin(number(where, key, v).doubleValue());
          break;
        case "max":
          rules.setMax(number(where, key, v).doubleValue());
          break;
        case "pattern":
          rules.setPattern(String.valueOf(v));
          break;
        case "in":
          if (!(v instanceof List)) {
            throw new IllegalArgumentException(where + ".in must be a list, was " + v);
          }
          for (Object allowed : (List<?>) v) {
            rules.addIn(String.valueOf(allowed));
          }
          break;
        case "min_len":
          rules.setMinLen(number(where, key, v).intValue());
          break;
        case "max_len":
          rules.setMaxLen(number(where, key, v).intValue());
          break;
        case "min_items":
          rules.setMinItems(number(where, key, v).intValue());
          break;
        case "max_items":
          rules.setMaxItems(number(where, key, v).intValue());
          break;
        default:
          throw new IllegalArgumentException(
              where
                  + ": unknown rule '"
                  + key
                  + "' (known: required, min, max, pattern, in, min_len, max_len, min_items,"
                  + " max_items)");
      }
    }
    return rules.build();
  }

  private static Number number(String where, String key, Object value) {
    if (!(value instanceof Number)) {
      throw new IllegalArgumentException(where + "." + key + " must be a number, was " + value);
    }
    return (Number) value;
  }
}
