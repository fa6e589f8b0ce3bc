package dev.tideline.validator;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.FieldSpec;
import dev.tideline.proto.v1.PiiClass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A protobuf catalog entry: FileDescriptors built from its descriptor set, rules compiled. */
final class ProtoSchema extends CompiledSchema {
  /** Files a descriptor set may import without holding them. */
  private static final Map<String, FileDescriptor> WELL_KNOWN = wellKnown();

  private final Descriptor descriptor;
  private final List<ProtoRule> rules = new ArrayList<>();
  private final List<FieldDescriptor[]> sensitivePaths = new ArrayList<>();
  private final boolean noCardNumbers;
  private final @Nullable WireCheck wireCheck; // null: no wire check (a ban on clear text)

  ProtoSchema(CatalogEntry entry, Set<PiiClass> notInClear) {
    super(entry);
    this.descriptor = build(entry);
    this.noCardNumbers = entry.getMeta().getNoCardNumbers();
    boolean clearTextBanned = false;
    for (FieldSpec spec : entry.getFieldsList()) {
      FieldCheck check = FieldCheck.compile(spec, notInClear);
      clearTextBanned |= check != null && check.forbidsClearText();
      boolean sensitive = FieldCheck.isSensitive(spec);
      if (check == null && !sensitive) {
        continue;
      }
      FieldDescriptor[] steps = resolve(spec.getPath());
      if (check != null) {
        rules.add(new ProtoRule(steps, check));
      }
      if (sensitive) {
        sensitivePaths.add(steps);
      }
    }
    // The wire check proves rules only; a ban on clear text takes the decoding path.
    this.wireCheck = clearTextBanned ? null : WireCheck.compile(descriptor, rules, noCardNumbers);
  }

  /** The event's message type. */
  Descriptor descriptor() {
    return descriptor;
  }

  private static Descriptor build(CatalogEntry entry) {
    FileDescriptorSet set;
    try {
      set = FileDescriptorSet.parseFrom(entry.getDescriptorSet());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("descriptor set does not parse: " + e.getMessage(), e);
    }
    Map<String, FileDescriptor> built = new HashMap<>();
    for (FileDescriptorProto file : set.getFileList()) {
      FileDescriptor[] dependencies = new FileDescriptor[file.getDependencyCount()];
      for (int i = 0; i < dependencies.length; i++) {
        String name = file.getDependency(i);
        FileDescriptor dependency = built.get(name);
        if (dependency == null) {
          dependency = WELL_KNOWN.get(name);
        }
        if (dependency == null) {
          throw new IllegalArgumentException(
              file.getName() + " imports " + name + ", which the descriptor set lacks");
        }
        dependencies[i] = dependency;
      }
      try {
        built.put(file.getName(), FileDescriptor.buildFrom(file, dependencies));
      } catch (DescriptorValidationException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    for (FileDescriptor file : built.values()) {
      Descriptor found = find(file.getMessageTypes(), entry.getEventType());
      if (found != null) {
        return found;
      }
    }
    throw new IllegalArgumentException(
        "descriptor set does not define message " + entry.getEventType());
  }

  private static @Nullable Descriptor find(List<Descriptor> messages, String fullName) {
    for (Descriptor message : messages) {
      if (message.getFullName().equals(fullName)) {
        return message;
      }
      if (fullName.startsWith(message.getFullName() + ".")) {
        Descriptor nested = find(message.getNestedTypes(), fullName);
        if (nested != null) {
          return nested;
        }
      }
    }
    return null;
  }

  private FieldDescriptor[] resolve(String path) {
    String[] names = path.split("\\.");
    FieldDescriptor[] steps = new FieldDescriptor[names.length];
    Descriptor at = descriptor;
    for (int i = 0; i < names.length; i++) {
      String name =
          names[i].endsWith("[]") ? names[i].substring(0, names[i].length() - 2) : names[i];
      FieldDescriptor field = at == null ? null : at.findFieldByName(name);
      if (field == null) {
        throw new IllegalArgumentException(
            "catalog field path " + path + " does not exist in " + descriptor.getFullName());
      }
      steps[i] = field;
      at = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? field.getMessageType() : null;
    }
    return steps;
  }

  @Override
  boolean certainlyValid(ByteString payload) {
    return wireCheck != null && wireCheck.passes(payload);
  }

  @Override
  Object decode(ByteString payload) throws InvalidProtocolBufferException {
    return DynamicMessage.parseFrom(descriptor, payload);
  }

  @Override
  void check(Object payload, List<Violation> out) {
    Message message = (Message) payload;
    for (ProtoRule rule : rules) {
      walk(message, rule, 0, null, out);
    }
    if (noCardNumbers) {
      scanForCardNumbers(message, "", out);
    }
  }

  private static void walk(
      Message message, ProtoRule rule, int i, @Nullable String prefix, List<Violation> out) {
    FieldDescriptor field = rule.steps[i];
    String at =
        prefix == null && i == rule.steps.length - 1
            ? rule.check.path
            : (prefix == null ? "" : prefix) + field.getName();
    if (i == rule.steps.length - 1) {
      if (field.isRepeated()) {
        List<Object> values = new ArrayList<>(message.getRepeatedFieldCount(field));
        for (int j = 0; j < message.getRepeatedFieldCount(field); j++) {
          values.add(normalize(field, message.getRepeatedField(field, j)));
        }
        rule.check.checkRepeated(at, values, field.isMapField(), out);
      } else {
        boolean present = message.hasField(field);
        if (!present && !field.hasPresence() && ProtoRule.isNumeric(field)) {
          // A proto3 number without presence reads as 0 when unset: its bounds apply to that 0
          // (items = 0 breaks min: 1), unless it is required, which already reports it.
          rule.check.checkDefault(at, normalize(field, message.getField(field)), out);
        } else {
          rule.check.checkSingle(
              at, present, present ? normalize(field, message.getField(field)) : null, out);
        }
      }
      return;
    }
    if (field.isRepeated()) {
      for (int j = 0; j < message.getRepeatedFieldCount(field); j++) {
        walk((Message) message.getRepeatedField(field, j), rule, i + 1, at + "[" + j + "].", out);
      }
    } else if (message.hasField(field)) {
      walk((Message) message.getField(field), rule, i + 1, at + ".", out);
    }
  }

  private static Object normalize(FieldDescriptor field, Object value) {
    return ProtoRule.normalize(field.getType(), value);
  }

  private static void scanForCardNumbers(Message message, String prefix, List<Violation> out) {
    for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
      FieldDescriptor field = entry.getKey();
      if (field.getType() == FieldDescriptor.Type.STRING) {
        if (field.isRepeated()) {
          List<?> values = (List<?>) entry.getValue();
          for (int j = 0; j < values.size(); j++) {
            if (CardNumbers.containsCardNumber((String) values.get(j))) {
              cardNumberViolation(prefix + field.getName() + "[" + j + "]", out);
            }
          }
        } else if (CardNumbers.containsCardNumber((String) entry.getValue())) {
          cardNumberViolation(prefix + field.getName(), out);
        }
      } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (field.isRepeated()) {
          List<?> values = (List<?>) entry.getValue();
          for (int j = 0; j < values.size(); j++) {
            scanForCardNumbers(
                (Message) values.get(j), prefix + field.getName() + "[" + j + "].", out);
          }
        } else {
          scanForCardNumbers((Message) entry.getValue(), prefix + field.getName() + ".", out);
        }
      }
    }
  }

  @Override
  ByteString mask(Object payload) {
    Message message = (Message) payload;
    for (FieldDescriptor[] steps : sensitivePaths) {
      message = mask(message, steps, 0);
    }
    if (noCardNumbers) {
      message = maskCardNumbers(message);
    }
    return message.toByteString();
  }

  private static Message mask(Message message, FieldDescriptor[] steps, int i) {
    FieldDescriptor field = steps[i];
    Message.Builder builder = message.toBuilder();
    if (i == steps.length - 1) {
      if (field.getType() == FieldDescriptor.Type.STRING) {
        if (field.isRepeated()) {
          for (int j = 0; j < message.getRepeatedFieldCount(field); j++) {
            builder.setRepeatedField(field, j, Masking.MASK);
          }
        } else if (message.hasField(field)) {
          builder.setField(field, Masking.MASK);
        }
      } else {
        builder.clearField(field);
      }
      return builder.build();
    }
    if (field.isRepeated()) {
      for (int j = 0; j < message.getRepeatedFieldCount(field); j++) {
        builder.setRepeatedField(
            field, j, mask((Message) message.getRepeatedField(field, j), steps, i + 1));
      }
    } else if (message.hasField(field)) {
      builder.setField(field, mask((Message) message.getField(field), steps, i + 1));
    }
    return builder.build();
  }

  private static Message maskCardNumbers(Message message) {
    Message.Builder builder = message.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
      FieldDescriptor field = entry.getKey();
      if (field.getType() == FieldDescriptor.Type.STRING) {
        if (field.isRepeated()) {
          List<?> values = (List<?>) entry.getValue();
          for (int j = 0; j < values.size(); j++) {
            if (CardNumbers.containsCardNumber((String) values.get(j))) {
              builder.setRepeatedField(field, j, Masking.MASK);
            }
          }
        } else if (CardNumbers.containsCardNumber((String) entry.getValue())) {
          builder.setField(field, Masking.MASK);
        }
      } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()) {
        builder.setField(field, maskCardNumbers((Message) entry.getValue()));
      }
    }
    return builder.build();
  }

  private static Map<String, FileDescriptor> wellKnown() {
    Map<String, FileDescriptor> files = new HashMap<>();
    for (FileDescriptor file :
        new FileDescriptor[] {
          com.google.protobuf.DescriptorProtos.getDescriptor(),
          com.google.protobuf.Timestamp.getDescriptor().getFile(),
          com.google.protobuf.Duration.getDescriptor().getFile(),
          com.google.protobuf.Any.getDescriptor().getFile(),
          com.google.protobuf.Empty.getDescriptor().getFile(),
          com.google.protobuf.Struct.getDescriptor().getFile(),
          com.google.protobuf.FieldMask.getDescriptor().getFile(),
          com.google.protobuf.StringValue.getDescriptor().getFile()
        }) {
      files.put(file.getName(), file);
    }
    return files;
  }
}
