package dev.tideline.validator;

import com.google.protobuf.ByteString;
import dev.tideline.proto.v1.FieldRules;
import dev.tideline.proto.v1.FieldSpec;
import dev.tideline.proto.v1.PiiClass;
import dev.tideline.schema.HashedPii;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * The rules of one field, compiled once per schema: patterns are compiled, sets built. Checks
 * values already normalized by the format's reader: strings (enum values as their names), numbers,
 * byte strings, lists for repeated fields and maps. A field of a PII class that must not arrive in
 * clear text is checked here too: any value present that is not in the {@link HashedPii} form.
 */
final class FieldCheck {
  final String path;
  final boolean sensitive;
  private final boolean required;
  // Null: no such rule.
  private final @Nullable Double min;
  private final @Nullable Double max;
  private final @Nullable Pattern pattern;
  private final @Nullable Set<String> in;
  private final @Nullable Integer minLen;
  private final @Nullable Integer maxLen;
  private final @Nullable Integer minItems;
  private final @Nullable Integer maxItems;
  private final @Nullable PiiClass forbiddenInClear; // null: clear text allowed

  private FieldCheck(FieldSpec spec, boolean forbidClear) {
    FieldRules rules = spec.getRules();
    this.path = spec.getPath();
    this.sensitive = isSensitive(spec);
    this.required = rules.getRequired();
    this.min = rules.hasMin() ? rules.getMin() : null;
    this.max = rules.hasMax() ? rules.getMax() : null;
    Pattern compiled = null;
    if (rules.hasPattern()) {
      try {
        compiled = Pattern.compile(rules.getPattern());
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            spec.getPath() + ": rule pattern does not compile: " + e.getMessage(), e);
      }
    }
    this.pattern = compiled;
    this.in = rules.getInCount() == 0 ? null : new HashSet<>(rules.getInList());
    this.minLen = rules.hasMinLen() ? rules.getMinLen() : null;
    this.maxLen = rules.hasMaxLen() ? rules.getMaxLen() : null;
    this.minItems = rules.hasMinItems() ? rules.getMinItems() : null;
    this.maxItems = rules.hasMaxItems() ? rules.getMaxItems() : null;
    this.forbiddenInClear = forbidClear ? spec.getMeta().getPii() : null;
  }

  /** The compiled rules of a field, or null when it declares none. */
  static @Nullable FieldCheck compile(FieldSpec spec) {
    return compile(spec, Collections.<PiiClass>emptySet());
  }

  /**
   * The compiled rules of a field, and whether it breaks a ban on clear text for its PII class;
   * null when it declares no rule and is under no ban.
   */
  static @Nullable FieldCheck compile(FieldSpec spec, Set<PiiClass> notInClear) {
    boolean forbidClear = notInClear.contains(spec.getMeta().getPii());
    if (!forbidClear
        && (!spec.hasRules() || spec.getRules().equals(FieldRules.getDefaultInstance()))) {
      return null;
    }
    return new FieldCheck(spec, forbidClear);
  }

  /** Whether values of this field must not arrive in clear text. */
  boolean forbidsClearText() {
    return forbiddenInClear != null;
  }

  static boolean isSensitive(FieldSpec spec) {
    PiiClass pii = spec.getMeta().getPii();
    return pii != PiiClass.PII_CLASS_UNSPECIFIED && pii != PiiClass.PII_NONE;
  }

  /** Checks a singular field; {@code value} is ignored when not present. */
  void checkSingle(String at, boolean present, @Nullable Object value, List<Violation> out) {
    if (!present) {
      if (required) {
        out.add(Violation.rule("required", at, "present and not the default value", null, false));
      }
      return;
    }
    checkValue(at, value, out);
    checkNotInClear(at, value, out);
  }

  /**
   * A value present in a field whose class must not arrive in clear text: a non-empty string not in
   * the hashed form, or any other value (only strings can be hashed; the rest must be dropped). The
   * violation never carries the value.
   */
  private void checkNotInClear(String at, @Nullable Object value, List<Violation> out) {
    if (forbiddenInClear == null) {
      return;
    }
    if (value instanceof String) {
      String text = (String) value;
      if (text.isEmpty() || HashedPii.isHashed(text)) {
        return;
      }
    } else if (value instanceof ByteString && ((ByteString) value).isEmpty()) {
      return;
    } else if (value instanceof ByteBuffer && !((ByteBuffer) value).hasRemaining()) {
      return;
    }
    out.add(Violation.piiInClear(at, forbiddenInClear, value instanceof String));
  }

  /** Checks the default value of a field without presence: required, else the value's bounds. */
  void checkDefault(String at, @Nullable Object value, List<Violation> out) {
    if (required) {
      checkSingle(at, false, null, out);
    } else {
      checkValue(at, value, out);
    }
  }

  /** Checks a repeated field or a map: element count, then each element. */
  void checkRepeated(String at, Collection<?> values, boolean map, List<Violation> out) {
    int size = values.size();
    if (required && size == 0) {
      out.add(Violation.rule("required", at, "at least 1 element", "0", false));
    }
    if (minItems != null && size < minItems) {
      out.add(Violation.rule("min_items", at, ">= " + minItems, Integer.toString(size), false));
    }
    if (maxItems != null && size > maxItems) {
      out.add(Violation.rule("max_items", at, "<= " + maxItems, Integer.toString(size), false));
    }
    if (forbiddenInClear != null) {
      int i = 0;
      for (Object value : values) {
        checkNotInClear(at + "[" + i + "]", value, out);
        i++;
      }
    }
    if (map || !hasValueRules()) {
      return;
    }
    int i = 0;
    for (Object value : values) {
      checkValue(at + "[" + i + "]", value, out);
      i++;
    }
  }

  /** Whether string values need their text (a pattern or a set), not only their length. */
  boolean needsText() {
    return pattern != null || in != null;
  }

  /**
   * Checks a singular string field given as valid UTF-8 bytes; only for rules that do not {@link
   * #needsText}. The same verdicts as {@link #checkSingle} on the decoded string.
   */
  void checkUtf8(String at, boolean present, ByteString utf8, List<Violation> out) {
    if (!present) {
      checkSingle(at, false, null, out);
      return;
    }
    if (minLen == null && maxLen == null) {
      return;
    }
    int bytes = utf8.size();
    if (isHashedPersonalValue(bytes, utf8)) {
      return;
    }
    // A code point takes 1 to 4 bytes, so the byte count bounds the length without counting.
    if ((minLen == null || (bytes + 3) / 4 >= minLen) && (maxLen == null || bytes <= maxLen)) {
      return;
    }
    int codePoints = 0;
    for (int i = 0; i < bytes; i++) {
      if ((utf8.byteAt(i) & 0xC0) != 0x80) {
        codePoints++;
      }
    }
    checkLength(at, codePoints, "characters", out);
  }

  private boolean hasValueRules() {
    return min != null
        || max != null
        || pattern != null
        || in != null
        || minLen != null
        || maxLen != null;
  }

  /**
   * Whether a personal field holds the SDK's hash of its value: the rules describe the clear value
   * (a length, a pattern), which its hash cannot be judged by, so they do not apply to it.
   */
  private boolean isHashedPersonalValue(String text) {
    return sensitive && HashedPii.isHashed(text);
  }

  private boolean isHashedPersonalValue(int utf8Bytes, ByteString utf8) {
    return sensitive
        && utf8Bytes == HashedPii.PREFIX.length() + HashedPii.DIGEST_HEX_DIGITS
        && HashedPii.isHashed(utf8.toStringUtf8());
  }

  private void checkValue(String at, @Nullable Object value, List<Violation> out) {
    if (value instanceof String) {
      String text = (String) value;
      if (isHashedPersonalValue(text)) {
        return;
      }
      if (pattern != null && !pattern.matcher(text).matches()) {
        out.add(Violation.rule("pattern", at, pattern.pattern(), text, sensitive));
      }
      if (in != null && !in.contains(text)) {
        out.add(Violation.rule("in", at, "one of " + new ArrayList<>(in), text, sensitive));
      }
      if (minLen != null || maxLen != null) {
        checkLength(at, text.codePointCount(0, text.length()), "characters", out);
      }
    } else if (value instanceof Number) {
      double number = ((Number) value).doubleValue();
      if (min != null && number < min) {
        out.add(Violation.rule("min", at, ">= " + readable(min), readable(number), sensitive));
      }
      if (max != null && number > max) {
        out.add(Violation.rule("max", at, "<= " + readable(max), readable(number), sensitive));
      }
    } else if (value instanceof ByteString) {
      checkLength(at, ((ByteString) value).size(), "bytes", out);
    } else if (value instanceof ByteBuffer) {
      checkLength(at, ((ByteBuffer) value).remaining(), "bytes", out);
    }
  }

  private void checkLength(String at, int length, String unit, List<Violation> out) {
    if (minLen != null && length < minLen) {
      out.add(
          Violation.rule("min_len", at, ">= " + minLen + " " + unit, length + " " + unit, false));
    }
    if (maxLen != null && length > maxLen) {
      out.add(
          Violation.rule("max_len", at, "<= " + maxLen + " " + unit, length + " " + unit, false));
    }
  }

  static String readable(double number) {
    if (number == Math.rint(number) && Math.abs(number) < 1e18) {
      return Long.toString((long) number);
    }
    return Double.toString(number);
  }
}
