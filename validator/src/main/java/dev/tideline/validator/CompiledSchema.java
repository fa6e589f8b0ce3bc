package dev.tideline.validator;

import com.google.protobuf.ByteString;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.PiiClass;
import dev.tideline.proto.v1.SchemaFormat;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A catalog entry made ready to decode and check payloads: descriptors built or the Avro schema
 * parsed, and rules compiled, once per schema id. Thread-safe.
 */
abstract class CompiledSchema {
  final CatalogEntry entry;

  CompiledSchema(CatalogEntry entry) {
    this.entry = entry;
  }

  static CompiledSchema compile(CatalogEntry entry) {
    return compile(entry, Collections.<PiiClass>emptySet());
  }

  /**
   * Compiles an entry whose fields of the given PII classes must not arrive in clear text ({@link
   * Validator.Builder#forbidClearPii}).
   */
  static CompiledSchema compile(CatalogEntry entry, Set<PiiClass> notInClear) {
    try {
      if (entry.getFormat() == SchemaFormat.AVRO) {
        return new AvroSchema(entry, notInClear);
      }
      return new ProtoSchema(entry, notInClear);
    } catch (RuntimeException e) {
      return new Unusable(entry, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /** Why this entry cannot decode anything, or null when it can. */
  @Nullable String error() {
    return null;
  }

  /**
   * Whether the payload certainly decodes and breaks no rule, found without decoding it; false when
   * not sure, and then {@link #decode} and {@link #check} give the verdict.
   */
  boolean certainlyValid(ByteString payload) {
    return false;
  }

  /**
   * Decodes a payload.
   *
   * @throws Exception with a readable message when it does not decode
   */
  abstract Object decode(ByteString payload) throws Exception;

  /** Adds the rule violations of a decoded payload to {@code out}. */
  abstract void check(Object payload, List<Violation> out);

  /** The payload re-encoded with every field tagged as personal data masked. */
  abstract ByteString mask(Object payload);

  static void cardNumberViolation(String at, List<Violation> out) {
    out.add(Violation.rule("no_card_numbers", at, "no payment card number", "a card number", true));
  }

  /** An entry whose schema does not build (a corrupt descriptor set or Avro schema). */
  static final class Unusable extends CompiledSchema {
    private final String error;

    Unusable(CatalogEntry entry, String error) {
      super(entry);
      this.error = "schema of " + entry.getEventType() + " does not build: " + error;
    }

    @Override
    String error() {
      return error;
    }

    @Override
    Object decode(ByteString payload) throws Exception {
      throw new IllegalStateException(error);
    }

    @Override
    void check(Object payload, List<Violation> out) {}

    @Override
    ByteString mask(Object payload) {
      throw new IllegalStateException(error);
    }
  }
}
