package dev.tideline.schema.tools;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.DescriptorProto.ReservedRange;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto.EnumReservedRange;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import dev.tideline.schema.ProtoSchemas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The protobuf rules. Ids and meanings follow buf's WIRE_JSON category (the rule ids are buf's),
 * plus MESSAGE_NO_DELETE and ENUM_NO_DELETE (buf's FILE category). Wire and JSON conflicts break
 * readers in both directions, so they apply to BACKWARD and FORWARD alike; deleting a whole message
 * or enum only breaks new readers of old data (BACKWARD); a required field added breaks new readers
 * (BACKWARD), one removed breaks old readers (FORWARD).
 */
final class ProtoRules {
  private final SchemaSet before;
  private final SchemaSet after;
  private final boolean backward;
  private final boolean forward;
  private final List<Violation> out = new ArrayList<>();

  private ProtoRules(SchemaSet before, SchemaSet after, boolean backward, boolean forward) {
    this.before = before;
    this.after = after;
    this.backward = backward;
    this.forward = forward;
  }

  /** The changes from before to after that break readers in the given directions. */
  static List<Violation> check(
      SchemaSet before, SchemaSet after, boolean backward, boolean forward) {
    ProtoRules rules = new ProtoRules(before, after, backward, forward);
    rules.files();
    rules.messages();
    rules.enums();
    return rules.out;
  }

  private void add(String rule, String schema, String path, String message) {
    out.add(new Violation(rule, schema, path, message, before.label()));
  }

  private void files() {
    Map<String, FileDescriptorProto> now = new TreeMap<>();
    for (FileDescriptorProto file : after.protoFiles()) {
      now.put(file.getName(), file);
    }
    for (FileDescriptorProto file : before.protoFiles()) {
      FileDescriptorProto current = now.get(file.getName());
      if (current != null && !current.getPackage().equals(file.getPackage())) {
        add(
            "FILE_SAME_PACKAGE",
            file.getName(),
            file.getName(),
            "package changed from '"
                + file.getPackage()
                + "' to '"
                + current.getPackage()
                + "': every message and enum in the file has a new full name, so readers no"
                + " longer find them");
      }
    }
  }

  private void messages() {
    Map<String, DescriptorProto> was = before.messages();
    Map<String, DescriptorProto> now = after.messages();
    for (Map.Entry<String, DescriptorProto> entry : was.entrySet()) {
      String name = entry.getKey();
      DescriptorProto current = now.get(name);
      if (current == null) {
        if (backward && parentKept(name, was.keySet(), now.keySet())) {
          add(
              "MESSAGE_NO_DELETE",
              name,
              name,
              "message "
                  + name
                  + " was deleted: consumers on the new schemas can no longer decode what"
                  + " producers on the old ones still send; deprecate it instead");
        }
        continue;
      }
      message(name, entry.getValue(), current);
    }
  }

  /** True if the type is top-level, or its enclosing message still exists. */
  private static boolean parentKept(String name, Set<String> was, Set<String> now) {
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return true;
    }
    String parent = name.substring(0, dot);
    return !was.contains(parent) || now.contains(parent);
  }

  private void message(String name, DescriptorProto was, DescriptorProto now) {
    Map<Integer, FieldDescriptorProto> fieldsNow = new LinkedHashMap<>();
    for (FieldDescriptorProto field : now.getFieldList()) {
      fieldsNow.put(field.getNumber(), field);
    }
    Set<Integer> requiredBefore = new TreeSet<>();
    Set<Integer> requiredAfter = new TreeSet<>();
    for (FieldDescriptorProto field : now.getFieldList()) {
      if (field.getLabel() == FieldDescriptorProto.Label.LABEL_REQUIRED) {
        requiredAfter.add(field.getNumber());
      }
    }
    for (FieldDescriptorProto field : was.getFieldList()) {
      if (field.getLabel() == FieldDescriptorProto.Label.LABEL_REQUIRED) {
        requiredBefore.add(field.getNumber());
      }
      String path = name + "." + field.getName();
      FieldDescriptorProto current = fieldsNow.get(field.getNumber());
      if (current == null) {
        String what = "field " + field.getNumber() + " '" + field.getName() + "' was deleted";
        if (!numberReserved(now, field.getNumber())) {
          add(
              "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
              name,
              path,
              what
                  + " without reserving its number: add 'reserved "
                  + field.getNumber()
                  + ";' so it is never reused with another meaning");
        }
        if (!now.getReservedNameList().contains(field.getName())) {
          add(
              "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
              name,
              path,
              what
                  + " without reserving its name: add 'reserved \""
                  + field.getName()
                  + "\";' so JSON readers never see it with another meaning");
        }
        continue;
      }
      field(name, path, was, field, now, current);
    }
    Set<Integer> added = new TreeSet<>(requiredAfter);
    added.removeAll(requiredBefore);
    Set<Integer> removed = new TreeSet<>(requiredBefore);
    removed.removeAll(requiredAfter);
    if ((backward && !added.isEmpty()) || (forward && !removed.isEmpty())) {
      add(
          "MESSAGE_SAME_REQUIRED_FIELDS",
          name,
          name,
          "required fields changed (added " + added + ", removed " + removed + ")");
    }
    for (ReservedRange range : was.getReservedRangeList()) {
      if (!rangeKept(now.getReservedRangeList(), range.getStart(), range.getEnd())) {
        add(
            "RESERVED_MESSAGE_NO_DELETE",
            name,
            name,
            "reserved range "
                + rangeText(range.getStart(), range.getEnd() - 1)
                + " was deleted: its numbers could be reused with another meaning");
      }
    }
    for (String reserved : was.getReservedNameList()) {
      if (!now.getReservedNameList().contains(reserved)) {
        add(
            "RESERVED_MESSAGE_NO_DELETE",
            name,
            name,
            "reserved name '"
                + reserved
                + "' was deleted: it could be reused with another meaning");
      }
    }
  }

  private void field(
      String message,
      String path,
      DescriptorProto wasMessage,
      FieldDescriptorProto was,
      DescriptorProto nowMessage,
      FieldDescriptorProto now) {
    String field = "field " + was.getNumber();
    if (!was.getName().equals(now.getName())) {
      add(
          "FIELD_SAME_NAME",
          message,
          path,
          field
              + " was '"
              + was.getName()
              + "' and is now '"
              + now.getName()
              + "': a renamed field breaks JSON readers, a reused number breaks every reader");
    }
    String jsonBefore = ProtoSchemas.jsonName(was);
    String jsonAfter = ProtoSchemas.jsonName(now);
    if (!jsonBefore.equals(jsonAfter)) {
      add(
          "FIELD_SAME_JSON_NAME",
          message,
          path,
          field + " JSON name changed from '" + jsonBefore + "' to '" + jsonAfter + "'");
    }
    String cardinalityBefore = cardinality(wasMessage, was);
    String cardinalityAfter = cardinality(nowMessage, now);
    if (!compatibleCardinality(cardinalityBefore, cardinalityAfter)) {
      add(
          "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
          message,
          path,
          field + " changed from " + cardinalityBefore + " to " + cardinalityAfter);
    }
    String typeBefore = typeName(was);
    String typeAfter = typeName(now);
    if (!typeBefore.equals(typeAfter) && !sameWireAndJson(typeBefore, typeAfter)) {
      add(
          "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
          message,
          path,
          field + " type changed from " + typeBefore + " to " + typeAfter);
    }
    String oneofBefore = oneof(wasMessage, was);
    String oneofAfter = oneof(nowMessage, now);
    if (!oneofBefore.equals(oneofAfter)) {
      add(
          "FIELD_SAME_ONEOF",
          message,
          path,
          field
              + (oneofBefore.isEmpty()
                  ? " moved into oneof '" + oneofAfter + "'"
                  : oneofAfter.isEmpty()
                      ? " moved out of oneof '" + oneofBefore + "'"
                      : " moved from oneof '" + oneofBefore + "' to '" + oneofAfter + "'"));
    }
    if (!was.getDefaultValue().equals(now.getDefaultValue())) {
      add(
          "FIELD_SAME_DEFAULT",
          message,
          path,
          field
              + " default changed from '"
              + was.getDefaultValue()
              + "' to '"
              + now.getDefaultValue()
              + "'");
    }
  }

  private void enums() {
    Map<String, EnumDescriptorProto> was = before.enums();
    Map<String, EnumDescriptorProto> now = after.enums();
    Set<String> messagesBefore = before.messages().keySet();
    Set<String> messagesAfter = after.messages().keySet();
    for (Map.Entry<String, EnumDescriptorProto> entry : was.entrySet()) {
      String name = entry.getKey();
      EnumDescriptorProto current = now.get(name);
      if (current == null) {
        if (backward && parentKept(name, messagesBefore, messagesAfter)) {
          add(
              "ENUM_NO_DELETE",
              name,
              name,
              "enum "
                  + name
                  + " was deleted: consumers on the new schemas can no longer decode its values"
                  + " in old data; deprecate it instead");
        }
        continue;
      }
      enumType(name, entry.getValue(), current);
    }
  }

  private void enumType(String name, EnumDescriptorProto was, EnumDescriptorProto now) {
    Map<Integer, Set<String>> namesBefore = valueNames(was);
    Map<Integer, Set<String>> namesAfter = valueNames(now);
    for (Map.Entry<Integer, Set<String>> entry : namesBefore.entrySet()) {
      int number = entry.getKey();
      Set<String> current = namesAfter.get(number);
      if (current == null) {
        for (String value : entry.getValue()) {
          String what = "enum value " + number + " '" + value + "' was deleted";
          if (!enumNumberReserved(now, number)) {
            add(
                "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
                name,
                name + "." + value,
                what + " without reserving its number: add 'reserved " + number + ";'");
          }
          if (!now.getReservedNameList().contains(value)) {
            add(
                "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
                name,
                name + "." + value,
                what + " without reserving its name: add 'reserved \"" + value + "\";'");
          }
        }
        continue;
      }
      if (!current.equals(entry.getValue())) {
        add(
            "ENUM_VALUE_SAME_NAME",
            name,
            name + "." + String.join("|", entry.getValue()),
            "enum value "
                + number
                + " was "
                + entry.getValue()
                + " and is now "
                + current
                + ": JSON carries enum values by name");
      }
    }
    for (EnumReservedRange range : was.getReservedRangeList()) {
      if (!enumRangeKept(now, range.getStart(), range.getEnd())) {
        add(
            "RESERVED_ENUM_NO_DELETE",
            name,
            name,
            "reserved range "
                + rangeText(range.getStart(), range.getEnd())
                + " was deleted: its numbers could be reused with another meaning");
      }
    }
    for (String reserved : was.getReservedNameList()) {
      if (!now.getReservedNameList().contains(reserved)) {
        add(
            "RESERVED_ENUM_NO_DELETE",
            name,
            name,
            "reserved name '"
                + reserved
                + "' was deleted: it could be reused with another meaning");
      }
    }
  }

  private static Map<Integer, Set<String>> valueNames(EnumDescriptorProto enumType) {
    Map<Integer, Set<String>> out = new TreeMap<>();
    for (EnumValueDescriptorProto value : enumType.getValueList()) {
      out.computeIfAbsent(value.getNumber(), n -> new TreeSet<>()).add(value.getName());
    }
    return out;
  }

  private static boolean numberReserved(DescriptorProto message, int number) {
    for (ReservedRange range : message.getReservedRangeList()) {
      if (number >= range.getStart() && number < range.getEnd()) {
        return true;
      }
    }
    return false;
  }

  private static boolean enumNumberReserved(EnumDescriptorProto enumType, int number) {
    for (EnumReservedRange range : enumType.getReservedRangeList()) {
      if (number >= range.getStart() && number <= range.getEnd()) {
        return true;
      }
    }
    return false;
  }

  /** Message reserved ranges are [start, end). */
  private static boolean rangeKept(List<ReservedRange> ranges, int start, int end) {
    for (ReservedRange range : ranges) {
      if (range.getStart() <= start && range.getEnd() >= end) {
        return true;
      }
    }
    return false;
  }

  /** Enum reserved ranges are [start, end]. */
  private static boolean enumRangeKept(EnumDescriptorProto enumType, int start, int end) {
    for (EnumReservedRange range : enumType.getReservedRangeList()) {
      if (range.getStart() <= start && range.getEnd() >= end) {
        return true;
      }
    }
    return false;
  }

  private static String rangeText(int first, int last) {
    return first == last ? String.valueOf(first) : first + " to " + last;
  }

  /** The field's type as written: "int64", "message tideline.v1.Context", "enum a.b.Kind". */
  static String typeName(FieldDescriptorProto field) {
    String type = ProtoSchemas.type(field);
    return field.hasTypeName() ? type + " " + ProtoSchemas.stripDot(field.getTypeName()) : type;
  }

  /**
   * Scalar types with the same wire encoding and the same JSON form (buf's WIRE_JSON allows these
   * changes): 32-bit varints are JSON numbers, 64-bit ones JSON strings; fixed widths keep theirs.
   */
  private static final List<Set<String>> SAME_WIRE_AND_JSON =
      List.of(
          Set.of("int32", "uint32"),
          Set.of("int64", "uint64"),
          Set.of("fixed32", "sfixed32"),
          Set.of("fixed64", "sfixed64"));

  private static boolean sameWireAndJson(String before, String after) {
    for (Set<String> group : SAME_WIRE_AND_JSON) {
      if (group.contains(before) && group.contains(after)) {
        return true;
      }
    }
    return false;
  }

  /** "repeated", "map", "required", "optional" (proto3 explicit presence) or "singular". */
  static String cardinality(DescriptorProto message, FieldDescriptorProto field) {
    switch (field.getLabel()) {
      case LABEL_REPEATED:
        return isMap(message, field) ? "map" : "repeated";
      case LABEL_REQUIRED:
        return "required";
      default:
        return field.getProto3Optional() ? "optional" : "singular";
    }
  }

  private static boolean compatibleCardinality(String before, String after) {
    if (before.equals(after)) {
      return true;
    }
    // Presence is neither on the wire nor in JSON. Required is a cardinality of its own (as in
    // buf): a reader that requires a field refuses data without it.
    Set<String> singular = Set.of("optional", "singular");
    return singular.contains(before) && singular.contains(after);
  }

  static boolean isMap(DescriptorProto message, FieldDescriptorProto field) {
    if (field.getType() != FieldDescriptorProto.Type.TYPE_MESSAGE) {
      return false;
    }
    String type = ProtoSchemas.stripDot(field.getTypeName());
    String simple = type.substring(type.lastIndexOf('.') + 1);
    for (DescriptorProto nested : message.getNestedTypeList()) {
      if (nested.getName().equals(simple) && nested.getOptions().getMapEntry()) {
        return true;
      }
    }
    return false;
  }

  /** The real oneof the field is in, or "" (proto3 optional's synthetic oneof does not count). */
  static String oneof(DescriptorProto message, FieldDescriptorProto field) {
    if (!field.hasOneofIndex() || field.getProto3Optional()) {
      return "";
    }
    return message.getOneofDecl(field.getOneofIndex()).getName();
  }
}
