/**
 * The validator: {@link dev.tideline.validator.Validator} splits Kinesis records into events and
 * judges each one (typed {@link dev.tideline.validator.Violation}s, never an exception on bad
 * input); {@link dev.tideline.validator.Tally} counts what arrived, when and how late, and audits
 * delivery per producer, into a {@link dev.tideline.validator.ValidationReport}; {@link
 * dev.tideline.validator.Quarantine} keeps the bad events. Rendering the report is in {@link
 * dev.tideline.validator.report}; reading records in {@link dev.tideline.validator.source}.
 * Formats: docs/formats/validation-report.md.
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.validator;
