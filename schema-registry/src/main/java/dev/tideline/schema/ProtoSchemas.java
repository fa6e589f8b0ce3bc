package dev.tideline.schema;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import dev.tideline.wire.Digests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * An index of the messages and enums of a protobuf {@link FileDescriptorSet}, and the
 * content-addressed schema id of each message.
 *
 * <p>The id of a message is the first 8 bytes (big-endian) of the SHA-256 of its canonical form:
 * the message and every message and enum it references, transitively, sorted by full name; for each
 * message its fields sorted by number with name, number, label, type, referenced type name, real
 * oneof and json name; for each enum its values sorted by number. Options, comments, source info,
 * file names and the order of declarations are not part of it, so a comment-only or option-only
 * change keeps the id and any wire-relevant change changes it (see docs/formats/schema-ids.md).
 *
 * <p>Uses only the lite descriptor protos, so it runs on Android too. Immutable and thread-safe.
 */
public final class ProtoSchemas {
  private final Map<String, DescriptorProto> messages = new HashMap<>();
  private final Map<String, EnumDescriptorProto> enums = new HashMap<>();
  private final Map<String, FileDescriptorProto> fileOfType = new HashMap<>();

  private ProtoSchemas(FileDescriptorSet set) {
    for (FileDescriptorProto file : set.getFileList()) {
      String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
      for (DescriptorProto message : file.getMessageTypeList()) {
        indexMessage(file, prefix, message);
      }
      for (EnumDescriptorProto enumType : file.getEnumTypeList()) {
        enums.put(prefix + enumType.getName(), enumType);
        fileOfType.put(prefix + enumType.getName(), file);
      }
    }
  }

  /** Indexes every message and enum (nested ones too) of a descriptor set. */
  public static ProtoSchemas of(FileDescriptorSet set) {
    return new ProtoSchemas(set);
  }

  private void indexMessage(FileDescriptorProto file, String prefix, DescriptorProto message) {
    String name = prefix + message.getName();
    messages.put(name, message);
    fileOfType.put(name, file);
    for (DescriptorProto nested : message.getNestedTypeList()) {
      indexMessage(file, name + ".", nested);
    }
    for (EnumDescriptorProto nested : message.getEnumTypeList()) {
      enums.put(name + "." + nested.getName(), nested);
      fileOfType.put(name + "." + nested.getName(), file);
    }
  }

  /** The message with this full name (no leading dot), or null. */
  public @Nullable DescriptorProto message(String fullName) {
    return messages.get(fullName);
  }

  /** The enum with this full name (no leading dot), or null. */
  public @Nullable EnumDescriptorProto enumType(String fullName) {
    return enums.get(fullName);
  }

  /** The file that declares this message or enum, or null. */
  public @Nullable FileDescriptorProto fileOf(String fullName) {
    return fileOfType.get(fullName);
  }

  /** The full names of all messages, sorted. */
  public List<String> messageNames() {
    List<String> names = new ArrayList<>(messages.keySet());
    Collections.sort(names);
    return names;
  }

  /** The content-addressed id of a message; see the class comment. */
  public long schemaId(String messageFullName) {
    byte[] digest = Digests.sha256(canonicalForm(messageFullName).getBytes(StandardCharsets.UTF_8));
    long id = 0;
    for (int i = 0; i < 8; i++) {
      id = (id << 8) | (digest[i] & 0xFF);
    }
    return id;
  }

  /**
   * The canonical form a message's id is computed from, one line per message, field, enum and
   * value.
   *
   * @throws IllegalArgumentException if the message, or a type it references, is not in the set
   */
  public String canonicalForm(String messageFullName) {
    DescriptorProto root = messages.get(messageFullName);
    if (root == null) {
      throw new IllegalArgumentException(
          "no message " + messageFullName + " in the descriptor set");
    }
    Set<String> closure = new TreeSet<>();
    Deque<DescriptorProto> pending = new ArrayDeque<>();
    pending.add(root);
    closure.add(messageFullName);
    while (!pending.isEmpty()) {
      DescriptorProto message = pending.remove();
      for (FieldDescriptorProto field : message.getFieldList()) {
        if (!field.hasTypeName()) {
          continue;
        }
        String ref = stripDot(field.getTypeName());
        if (closure.contains(ref)) {
          continue;
        }
        DescriptorProto referenced = messages.get(ref);
        if (referenced != null) {
          closure.add(ref);
          pending.add(referenced);
        } else if (enums.containsKey(ref)) {
          closure.add(ref);
        } else {
          throw new IllegalArgumentException(
              messageFullName + " references " + ref + ", which is not in the descriptor set");
        }
      }
    }
    StringBuilder out = new StringBuilder();
    for (String name : closure) {
      // Every name in the closure is a message or an enum of this set.
      DescriptorProto message = messages.get(name);
      EnumDescriptorProto enumType = enums.get(name);
      if (message != null) {
        appendMessage(out, name, message);
      } else if (enumType != null) {
        appendEnum(out, name, enumType);
      }
    }
    return out.toString();
  }

  private static void appendMessage(StringBuilder out, String name, DescriptorProto message) {
    out.append("message ").append(name).append('\n');
    List<FieldDescriptorProto> fields = new ArrayList<>(message.getFieldList());
    Collections.sort(fields, Comparator.comparingInt(FieldDescriptorProto::getNumber));
    for (FieldDescriptorProto field : fields) {
      out.append("  field ")
          .append(field.getNumber())
          .append(' ')
          .append(field.getName())
          .append(' ')
          .append(label(field))
          .append(' ')
          .append(type(field));
      if (field.hasTypeName()) {
        out.append(' ').append(stripDot(field.getTypeName()));
      }
      if (field.hasOneofIndex() && !field.getProto3Optional()) {
        OneofDescriptorProto oneof = message.getOneofDecl(field.getOneofIndex());
        out.append(" oneof=").append(oneof.getName());
      }
      out.append(" json=").append(jsonName(field)).append('\n');
    }
  }

  private static void appendEnum(StringBuilder out, String name, EnumDescriptorProto enumType) {
    out.append("enum ").append(name).append('\n');
    List<EnumValueDescriptorProto> values = new ArrayList<>(enumType.getValueList());
    Collections.sort(
        values,
        Comparator.comparingInt(EnumValueDescriptorProto::getNumber)
            .thenComparing(EnumValueDescriptorProto::getName));
    for (EnumValueDescriptorProto value : values) {
      out.append("  value ")
          .append(value.getNumber())
          .append(' ')
          .append(value.getName())
          .append('\n');
    }
  }

  /** "optional", "required" or "repeated"; proto3 optional fields count as "optional". */
  static String label(FieldDescriptorProto field) {
    switch (field.getLabel()) {
      case LABEL_REPEATED:
        return "repeated";
      case LABEL_REQUIRED:
        return "required";
      default:
        return "optional";
    }
  }

  /** The scalar type in lower case without the TYPE_ prefix: "int64", "message", "enum". */
  public static String type(FieldDescriptorProto field) {
    return field.getType().name().substring("TYPE_".length()).toLowerCase(Locale.ROOT);
  }

  /** The field's JSON name: declared, or protoc's lowerCamelCase default. */
  public static String jsonName(FieldDescriptorProto field) {
    if (field.hasJsonName()) {
      return field.getJsonName();
    }
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : field.getName().toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  /** A type name without its leading dot. */
  public static String stripDot(String typeName) {
    return typeName.startsWith(".") ? typeName.substring(1) : typeName;
  }
}
