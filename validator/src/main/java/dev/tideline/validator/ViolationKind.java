package dev.tideline.validator;

import java.util.Locale;

/** Why a record or an event was refused. Stable: reports and quarantine files use {@link #id()}. */
public enum ViolationKind {
  /** The record starts like a KPL aggregated record but is not a well-formed one. */
  MALFORMED_AGGREGATE,
  /** The aggregated record's trailing MD5 does not match its protobuf bytes. */
  BAD_CHECKSUM,
  /**
   * The envelope does not parse or breaks the envelope contract: missing ids, an event time beyond
   * the clock-skew tolerance in the future, and so on.
   */
  INVALID_ENVELOPE,
  /** No catalog this validator knows holds the envelope's schema id. */
  UNKNOWN_SCHEMA,
  /** The payload does not decode with the schema its envelope names. */
  UNDECODABLE_PAYLOAD,
  /** A value breaks a rule declared on its schema (required, min, pattern, ...). */
  RULE_VIOLATION,
  /**
   * A sub-record's hash key falls outside the hash-key range of the shard it was read from: KCL
   * consumers silently drop such sub-records.
   */
  OUTSIDE_SHARD_RANGE,
  /**
   * A field tagged with a PII class that the validator was told must not arrive in clear text
   * ({@link Validator.Builder#forbidClearPii}) holds a value that is neither empty nor in the
   * hashed form ({@code hmac-sha256:} and 64 hex digits). The value is never reported.
   */
  PII_IN_CLEAR;

  private final String id = name().toLowerCase(Locale.ROOT);

  /** The lower-case id used in reports, quarantine files and {@code --fail-on}. */
  public String id() {
    return id;
  }
}
