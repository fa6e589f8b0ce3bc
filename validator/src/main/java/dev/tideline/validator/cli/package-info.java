/**
 * The {@code tideline-validate} command line ({@link dev.tideline.validator.cli.TidelineValidate}).
 */
package dev.tideline.validator.cli;
