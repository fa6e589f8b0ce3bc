package dev.tideline.schema.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.FieldRules;
import dev.tideline.proto.v1.FieldSpec;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.ProtoSchemas;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * Example events for the docs, in the JSON view of each format (protobuf's JSON mapping with JSON
 * names; Avro as plain JSON without union wrappers), with values that pass the declared rules where
 * a simple choice does (allowed values, bounds, lengths, a few pattern candidates).
 */
final class Examples {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int MAX_DEPTH = 4;

  /** Strings tried, in order, against a field's pattern. */
  private static final List<String> CANDIDATES =
      List.of(
          "example",
          "EUR",
          "ord_12345678",
          "https://example.com/page",
          "user-1234",
          "2026-01-01",
          "abc123",
          "A1",
          "",
          "4111");

  private Examples() {}

  /** A pretty-printed example event for a catalog entry. */
  static String of(CatalogEntry entry) {
    Map<String, FieldRules> rules = new HashMap<>();
    for (FieldSpec field : entry.getFieldsList()) {
      rules.put(field.getPath(), field.getRules());
    }
    JsonNode example;
    if (entry.getFormat() == SchemaFormat.AVRO) {
      Schema schema = new Schema.Parser().parse(entry.getAvroSchema());
      example = avro(schema, "", rules, new HashSet<>(), 0);
    } else {
      try {
        ProtoSchemas schemas =
            ProtoSchemas.of(FileDescriptorSet.parseFrom(entry.getDescriptorSet()));
        example = proto(schemas, entry.getEventType(), "", rules, new HashSet<>(), 0);
      } catch (InvalidProtocolBufferException e) {
        throw new SchemaException(entry.getEventType() + ": corrupt descriptor set", e);
      }
    }
    try {
      return JSON.writeValueAsString(example);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode proto(
      ProtoSchemas schemas,
      String name,
      String prefix,
      Map<String, FieldRules> rules,
      Set<String> open,
      int depth) {
    ObjectNode out = NODES.objectNode();
    DescriptorProto message = schemas.message(name);
    if (message == null || depth > MAX_DEPTH || !open.add(name)) {
      return out;
    }
    for (FieldDescriptorProto field : message.getFieldList()) {
      String path = prefix + field.getName();
      FieldRules fieldRules = rules.getOrDefault(path, FieldRules.getDefaultInstance());
      String key = ProtoSchemas.jsonName(field);
      boolean repeated = field.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED;
      DescriptorProto nested =
          field.hasTypeName() ? schemas.message(ProtoSchemas.stripDot(field.getTypeName())) : null;
      if (nested != null && nested.getOptions().getMapEntry()) {
        ObjectNode map = NODES.objectNode();
        map.set("key", protoValue(schemas, nested.getField(1), path, rules, open, depth));
        out.set(key, map);
      } else if (repeated) {
        ArrayNode array = NODES.arrayNode();
        array.add(protoValue(schemas, field, path + "[]", rules, open, depth));
        out.set(key, array);
      } else {
        out.set(key, protoValue(schemas, field, path, rules, open, depth));
      }
      if (fieldRules.getRequired() && out.get(key) == null) {
        out.put(key, "example");
      }
    }
    open.remove(name);
    return out;
  }

  private static JsonNode protoValue(
      ProtoSchemas schemas,
      FieldDescriptorProto field,
      String path,
      Map<String, FieldRules> rules,
      Set<String> open,
      int depth) {
    FieldRules fieldRules =
        rules.getOrDefault(
            path.endsWith("[]") ? path.substring(0, path.length() - 2) : path,
            FieldRules.getDefaultInstance());
    switch (field.getType()) {
      case TYPE_MESSAGE:
      case TYPE_GROUP:
        String typeName = ProtoSchemas.stripDot(field.getTypeName());
        if (typeName.equals("google.protobuf.Timestamp")) {
          return NODES.textNode("2026-01-01T12:00:00Z");
        }
        if (typeName.equals("google.protobuf.Duration")) {
          return NODES.textNode("1.500s");
        }
        return proto(schemas, typeName, path + ".", rules, open, depth + 1);
      case TYPE_ENUM:
        EnumDescriptorProto enumType = schemas.enumType(ProtoSchemas.stripDot(field.getTypeName()));
        if (fieldRules.getInCount() > 0) {
          return NODES.textNode(fieldRules.getIn(0));
        }
        if (enumType == null || enumType.getValueCount() == 0) {
          return NODES.nullNode();
        }
        for (EnumValueDescriptorProto value : enumType.getValueList()) {
          if (value.getNumber() != 0) {
            return NODES.textNode(value.getName());
          }
        }
        return NODES.textNode(enumType.getValue(0).getName());
      case TYPE_STRING:
        return NODES.textNode(string(fieldRules));
      case TYPE_BYTES:
        return NODES.textNode("AAECAw==");
      case TYPE_BOOL:
        return NODES.booleanNode(true);
      case TYPE_DOUBLE:
      case TYPE_FLOAT:
        return NODES.numberNode(number(fieldRules));
      case TYPE_INT64:
      case TYPE_UINT64:
      case TYPE_SINT64:
      case TYPE_FIXED64:
      case TYPE_SFIXED64:
        // The protobuf JSON mapping writes 64-bit integers as strings.
        return NODES.textNode(Long.toString((long) number(fieldRules)));
      default:
        return NODES.numberNode((long) number(fieldRules));
    }
  }

  private static JsonNode avro(
      Schema schema, String path, Map<String, FieldRules> rules, Set<String> open, int depth) {
    FieldRules fieldRules = rules.getOrDefault(path, FieldRules.getDefaultInstance());
    switch (schema.getType()) {
      case RECORD:
        ObjectNode out = NODES.objectNode();
        if (depth > MAX_DEPTH || !open.add(schema.getFullName())) {
          return out;
        }
        for (Schema.Field field : schema.getFields()) {
          String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
          out.set(field.name(), avro(field.schema(), fieldPath, rules, open, depth + 1));
        }
        open.remove(schema.getFullName());
        return out;
      case UNION:
        for (Schema branch : schema.getTypes()) {
          if (branch.getType() != Schema.Type.NULL) {
            return avro(branch, path, rules, open, depth);
          }
        }
        return NODES.nullNode();
      case ARRAY:
        ArrayNode array = NODES.arrayNode();
        array.add(avro(schema.getElementType(), path + "[]", rules, open, depth));
        return array;
      case MAP:
        ObjectNode map = NODES.objectNode();
        map.set("key", avro(schema.getValueType(), path, rules, open, depth));
        return map;
      case ENUM:
        if (fieldRules.getInCount() > 0) {
          return NODES.textNode(fieldRules.getIn(0));
        }
        List<String> symbols = schema.getEnumSymbols();
        return NODES.textNode(symbols.size() > 1 ? symbols.get(1) : symbols.get(0));
      case STRING:
        return NODES.textNode(string(fieldRules));
      case BYTES:
      case FIXED:
        return NODES.textNode("\u0000\u0001");
      case BOOLEAN:
        return NODES.booleanNode(true);
      case INT:
      case LONG:
        return NODES.numberNode((long) number(fieldRules));
      case FLOAT:
      case DOUBLE:
        return NODES.numberNode(number(fieldRules));
      default:
        return NODES.nullNode();
    }
  }

  private static String string(FieldRules rules) {
    if (rules.getInCount() > 0) {
      return rules.getIn(0);
    }
    for (String candidate : CANDIDATES) {
      if (fits(candidate, rules)) {
        return candidate;
      }
    }
    StringBuilder padded = new StringBuilder("example");
    while (rules.hasMinLen() && padded.length() < rules.getMinLen()) {
      padded.append('x');
    }
    return padded.toString();
  }

  private static boolean fits(String candidate, FieldRules rules) {
    if (rules.hasMinLen() && candidate.length() < rules.getMinLen()) {
      return false;
    }
    if (rules.hasMaxLen() && candidate.length() > rules.getMaxLen()) {
      return false;
    }
    if (rules.getRequired() && candidate.isEmpty()) {
      return false;
    }
    if (rules.hasPattern()) {
      try {
        return Pattern.compile(rules.getPattern()).matcher(candidate).matches();
      } catch (RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  private static double number(FieldRules rules) {
    double value = rules.hasMin() ? Math.max(rules.getMin(), 1) : 1;
    if (rules.hasMax() && value > rules.getMax()) {
      value = rules.getMax();
    }
    return value;
  }
}
