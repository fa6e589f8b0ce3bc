package dev.tideline.schema.tools;

import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.schema.tools.catalog.CatalogBuilder;
import dev.tideline.wire.Hex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The event catalog of a schema set, as the catalog step's {@link CatalogBuilder} builds it (events
 * are messages marked {@code (tideline.v1.event)} and Avro records), optionally with a committed
 * history of released versions. What docs, diffs and fingerprints are made from. Immutable.
 */
public final class EventCatalog {
  private final Catalog catalog;

  private EventCatalog(Catalog catalog) {
    this.catalog = catalog;
  }

  /**
   * The catalog of a schema set.
   *
   * @param history the committed history folder, or null for none
   * @throws SchemaException if the schemas or the history cannot be read
   */
  public static EventCatalog of(SchemaSet set, @Nullable Path history) {
    CatalogBuilder builder = CatalogBuilder.create();
    try {
      builder.addDescriptorSet(set.descriptors().toByteArray());
      for (Map.Entry<String, Schema> file : set.avroFiles().entrySet()) {
        if (file.getValue().getType() == Schema.Type.RECORD) {
          builder.addAvroSchema(file.getValue().toString());
        }
      }
      if (history != null && Files.isDirectory(history)) {
        builder.history(history.toFile());
      }
    } catch (IllegalArgumentException e) {
      throw new SchemaException(set.label() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new EventCatalog(builder.build());
  }

  /** The catalog message itself: every version of every event. */
  public Catalog catalog() {
    return catalog;
  }

  /** The newest version of each event type, sorted by event type. */
  public List<CatalogEntry> latest() {
    Map<String, CatalogEntry> newest = new LinkedHashMap<>();
    for (CatalogEntry entry : catalog.getEntriesList()) {
      CatalogEntry known = newest.get(entry.getEventType());
      if (known == null || known.getVersion() <= entry.getVersion()) {
        newest.put(entry.getEventType(), entry);
      }
    }
    return Collections.unmodifiableList(new ArrayList<>(newest.values()));
  }

  /** Every version of one event type, oldest first. */
  public List<CatalogEntry> versions(String eventType) {
    List<CatalogEntry> out = new ArrayList<>();
    for (CatalogEntry entry : catalog.getEntriesList()) {
      if (entry.getEventType().equals(eventType)) {
        out.add(entry);
      }
    }
    return out;
  }

  /** A schema id as the docs and the CLI print it: 16 lower-case hex digits. */
  public static String hex(long schemaId) {
    return Hex.of(schemaId);
  }
}
