package dev.tideline.schema;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The schemas this process knows: every version of every event schema in the catalogs it was built
 * from, looked up by content-addressed id, by event type, or by generated Java class.
 *
 * <p>Catalogs are found on the classpath at {@link #CATALOG_RESOURCE} (one per jar: Tideline's
 * standard events and the users' own), or passed in. When two catalogs hold the same id for the
 * same event type, the entry with the higher version wins, so the newest rules apply.
 *
 * <p>Immutable after construction and thread-safe; lookups by id and class do not allocate.
 */
public final class SchemaRegistry {
  /** Where every jar keeps its catalog. */
  public static final String CATALOG_RESOURCE = "META-INF/tideline/catalog.binpb";

  private final Map<Long, CatalogEntry> byId = new HashMap<>();
  private final Map<String, List<CatalogEntry>> byType = new LinkedHashMap<>();
  private final Map<String, CatalogEntry> byClassName = new HashMap<>();
  private final ConcurrentHashMap<Class<?>, Optional<CatalogEntry>> byClass =
      new ConcurrentHashMap<>();

  private SchemaRegistry(List<Catalog> catalogs) {
    Map<String, CatalogEntry> unique = new LinkedHashMap<>();
    for (Catalog catalog : catalogs) {
      for (CatalogEntry entry : catalog.getEntriesList()) {
        String key = entry.getEventType() + "@" + Long.toHexString(entry.getSchemaId());
        CatalogEntry seen = unique.get(key);
        if (seen == null || newer(entry, seen)) {
          unique.put(key, entry);
        }
      }
    }
    for (CatalogEntry entry : unique.values()) {
      CatalogEntry seen = byId.get(entry.getSchemaId());
      if (seen == null || newer(entry, seen)) {
        byId.put(entry.getSchemaId(), entry);
      }
      List<CatalogEntry> versions = byType.get(entry.getEventType());
      if (versions == null) {
        versions = new ArrayList<>();
        byType.put(entry.getEventType(), versions);
      }
      versions.add(entry);
    }
    for (List<CatalogEntry> versions : byType.values()) {
      Collections.sort(versions, Comparator.comparingInt(CatalogEntry::getVersion));
      for (CatalogEntry entry : versions) {
        if (!entry.getJavaClass().isEmpty()) {
          byClassName.put(entry.getJavaClass(), entry); // the latest version wins
        }
      }
    }
  }

  private static boolean newer(CatalogEntry candidate, CatalogEntry seen) {
    return candidate.getVersion() > seen.getVersion();
  }

  /** A registry of the given catalogs. */
  public static SchemaRegistry of(Catalog... catalogs) {
    List<Catalog> list = new ArrayList<>();
    for (Catalog catalog : catalogs) {
      list.add(Objects.requireNonNull(catalog, "catalog"));
    }
    return new SchemaRegistry(list);
  }

  /** A registry of the given catalogs. */
  public static SchemaRegistry of(List<Catalog> catalogs) {
    return of(catalogs.toArray(new Catalog[0]));
  }

  /**
   * A registry of every catalog on the classpath of this class's class loader.
   *
   * @throws IllegalStateException if a catalog resource cannot be read or parsed, naming it
   */
  public static SchemaRegistry fromClasspath() {
    return fromClassLoader(SchemaRegistry.class.getClassLoader());
  }

  /**
   * A registry of every catalog visible to a class loader.
   *
   * @throws IllegalStateException if a catalog resource cannot be read or parsed, naming it
   */
  public static SchemaRegistry fromClassLoader(ClassLoader loader) {
    List<Catalog> catalogs = new ArrayList<>();
    Enumeration<URL> resources;
    try {
      resources = loader.getResources(CATALOG_RESOURCE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + CATALOG_RESOURCE + " resources", e);
    }
    while (resources.hasMoreElements()) {
      URL url = resources.nextElement();
      try (InputStream in = url.openStream()) {
        catalogs.add(Catalog.parseFrom(in));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(
            "schema catalog " + url + " is corrupt: " + e.getMessage(), e);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read schema catalog " + url, e);
      }
    }
    return new SchemaRegistry(catalogs);
  }

  /** The newest entry with this schema id, or null. */
  public @Nullable CatalogEntry byId(long schemaId) {
    return byId.get(schemaId);
  }

  /**
   * The event type of an envelope: the name the catalog gives its schema id, or its own {@code
   * event_type} when the catalog does not know the id (envelopes written before the compact
   * envelope carry one); null when neither names it.
   */
  public @Nullable String eventType(Envelope envelope) {
    CatalogEntry entry = byId(envelope.getSchemaId());
    if (entry != null) {
      return entry.getEventType();
    }
    return envelope.getEventType().isEmpty() ? null : envelope.getEventType();
  }

  /** The newest entry with this schema id. */
  public Optional<CatalogEntry> find(long schemaId) {
    return Optional.ofNullable(byId.get(schemaId));
  }

  /** The newest version of an event type. */
  public Optional<CatalogEntry> latest(String eventType) {
    List<CatalogEntry> versions = byType.get(eventType);
    return versions == null
        ? Optional.<CatalogEntry>empty()
        : Optional.of(versions.get(versions.size() - 1));
  }

  /** Every known version of an event type, oldest first; empty if unknown. */
  public List<CatalogEntry> versions(String eventType) {
    List<CatalogEntry> versions = byType.get(eventType);
    return versions == null
        ? Collections.<CatalogEntry>emptyList()
        : Collections.unmodifiableList(versions);
  }

  /**
   * The entry for a generated class (protobuf message or Avro specific record), or null when no
   * catalog names it. Cached per class.
   */
  public @Nullable CatalogEntry forClass(Class<?> type) {
    Optional<CatalogEntry> cached = byClass.get(type);
    if (cached == null) {
      cached = Optional.ofNullable(byClassName.get(type.getName()));
      byClass.putIfAbsent(type, cached);
    }
    return cached.orElse(null);
  }

  /** The event types, in catalog order. */
  public Set<String> eventTypes() {
    return Collections.unmodifiableSet(byType.keySet());
  }

  /** Every entry, grouped by event type, oldest version first. */
  public List<CatalogEntry> entries() {
    List<CatalogEntry> all = new ArrayList<>();
    for (List<CatalogEntry> versions : byType.values()) {
      all.addAll(versions);
    }
    return all;
  }
}
