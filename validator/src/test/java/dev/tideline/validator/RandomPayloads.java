package dev.tideline.validator;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.MessageLite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random messages of any protobuf type, with values drawn near the edges rules care about (empty,
 * one past a bound, multi-byte characters, card numbers), and random damage to their bytes. Seeded,
 * so a failure repeats.
 */
final class RandomPayloads {
  private static final String[] STRINGS = {
    "",
    "a",
    "ab",
    "abc",
    "abcde",
    "abcdef",
    "ABC",
    "USD",
    "Ab",
    "é",
    "éé",
    "ééé",
    "日本語",
    "😀",
    "😀😀",
    "product",
    "ad",
    "banner",
    "c-0123abcd",
    "order_12345",
    "4111 1111 1111 1111",
    "https://example.com/x",
    "not a url",
  };
  private static final long[] LONGS = {
    0,
    1,
    -1,
    2,
    5,
    9,
    10,
    11,
    99,
    100,
    101,
    600_000,
    600_001,
    100_000_000_000L,
    100_000_000_001L,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
  };
  private static final double[] DOUBLES = {
    0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.0, 2.5, Double.NaN, Double.POSITIVE_INFINITY
  };

  private final Random random;

  RandomPayloads(long seed) {
    this.random = new Random(seed);
  }

  Random random() {
    return random;
  }

  /** A random message of {@code type}. */
  DynamicMessage message(Descriptor type) {
    return message(type, 0);
  }

  private DynamicMessage message(Descriptor type, int depth) {
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
    for (FieldDescriptor field : type.getFields()) {
      if (random.nextInt(10) < 3) {
        continue;
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= 3) {
        continue;
      }
      if (field.isRepeated()) {
        int count = random.nextInt(5);
        for (int i = 0; i < count; i++) {
          builder.addRepeatedField(field, value(field, depth));
        }
      } else {
        builder.setField(field, value(field, depth));
      }
    }
    return builder.build();
  }

  /** A random message whose broken fields are re-drawn until it keeps the rules (mostly). */
  DynamicMessage nearlyValid(ProtoSchema schema) {
    Descriptor type = schema.descriptor();
    DynamicMessage message = message(type);
    for (int attempt = 0; attempt < 40; attempt++) {
      List<Violation> violations = new ArrayList<>();
      schema.check(message, violations);
      if (violations.isEmpty()) {
        return message;
      }
      String path = violations.get(random.nextInt(violations.size())).path();
      FieldDescriptor broken = type.findFieldByName(path.split("[.\\[]")[0]);
      if (broken == null) {
        return message;
      }
      message = reroll(message, broken);
    }
    return message;
  }

  /** The message with one field cleared, or set anew. */
  DynamicMessage reroll(DynamicMessage message, FieldDescriptor field) {
    DynamicMessage.Builder builder = message.toBuilder().clearField(field);
    if (random.nextInt(4) > 0) {
      if (field.isRepeated()) {
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
          builder.addRepeatedField(field, value(field, 1));
        }
      } else {
        builder.setField(field, value(field, 1));
      }
    }
    return builder.build();
  }

  private Object value(FieldDescriptor field, int depth) {
    switch (field.getJavaType()) {
      case INT:
        return (int) pick(LONGS);
      case LONG:
        return random.nextInt(4) == 0 ? random.nextLong() : pick(LONGS);
      case FLOAT:
        return (float) DOUBLES[random.nextInt(DOUBLES.length)];
      case DOUBLE:
        return DOUBLES[random.nextInt(DOUBLES.length)];
      case BOOLEAN:
        return random.nextBoolean();
      case STRING:
        return random.nextInt(20) == 0
            ? repeat("x", random.nextInt(2100))
            : STRINGS[random.nextInt(STRINGS.length)];
      case BYTE_STRING:
        {
          byte[] bytes = new byte[random.nextInt(7)];
          random.nextBytes(bytes);
          return ByteString.copyFrom(bytes);
        }
      case ENUM:
        {
          List<EnumValueDescriptor> values = field.getEnumType().getValues();
          return values.get(random.nextInt(values.size()));
        }
      default:
        return message(field.getMessageType(), depth + 1);
    }
  }

  private long pick(long[] values) {
    return values[random.nextInt(values.length)];
  }

  private static String repeat(String text, int times) {
    StringBuilder out = new StringBuilder(text.length() * times);
    for (int i = 0; i < times; i++) {
      out.append(text);
    }
    return out.toString();
  }

  /**
   * The bytes with one random kind of damage: a byte changed, cut short, a field of another random
   * message of the same type appended (so a field may occur twice), an unknown field appended, a
   * string of bytes that are not UTF-8 appended under a random field number, a field holding an
   * explicit default (0 or empty) appended, or bytes inserted.
   */
  byte[] damage(byte[] bytes, MessageLite other) {
    try {
      switch (random.nextInt(7)) {
        case 0:
          {
            if (bytes.length == 0) {
              return new byte[] {(byte) random.nextInt(256)};
            }
            byte[] changed = bytes.clone();
            changed[random.nextInt(changed.length)] = (byte) random.nextInt(256);
            return changed;
          }
        case 1:
          return java.util.Arrays.copyOf(
              bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
        case 2:
          return concat(bytes, other.toByteArray());
        case 3:
          return concat(bytes, field(1 + random.nextInt(40), new byte[] {1, 2, 3}));
        case 4:
          return concat(
              bytes,
              field(1 + random.nextInt(25), new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}));
        case 5:
          return concat(bytes, explicitDefault(1 + random.nextInt(25), random.nextBoolean()));
        default:
          {
            int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            byte[] inserted = new byte[1 + random.nextInt(3)];
            random.nextBytes(inserted);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(bytes, 0, at);
            out.write(inserted);
            out.write(bytes, at, bytes.length - at);
            return out.toByteArray();
          }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A field holding its type's default, which canonical encoding leaves out: 0 or empty. */
  static byte[] explicitDefault(int number, boolean lengthDelimited) throws IOException {
    if (lengthDelimited) {
      return field(number, new byte[0]);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    coded.writeUInt64(number, 0);
    coded.flush();
    return out.toByteArray();
  }

  /** A length-delimited field. */
  static byte[] field(int number, byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    coded.writeByteArray(number, content);
    coded.flush();
    return out.toByteArray();
  }

  static byte[] concat(byte[] first, byte[] second) {
    byte[] out = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, out, first.length, second.length);
    return out;
  }
}
