/**
 * The validator: {@link dev.tideline.validator.Validator} splits Kinesis records into events and
 * judges each one (typed {@link dev.tideline.validator.Violation}s, never an exception on bad
 * input); {@link dev.tideline.validator.Tally} counts what arrived, when and how late, and audits
 * delivery per producer; {@link dev.tideline.validator.Reports} renders the {@link
 * dev.tideline.validator.ValidationReport} as JSON, a console table or HTML; {@link
 * dev.tideline.validator.Quarantine} keeps the bad events. Formats:
 * docs/formats/validation-report.md.
 */
package dev.tideline.validator;
