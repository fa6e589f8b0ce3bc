/**
 * Reporting: {@link dev.tideline.validator.report.Reports} renders a {@link
 * dev.tideline.validator.ValidationReport} as JSON (docs/formats/validation-report.md), a console
 * table or a self-contained HTML page. It reads the report through its public accessors only, so it
 * knows nothing of how the counts were made.
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.validator.report;
