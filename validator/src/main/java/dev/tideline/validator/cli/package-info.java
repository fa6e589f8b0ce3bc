/**
 * The {@code tideline-validate} command line ({@link dev.tideline.validator.cli.TidelineValidate}).
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.validator.cli;
