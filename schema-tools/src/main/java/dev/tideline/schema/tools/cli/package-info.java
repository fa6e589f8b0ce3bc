/**
 * The {@code tideline-schema} command line ({@link dev.tideline.schema.tools.cli.TidelineSchema}):
 * thin picocli commands over the schema-tools API.
 */
package dev.tideline.schema.tools.cli;
