/**
 * The catalog step: {@link dev.tideline.schema.tools.catalog.CatalogBuilder} builds a catalog
 * ({@code META-INF/tideline/catalog.binpb}) from a protoc descriptor set, Avro schema files and the
 * committed history of released versions. It runs at build time on the JVM, as the main class of an
 * events module's build step or through {@code tideline-schema catalog}; apps read the catalogs at
 * run time with schema-registry's {@code SchemaRegistry}, which needs nothing from here
 * (docs/decisions/0008-catalog-step-in-schema-tools.md).
 */
package dev.tideline.schema.tools.catalog;
