package dev.tideline.validator;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Proves, straight from the wire, that a protobuf payload decodes and breaks none of its schema's
 * rules, without building a {@code DynamicMessage}: the validator's fast path.
 *
 * <p>It answers only "certainly valid" ({@code true}) or "not sure" ({@code false}). It is not sure
 * of anything uncommon: an unknown field, a field with another wire type than declared, a singular
 * field twice (protobuf would merge or overwrite), two members of one oneof, an enum number the
 * schema does not name, a string that is not UTF-8, groups, nesting past the recursion limit,
 * malformed bytes, a broken rule or a card number. Then the validator decodes the payload as a
 * {@code DynamicMessage} and checks it the usual way, which gives every uncommon or invalid payload
 * the exact verdict and messages of that path. Rules are evaluated by the same {@link FieldCheck}
 * with the same presence semantics as {@code ProtoSchema.check}. {@code WireCheckTest} compares the
 * two paths on valid, invalid and randomly damaged payloads.
 *
 * <p>Immutable and thread-safe. Schemas with proto2 {@code required} fields or rules on map fields
 * get no wire check ({@link #compile} returns null): they always take the decoding path.
 */
final class WireCheck {
  private static final int RECURSION_LIMIT = 100;

  private final Plan root;
  private final CompiledRule[] rules;
  private final boolean noCardNumbers;

  /** How one message type is read: its fields by number, and which of them rules look at. */
  private static final class Plan {
    final Map<Integer, FieldPlan> byNumber = new HashMap<>();
    FieldPlan @Nullable [] dense;
    boolean hasRealOneofs;

    /** The type's number of fields ({@code getFields()} makes a list on every call). */
    final int fieldCount;

    Plan(Descriptor type) {
      this.fieldCount = type.getFields().size();
    }

    @Nullable FieldPlan field(int number) {
      if (dense != null) {
        return number < dense.length ? dense[number] : null;
      }
      return byNumber.get(number);
    }
  }

  private static final class FieldPlan {
    final FieldDescriptor field;

    /** {@link FieldDescriptor#getType()}, which consults editions features on every call. */
    final FieldDescriptor.Type type;

    final int index;
    final boolean repeated;
    final int wireType;
    final boolean packable;
    @Nullable Plan message; // for a message field

    /** Whether rules need this field's values kept, not only checked. */
    boolean kept;

    /** Whether a string field is kept as its text; else as its UTF-8 bytes. */
    boolean keptAsText;

    FieldPlan(FieldDescriptor field) {
      this.field = field;
      this.type = field.getType();
      this.index = field.getIndex();
      this.repeated = field.isRepeated();
      this.wireType = field.getLiteType().getWireType();
      this.packable = repeated && field.getLiteType().isPackable();
    }
  }

  /** The kept values of one message: per field index, the value, or a list when repeated. */
  private static final class Node {
    final Object[] values;

    Node(int fields) {
      this.values = new Object[fields];
    }
  }

  private WireCheck(Plan root, List<ProtoRule> rules, boolean noCardNumbers) {
    this.root = root;
    this.rules = new CompiledRule[rules.size()];
    for (int i = 0; i < this.rules.length; i++) {
      this.rules[i] = new CompiledRule(rules.get(i));
    }
    this.noCardNumbers = noCardNumbers;
  }

  /** The wire check of a message type and its rules, or null when it cannot have one. */
  static @Nullable WireCheck compile(
      Descriptor type, List<ProtoRule> rules, boolean noCardNumbers) {
    Map<Descriptor, Plan> plans = new HashMap<>();
    Plan root = plan(type, plans);
    if (root == null) {
      return null;
    }
    for (ProtoRule rule : rules) {
      Plan at = root;
      for (FieldDescriptor step : rule.steps) {
        // Each step is a field of the plan before, a message field but for the last.
        FieldPlan field = at == null ? null : at.field(step.getNumber());
        if (step.isMapField() || field == null) {
          return null;
        }
        field.kept = true;
        // Repeated strings go through checkRepeated, which takes text.
        field.keptAsText |= rule.check.needsText() || step.isRepeated();
        at = field.message;
      }
    }
    return new WireCheck(root, rules, noCardNumbers);
  }

  private static @Nullable Plan plan(Descriptor type, Map<Descriptor, Plan> plans) {
    Plan plan = plans.get(type);
    if (plan != null) {
      return plan;
    }
    plan = new Plan(type);
    plans.put(type, plan);
    int maxNumber = 0;
    for (FieldDescriptor field : type.getFields()) {
      if (field.isRequired() || field.getType() == FieldDescriptor.Type.GROUP) {
        return null;
      }
      FieldPlan fieldPlan = new FieldPlan(field);
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        fieldPlan.message = plan(field.getMessageType(), plans);
        if (fieldPlan.message == null) {
          return null;
        }
      }
      plan.byNumber.put(field.getNumber(), fieldPlan);
      maxNumber = Math.max(maxNumber, field.getNumber());
      if (field.getRealContainingOneof() != null) {
        plan.hasRealOneofs = true;
      }
    }
    if (maxNumber < 256) {
      plan.dense = new FieldPlan[maxNumber + 1];
      for (Map.Entry<Integer, FieldPlan> entry : plan.byNumber.entrySet()) {
        plan.dense[entry.getKey()] = entry.getValue();
      }
    }
    return plan;
  }

  /** Whether the payload certainly decodes and passes every rule; false when not sure. */
  boolean passes(ByteString payload) {
    Node node;
    try {
      CodedInputStream in = payload.newCodedInput();
      in.enableAliasing(true);
      node = read(root, in, 0);
      if (node == null) {
        return false;
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    List<Violation> scratch = new ArrayList<>(0);
    for (CompiledRule rule : rules) {
      check(node, rule, 0, scratch);
      if (!scratch.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Reads one message to its end; null when not sure. */
  private @Nullable Node read(Plan plan, CodedInputStream in, int depth) throws IOException {
    if (depth > RECURSION_LIMIT) {
      return null;
    }
    Node node = new Node(plan.fieldCount);
    // Singular fields read so far, by index: a bit each for the first 64, a set for the rest.
    long seenBits = 0;
    boolean[] seen = node.values.length > 64 ? new boolean[node.values.length] : null;
    List<OneofDescriptor> oneofs = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      FieldPlan fieldPlan = plan.field(WireFormat.getTagFieldNumber(tag));
      if (fieldPlan == null) {
        return null;
      }
      int index = fieldPlan.index;
      int wireType = WireFormat.getTagWireType(tag);
      if (fieldPlan.repeated) {
        if (wireType == fieldPlan.wireType) {
          Object value = readValue(fieldPlan, in, depth);
          if (value == null) {
            return null;
          }
          if (fieldPlan.kept) {
            list(node, index).add(value);
          }
        } else if (fieldPlan.packable && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int limit = in.pushLimit(in.readRawVarint32());
          while (in.getBytesUntilLimit() > 0) {
            Object value = readValue(fieldPlan, in, depth);
            if (value == null) {
              return null;
            }
            if (fieldPlan.kept) {
              list(node, index).add(value);
            }
          }
          in.popLimit(limit);
        } else {
          return null;
        }
        continue;
      }
      if (wireType != fieldPlan.wireType) {
        return null;
      }
      if (index < 64) {
        if ((seenBits & 1L << index) != 0) {
          return null;
        }
        seenBits |= 1L << index;
      } else {
        if (seen == null || seen[index]) { // seen is there for every index from 64
          return null;
        }
        seen[index] = true;
      }
      if (plan.hasRealOneofs) {
        OneofDescriptor oneof = fieldPlan.field.getRealContainingOneof();
        if (oneof != null) {
          // Protobuf keeps the last member of a oneof; not sure which rules would then apply.
          if (oneofs == null) {
            oneofs = new ArrayList<>(1);
          } else if (oneofs.contains(oneof)) {
            return null;
          }
          oneofs.add(oneof);
        }
      }
      Object value = readValue(fieldPlan, in, depth);
      if (value == null) {
        return null;
      }
      if (fieldPlan.kept) {
        node.values[index] = value;
      }
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Node node, int index) {
    List<Object> values = (List<Object>) node.values[index];
    if (values == null) {
      values = new ArrayList<>();
      node.values[index] = values;
    }
    return values;
  }

  /**
   * Reads one value, boxed as {@code DynamicMessage} holds it (a {@link Node} for messages); null
   * when not sure.
   */
  private @Nullable Object readValue(FieldPlan plan, CodedInputStream in, int depth)
      throws IOException {
    switch (plan.type) {
      case DOUBLE:
        return in.readDouble();
      case FLOAT:
        return in.readFloat();
      case INT64:
        return in.readInt64();
      case UINT64:
        return in.readUInt64();
      case INT32:
        return in.readInt32();
      case FIXED64:
        return in.readFixed64();
      case FIXED32:
        return in.readFixed32();
      case BOOL:
        return in.readBool();
      case STRING:
        {
          ByteString bytes = in.readBytes();
          if (!bytes.isValidUtf8()) {
            return null;
          }
          if (!plan.keptAsText && !noCardNumbers) {
            return bytes;
          }
          String text = bytes.toStringUtf8();
          return noCardNumbers && CardNumbers.containsCardNumber(text) ? null : text;
        }
      case BYTES:
        return in.readBytes();
      case UINT32:
        return in.readUInt32();
      case ENUM:
        {
          EnumValueDescriptor value = plan.field.getEnumType().findValueByNumber(in.readEnum());
          return value;
        }
      case SFIXED32:
        return in.readSFixed32();
      case SFIXED64:
        return in.readSFixed64();
      case SINT32:
        return in.readSInt32();
      case SINT64:
        return in.readSInt64();
      case MESSAGE:
        {
          Plan message = plan.message;
          if (message == null) {
            return null; // a message field has a plan (see plan()); not sure without one
          }
          int length = in.readRawVarint32();
          int limit = in.pushLimit(length);
          Node nested = read(message, in, depth + 1);
          if (nested == null || !in.isAtEnd()) {
            return null;
          }
          in.popLimit(limit);
          return nested;
        }
      default:
        return null;
    }
  }

  /** Adds to {@code out} what {@code ProtoSchema.check} would for this rule. */
  private static void check(Node node, CompiledRule rule, int i, List<Violation> out) {
    Step step = rule.steps[i];
    Object value = node.values[step.index];
    if (i == rule.steps.length - 1) {
      String at = rule.check.path;
      if (step.repeated) {
        List<?> values = value == null ? Collections.emptyList() : (List<?>) value;
        List<Object> normalized = new ArrayList<>(values.size());
        for (Object element : values) {
          normalized.add(ProtoRule.normalize(step.type, element));
        }
        rule.check.checkRepeated(at, normalized, false, out);
        return;
      }
      if (value instanceof ByteString && step.type == FieldDescriptor.Type.STRING) {
        ByteString utf8 = (ByteString) value;
        rule.check.checkUtf8(at, step.presence || !utf8.isEmpty(), utf8, out);
        return;
      }
      // DynamicMessage clears a field without presence that is set to its default value.
      boolean present = value != null && (step.presence || !value.equals(step.defaultValue));
      if (!present && !step.presence && step.numeric) {
        rule.check.checkDefault(at, step.normalizedDefault, out);
      } else if (present && value != null) {
        rule.check.checkSingle(at, true, ProtoRule.normalize(step.type, value), out);
      } else {
        rule.check.checkSingle(at, false, null, out);
      }
      return;
    }
    if (step.repeated) {
      if (value != null) {
        for (Object element : (List<?>) value) {
          check((Node) element, rule, i + 1, out);
        }
      }
    } else if (value != null) {
      check((Node) value, rule, i + 1, out);
    }
  }

  /** A rule with what its path's fields declare looked up once. */
  private static final class CompiledRule {
    final Step[] steps;
    final FieldCheck check;

    CompiledRule(ProtoRule rule) {
      this.check = rule.check;
      this.steps = new Step[rule.steps.length];
      for (int i = 0; i < steps.length; i++) {
        steps[i] = new Step(rule.steps[i]);
      }
    }
  }

  private static final class Step {
    final int index;
    final FieldDescriptor.Type type;
    final boolean repeated;
    final boolean presence;
    final boolean numeric;
    final @Nullable Object defaultValue; // null for repeated and message fields
    final @Nullable Object normalizedDefault; // as rules see it, for a number

    Step(FieldDescriptor field) {
      this.index = field.getIndex();
      this.type = field.getType();
      this.repeated = field.isRepeated();
      this.presence = field.hasPresence();
      this.numeric = ProtoRule.isNumeric(field);
      this.defaultValue =
          repeated || field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
              ? null
              : field.getDefaultValue();
      this.normalizedDefault =
          numeric && defaultValue != null ? ProtoRule.normalize(type, defaultValue) : null;
    }
  }
}
