/**
 * The {@code tideline-schema} command line ({@link dev.tideline.schema.tools.cli.TidelineSchema}):
 * thin picocli commands over the schema-tools API.
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.schema.tools.cli;
