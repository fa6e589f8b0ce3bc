package dev.tideline.validator;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * A rule of a protobuf schema: the field path it applies to, resolved to descriptors, and its
 * check. Both ways of checking a payload use it: {@link ProtoSchema} on the decoded message and
 * {@link WireCheck} on its wire bytes, so a value reaches the check in the same form either way
 * ({@link #normalize}).
 */
final class ProtoRule {
  final FieldDescriptor[] steps;
  final FieldCheck check;

  ProtoRule(FieldDescriptor[] steps, FieldCheck check) {
    this.steps = steps;
    this.check = check;
  }

  /** Whether a field holds a number (its bounds then apply to an unset proto3 field's 0). */
  static boolean isNumeric(FieldDescriptor field) {
    switch (field.getJavaType()) {
      case INT:
      case LONG:
      case FLOAT:
      case DOUBLE:
        return true;
      default:
        return false;
    }
  }

  /** A value as {@link FieldCheck} compares it: enums by name, unsigned numbers widened. */
  static Object normalize(FieldDescriptor.Type type, Object value) {
    switch (type) {
      case ENUM:
        return ((EnumValueDescriptor) value).getName();
      case UINT32:
      case FIXED32:
        return Integer.toUnsignedLong((Integer) value);
      case UINT64:
      case FIXED64:
        long bits = (Long) value;
        return bits >= 0 ? (double) bits : (double) (bits >>> 1) * 2.0;
      default:
        return value;
    }
  }
}
