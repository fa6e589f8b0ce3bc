package dev.tideline.sdk;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.FieldSpec;
import dev.tideline.schema.HashedPii;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PiiPolicy} applied to one protobuf schema: which field numbers of which message types to
 * hash, drop, or enter, compiled once per schema from its catalog entry's flattened fields (no
 * descriptors, so it runs on the lite runtime). It rewrites a serialized payload on the wire:
 * fields it does not name are copied as they are, unknown fields included.
 *
 * <p>Message types are planned by name, not by path, so a recursive type is covered at every depth.
 * Types without a field the policy changes are not entered. Immutable and thread-safe.
 */
final class PiiPlan {
  /** Deeper nesting than protobuf's own parser accepts is refused, not copied unchecked. */
  private static final int RECURSION_LIMIT = 100;

  /** One message type: what to do per field number. */
  private static final class TypePlan {
    final Map<Integer, FieldPlan> byNumber = new HashMap<>();
  }

  private static final class FieldPlan {
    final PiiPolicy.@Nullable Action action; // HASH or DROP; null: a message holding such fields
    final @Nullable TypePlan nested; // the plan of that message

    FieldPlan(PiiPolicy.Action action) {
      this.action = action;
      this.nested = null;
    }

    FieldPlan(TypePlan nested) {
      this.action = null;
      this.nested = nested;
    }
  }

  /** What rewriting changed in one payload. */
  static final class Counts {
    int hashed;
    int dropped;
  }

  /** Stands for "no plan" in maps, which hold no nulls. Never applied. */
  static final PiiPlan NONE = new PiiPlan(PiiPolicy.keepAll(), new TypePlan());

  private final PiiPolicy policy;
  private final TypePlan root;

  private PiiPlan(PiiPolicy policy, TypePlan root) {
    this.policy = policy;
    this.root = root;
  }

  /** The plan of a schema, or null when the policy changes nothing in it. */
  static @Nullable PiiPlan compile(CatalogEntry entry, PiiPolicy policy) {
    if (policy.keepsAll()) {
      return null;
    }
    // The fields of each message type, found under the paths where the catalog flattened them.
    Map<String, String> typeOfPath = new HashMap<>();
    Map<String, Map<Integer, FieldSpec>> fieldsByType = new LinkedHashMap<>();
    for (FieldSpec spec : entry.getFieldsList()) {
      String path = spec.getPath();
      int dot = path.lastIndexOf('.');
      String container =
          dot < 0 ? entry.getEventType() : typeOfPath.get(stripBrackets(path.substring(0, dot)));
      if (container == null) {
        continue; // a parent the catalog did not list: nothing to reach it by
      }
      Map<Integer, FieldSpec> fields = fieldsByType.get(container);
      if (fields == null) {
        fields = new HashMap<>();
        fieldsByType.put(container, fields);
      }
      if (!fields.containsKey(spec.getNumber())) {
        fields.put(spec.getNumber(), spec);
      }
      String messageType = messageType(spec);
      if (messageType != null) {
        typeOfPath.put(path, messageType);
      }
    }
    // The types worth entering: those with a field to change, or a message field of such a type.
    Set<String> relevant = new HashSet<>();
    for (Map.Entry<String, Map<Integer, FieldSpec>> type : fieldsByType.entrySet()) {
      for (FieldSpec spec : type.getValue().values()) {
        if (action(spec, policy) != PiiPolicy.Action.KEEP) {
          relevant.add(type.getKey());
        }
      }
    }
    boolean grew = !relevant.isEmpty();
    while (grew) {
      grew = false;
      for (Map.Entry<String, Map<Integer, FieldSpec>> type : fieldsByType.entrySet()) {
        if (relevant.contains(type.getKey())) {
          continue;
        }
        for (FieldSpec spec : type.getValue().values()) {
          String messageType = messageType(spec);
          if (messageType != null && relevant.contains(messageType)) {
            relevant.add(type.getKey());
            grew = true;
            break;
          }
        }
      }
    }
    Map<String, TypePlan> plans = new HashMap<>();
    for (String type : relevant) {
      plans.put(type, new TypePlan());
    }
    for (Map.Entry<String, Map<Integer, FieldSpec>> type : fieldsByType.entrySet()) {
      TypePlan plan = plans.get(type.getKey());
      if (plan == null) {
        continue; // not relevant
      }
      for (FieldSpec spec : type.getValue().values()) {
        PiiPolicy.Action action = action(spec, policy);
        if (action != PiiPolicy.Action.KEEP) {
          plan.byNumber.put(spec.getNumber(), new FieldPlan(action));
        } else {
          String messageType = messageType(spec);
          TypePlan nested = messageType == null ? null : plans.get(messageType);
          if (nested != null) { // a relevant message type
            plan.byNumber.put(spec.getNumber(), new FieldPlan(nested));
          }
        }
      }
    }
    TypePlan root = plans.get(entry.getEventType());
    return root == null ? null : new PiiPlan(policy, root);
  }

  /** What the policy does with a field: HASH only for strings, which keep their type hashed. */
  private static PiiPolicy.Action action(FieldSpec spec, PiiPolicy policy) {
    PiiPolicy.Action action = policy.action(spec.getMeta().getPii());
    if (action == PiiPolicy.Action.HASH && !spec.getType().equals("string")) {
      return PiiPolicy.Action.DROP;
    }
    return action;
  }

  /** The message type of a message field ("message a.B"), or null (scalars, enums, maps). */
  private static @Nullable String messageType(FieldSpec spec) {
    String type = spec.getType();
    return type.startsWith("message ") ? type.substring("message ".length()) : null;
  }

  private static boolean isHashed(byte[] value) {
    return value.length == HashedPii.PREFIX.length() + HashedPii.DIGEST_HEX_DIGITS
        && HashedPii.isHashed(new String(value, StandardCharsets.UTF_8));
  }

  private static String stripBrackets(String path) {
    return path.endsWith("[]") ? path.substring(0, path.length() - 2) : path;
  }

  /**
   * The payload with the policy applied.
   *
   * @throws IOException if the payload is not well-formed protobuf, or nests past the recursion
   *     limit
   */
  byte[] apply(byte[] payload, Counts counts) throws IOException {
    return rewrite(payload, root, counts, 0);
  }

  // skipField(int, CodedOutputStream) is deprecated in protobuf 4.x without a replacement that
  // copies a field through unparsed, which is what this needs; it still works on both runtimes.
  @SuppressWarnings("deprecation")
  private byte[] rewrite(byte[] payload, TypePlan plan, Counts counts, int depth)
      throws IOException {
    if (depth > RECURSION_LIMIT) {
      throw new IOException("message nests deeper than " + RECURSION_LIMIT + " levels");
    }
    CodedInputStream input = CodedInputStream.newInstance(payload);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length);
    CodedOutputStream output = CodedOutputStream.newInstance(bytes, Math.max(64, payload.length));
    for (int tag = input.readTag(); tag != 0; tag = input.readTag()) {
      int number = WireFormat.getTagFieldNumber(tag);
      FieldPlan field = plan.byNumber.get(number);
      if (field == null) {
        input.skipField(tag, output);
        continue;
      }
      boolean delimited = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
      if (field.action == PiiPolicy.Action.HASH && delimited) {
        byte[] value = input.readByteArray();
        if (value.length == 0 || isHashed(value)) {
          output.writeByteArray(number, value);
        } else {
          output.writeString(number, policy.hash(value));
          counts.hashed++;
        }
      } else if (field.nested != null && delimited) {
        output.writeByteArray(
            number, rewrite(input.readByteArray(), field.nested, counts, depth + 1));
      } else {
        // DROP; or a group holding personal fields, which cannot be entered: dropped whole.
        input.skipField(tag);
        counts.dropped++;
      }
    }
    output.flush();
    return bytes.toByteArray();
  }
}
