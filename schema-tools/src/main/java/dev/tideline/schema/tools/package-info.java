/**
 * Schema tooling for Tideline events: the compatibility engine ({@link
 * dev.tideline.schema.tools.CompatibilityChecker} over {@link dev.tideline.schema.tools.SchemaSet}
 * versions from folders, git refs or the catalog history), changelogs ({@link
 * dev.tideline.schema.tools.SchemaDiff}), catalog docs ({@link
 * dev.tideline.schema.tools.CatalogDocs}) and protoc ({@link
 * dev.tideline.schema.tools.ProtoCompiler}). The catalog step is in {@code
 * dev.tideline.schema.tools.catalog}, the command line in {@code dev.tideline.schema.tools.cli}.
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.schema.tools;
