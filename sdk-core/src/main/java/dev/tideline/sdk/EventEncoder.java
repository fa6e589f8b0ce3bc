package dev.tideline.sdk;

import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.schema.SchemaRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Serializes events of a format the tracker does not know natively, such as Avro (whose encoder
 * lives in a JVM module, so nothing here names an Avro type). Protobuf messages ({@code
 * MessageLite}) need no encoder.
 *
 * <p>Register with {@link TrackerBuilder#encoder(EventEncoder)}; the tracker picks the encoder
 * whose {@link #eventClass()} the event is an instance of. Called on the logging thread; must be
 * thread-safe.
 *
 * @param <T> the events it serializes
 */
public interface EventEncoder<T> {
  /** The class (or supertype) of the events this encoder serializes. */
  Class<T> eventClass();

  /**
   * The schema of an event: by default the catalog entry of its generated class. Override for
   * events without a generated class of their own (for example Avro generic records), returning
   * null when the schema is unknown.
   */
  default @Nullable CatalogEntry schema(T event, SchemaRegistry registry) {
    return registry.forClass(event.getClass());
  }

  /**
   * Serializes the event in the format of its catalog entry (Avro: binary, without the
   * single-object header).
   *
   * @throws Exception when the event cannot be serialized; the tracker answers {@link
   *     LogOutcome#ENCODING_FAILED}
   */
  byte[] encode(T event) throws Exception;
}
