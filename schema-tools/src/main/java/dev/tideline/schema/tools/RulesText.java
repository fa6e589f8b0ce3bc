package dev.tideline.schema.tools;

import dev.tideline.proto.v1.FieldMeta;
import dev.tideline.proto.v1.FieldRules;
import dev.tideline.proto.v1.PiiClass;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Rules and PII classes as people read them in docs and diffs. */
final class RulesText {
  private RulesText() {}

  /** For example "required; max_len 200; pattern ^[A-Z]{3}$"; "" without rules. */
  static String of(FieldRules rules) {
    List<String> parts = new ArrayList<>();
    if (rules.getRequired()) {
      parts.add("required");
    }
    if (rules.hasMin()) {
      parts.add("min " + number(rules.getMin()));
    }
    if (rules.hasMax()) {
      parts.add("max " + number(rules.getMax()));
    }
    if (rules.hasMinLen()) {
      parts.add("min_len " + rules.getMinLen());
    }
    if (rules.hasMaxLen()) {
      parts.add("max_len " + rules.getMaxLen());
    }
    if (rules.hasMinItems()) {
      parts.add("min_items " + rules.getMinItems());
    }
    if (rules.hasMaxItems()) {
      parts.add("max_items " + rules.getMaxItems());
    }
    if (rules.hasPattern()) {
      parts.add("pattern " + rules.getPattern());
    }
    if (rules.getInCount() > 0) {
      parts.add("in [" + String.join(", ", rules.getInList()) + "]");
    }
    return String.join("; ", parts);
  }

  /** "PII_FINANCIAL", or "" when the field is not personal data or not classified. */
  static String pii(FieldMeta meta) {
    PiiClass pii = meta.getPii();
    return pii == PiiClass.PII_CLASS_UNSPECIFIED || pii == PiiClass.PII_NONE ? "" : pii.name();
  }

  static String number(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
