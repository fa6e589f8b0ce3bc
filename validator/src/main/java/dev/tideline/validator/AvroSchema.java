package dev.tideline.validator;

import com.google.protobuf.ByteString;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.FieldSpec;
import dev.tideline.proto.v1.PiiClass;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.jspecify.annotations.Nullable;

/** An Avro catalog entry: the schema parsed, a reader built, rules compiled. */
final class AvroSchema extends CompiledSchema {
  private final Schema schema;
  private final GenericDatumReader<GenericRecord> reader;
  private final List<Rule> rules = new ArrayList<>();
  private final List<String[]> sensitivePaths = new ArrayList<>();
  private final boolean noCardNumbers;

  private static final class Rule {
    final String[] steps;
    final FieldCheck check;
    final boolean repeated;

    Rule(String[] steps, FieldCheck check, boolean repeated) {
      this.steps = steps;
      this.check = check;
      this.repeated = repeated;
    }
  }

  AvroSchema(CatalogEntry entry, Set<PiiClass> notInClear) {
    super(entry);
    this.schema = new Schema.Parser().parse(entry.getAvroSchema());
    if (schema.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException("Avro event schemas must be records");
    }
    this.reader = new GenericDatumReader<>(schema);
    this.noCardNumbers = entry.getMeta().getNoCardNumbers();
    for (FieldSpec spec : entry.getFieldsList()) {
      FieldCheck check = FieldCheck.compile(spec, notInClear);
      String[] steps = spec.getPath().replace("[]", "").split("\\.");
      if (check != null) {
        rules.add(new Rule(steps, check, spec.getRepeated()));
      }
      if (FieldCheck.isSensitive(spec)) {
        sensitivePaths.add(steps);
      }
    }
  }

  @Override
  Object decode(ByteString payload) throws IOException {
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(payload.newInput(), null);
    GenericRecord record = reader.read(null, decoder);
    if (!decoder.isEnd()) {
      throw new IOException("Avro payload has bytes left after the record");
    }
    return record;
  }

  @Override
  void check(Object payload, List<Violation> out) {
    GenericRecord record = (GenericRecord) payload;
    for (Rule rule : rules) {
      walk(record, rule, 0, "", out);
    }
    if (noCardNumbers) {
      scan(record, "", out);
    }
  }

  private static void walk(
      GenericRecord record, Rule rule, int i, String prefix, List<Violation> out) {
    String name = rule.steps[i];
    String at = prefix + name;
    Object value = record.hasField(name) ? record.get(name) : null;
    if (i == rule.steps.length - 1) {
      if (value instanceof Collection || value instanceof Map) {
        boolean map = value instanceof Map;
        Collection<?> items = map ? ((Map<?, ?>) value).values() : (Collection<?>) value;
        List<Object> normalized = new ArrayList<>(items.size());
        for (Object item : items) {
          normalized.add(normalize(item));
        }
        rule.check.checkRepeated(at, normalized, map, out);
      } else if (rule.repeated && value == null) {
        rule.check.checkRepeated(at, new ArrayList<>(), false, out);
      } else {
        Object normalized = normalize(value);
        rule.check.checkSingle(at, present(normalized), normalized, out);
      }
      return;
    }
    if (value instanceof List) {
      List<?> items = (List<?>) value;
      for (int j = 0; j < items.size(); j++) {
        if (items.get(j) instanceof GenericRecord) {
          walk((GenericRecord) items.get(j), rule, i + 1, at + "[" + j + "].", out);
        }
      }
    } else if (value instanceof GenericRecord) {
      walk((GenericRecord) value, rule, i + 1, at + ".", out);
    }
  }

  private static boolean present(@Nullable Object value) {
    if (value == null) {
      return false;
    }
    if (value instanceof String) {
      return !((String) value).isEmpty();
    }
    if (value instanceof ByteBuffer) {
      return ((ByteBuffer) value).hasRemaining();
    }
    return true;
  }

  private static @Nullable Object normalize(@Nullable Object value) {
    if (value instanceof CharSequence || value instanceof GenericData.EnumSymbol) {
      return value.toString();
    }
    if (value instanceof GenericFixed) {
      return ByteBuffer.wrap(((GenericFixed) value).bytes());
    }
    return value;
  }

  private static void scan(Object value, String at, List<Violation> out) {
    if (value instanceof CharSequence) {
      if (CardNumbers.containsCardNumber((CharSequence) value)) {
        cardNumberViolation(at, out);
      }
    } else if (value instanceof GenericRecord) {
      GenericRecord record = (GenericRecord) value;
      String prefix = at.isEmpty() ? "" : at + ".";
      for (Schema.Field field : record.getSchema().getFields()) {
        scan(record.get(field.pos()), prefix + field.name(), out);
      }
    } else if (value instanceof List) {
      List<?> items = (List<?>) value;
      for (int j = 0; j < items.size(); j++) {
        scan(items.get(j), at + "[" + j + "]", out);
      }
    } else if (value instanceof Map) {
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        scan(entry.getKey(), at + "{key}", out);
        scan(entry.getValue(), at + "{" + entry.getKey() + "}", out);
      }
    }
  }

  @Override
  ByteString mask(Object payload) {
    GenericRecord copy = GenericData.get().deepCopy(schema, (GenericRecord) payload);
    for (String[] steps : sensitivePaths) {
      mask(copy, steps, 0);
    }
    if (noCardNumbers) {
      maskCardNumbers(copy);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    try {
      new GenericDatumWriter<GenericRecord>(schema).write(copy, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return ByteString.copyFrom(bytes.toByteArray());
  }

  private static void mask(GenericRecord record, String[] steps, int i) {
    Schema.Field field = record.getSchema().getField(steps[i]);
    if (field == null) {
      return;
    }
    Object value = record.get(field.pos());
    if (i == steps.length - 1) {
      record.put(field.pos(), masked(field.schema(), value));
      return;
    }
    if (value instanceof List) {
      for (Object item : (List<?>) value) {
        if (item instanceof GenericRecord) {
          mask((GenericRecord) item, steps, i + 1);
        }
      }
    } else if (value instanceof GenericRecord) {
      mask((GenericRecord) value, steps, i + 1);
    }
  }

  /** A value the schema accepts that tells nothing: null if allowed, else a neutral value. */
  private static @Nullable Object masked(Schema schema, @Nullable Object value) {
    if (value == null) {
      return null;
    }
    if (schema.getType() == Schema.Type.UNION) {
      for (Schema branch : schema.getTypes()) {
        if (branch.getType() == Schema.Type.STRING && value instanceof CharSequence) {
          return Masking.MASK;
        }
      }
      for (Schema branch : schema.getTypes()) {
        if (branch.getType() == Schema.Type.NULL) {
          return null;
        }
      }
      return value;
    }
    switch (schema.getType()) {
      case STRING:
        return Masking.MASK;
      case INT:
        return 0;
      case LONG:
        return 0L;
      case FLOAT:
        return 0f;
      case DOUBLE:
        return 0d;
      case BYTES:
        return ByteBuffer.allocate(0);
      case ARRAY:
        return new GenericData.Array<>(0, schema);
      default:
        return value;
    }
  }

  private static void maskCardNumbers(GenericRecord record) {
    for (Schema.Field field : record.getSchema().getFields()) {
      Object value = record.get(field.pos());
      if (value instanceof CharSequence && CardNumbers.containsCardNumber((CharSequence) value)) {
        record.put(field.pos(), Masking.MASK);
      } else if (value instanceof GenericRecord) {
        maskCardNumbers((GenericRecord) value);
      }
    }
  }
}
