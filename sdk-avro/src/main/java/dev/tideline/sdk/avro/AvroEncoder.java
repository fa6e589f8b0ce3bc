package dev.tideline.sdk.avro;

import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.EventEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.jspecify.annotations.Nullable;

/**
 * Serializes Avro events for a {@link dev.tideline.sdk.Tracker}: Avro binary, without the
 * single-object header, as the envelope's {@code AVRO} format says.
 *
 * <p>{@link #specific()} takes generated classes, whose catalog entry is found by class; {@link
 * #generic()} takes {@link GenericRecord}s, whose entry is found by the Rabin fingerprint of their
 * schema (the Avro schema id), so a record whose schema is not in a catalog is refused as an
 * unknown schema.
 *
 * <pre>{@code
 * Tracker tracker = Tracker.builder()...encoder(AvroEncoder.specific()).build();
 * tracker.log(dev.tideline.events.avro.Payment.newBuilder()...build());
 * }</pre>
 *
 * <p>Thread-safe: one writer per schema, bound to it; an encoder per call.
 *
 * @param <T> the records it serializes
 */
public final class AvroEncoder<T extends IndexedRecord> implements EventEncoder<T> {
  private final Class<T> type;
  private final boolean byFingerprint;
  private final GenericData data;
  private final ConcurrentHashMap<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();

  private AvroEncoder(Class<T> type, boolean byFingerprint, GenericData data) {
    this.type = type;
    this.byFingerprint = byFingerprint;
    this.data = data;
  }

  /** An encoder for generated Avro classes ({@link SpecificRecord}). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static AvroEncoder<SpecificRecord> specific() {
    Class<SpecificRecord> type = (Class) SpecificRecord.class;
    return new AvroEncoder(type, false, SpecificData.get());
  }

  /** An encoder for {@link GenericRecord}s, looked up in the catalog by schema fingerprint. */
  public static AvroEncoder<GenericRecord> generic() {
    return new AvroEncoder<>(GenericRecord.class, true, GenericData.get());
  }

  /** A writer bound to one schema; writers with a fixed schema are safe to share. */
  private DatumWriter<T> newWriter(Schema schema) {
    return data instanceof SpecificData
        ? new SpecificDatumWriter<T>(schema, (SpecificData) data)
        : new GenericDatumWriter<T>(schema, data);
  }

  @Override
  public Class<T> eventClass() {
    return type;
  }

  @Override
  public @Nullable CatalogEntry schema(T event, SchemaRegistry registry) {
    if (byFingerprint) {
      return registry.byId(SchemaNormalization.parsingFingerprint64(event.getSchema()));
    }
    return registry.forClass(event.getClass());
  }

  @Override
  public byte[] encode(T event) throws IOException {
    DatumWriter<T> writer = writers.computeIfAbsent(event.getSchema(), this::newWriter);
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    writer.write(event, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
