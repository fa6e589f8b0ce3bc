package dev.tideline.wire;

import com.google.protobuf.WireFormat;
import dev.tideline.proto.kpl.AggregatedRecord;
import dev.tideline.proto.kpl.Record;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;

/**
 * The protobuf tags (field number and wire type, as they precede a field on the wire) of the
 * envelope and KPL fields that Tideline writes or reads without the generated classes: the SDK's
 * envelope writer and aggregator, the spool's recovery and the validator's wire reader. Each is
 * made from the generated {@code *_FIELD_NUMBER} constant of its {@code .proto} field, so that
 * renumbering a field changes every reader and writer at once. Compile-time constants, usable in
 * {@code switch}.
 *
 * <p>Every field here has a number below 16, so each tag is one byte on the wire.
 */
public final class WireTags {
  private static final int VARINT = WireFormat.WIRETYPE_VARINT;
  private static final int FIXED64 = WireFormat.WIRETYPE_FIXED64;
  private static final int LENGTH_DELIMITED = WireFormat.WIRETYPE_LENGTH_DELIMITED;

  /** {@code Envelope.event_id}, bytes. */
  public static final int ENVELOPE_EVENT_ID =
      Envelope.EVENT_ID_FIELD_NUMBER << 3 | LENGTH_DELIMITED;

  /** {@code Envelope.event_type}, string. */
  public static final int ENVELOPE_EVENT_TYPE =
      Envelope.EVENT_TYPE_FIELD_NUMBER << 3 | LENGTH_DELIMITED;

  /** {@code Envelope.format}, enum. */
  public static final int ENVELOPE_FORMAT = Envelope.FORMAT_FIELD_NUMBER << 3 | VARINT;

  /** {@code Envelope.schema_id}, fixed64. */
  public static final int ENVELOPE_SCHEMA_ID = Envelope.SCHEMA_ID_FIELD_NUMBER << 3 | FIXED64;

  /** {@code Envelope.event_time_us}, int64. */
  public static final int ENVELOPE_EVENT_TIME_US =
      Envelope.EVENT_TIME_US_FIELD_NUMBER << 3 | VARINT;

  /** {@code Envelope.sent_time_us}, int64 (written by earlier producers only). */
  public static final int ENVELOPE_SENT_TIME_US = Envelope.SENT_TIME_US_FIELD_NUMBER << 3 | VARINT;

  /** {@code Envelope.producer_id}, bytes. */
  public static final int ENVELOPE_PRODUCER_ID =
      Envelope.PRODUCER_ID_FIELD_NUMBER << 3 | LENGTH_DELIMITED;

  /** {@code Envelope.sequence}, uint64. */
  public static final int ENVELOPE_SEQUENCE = Envelope.SEQUENCE_FIELD_NUMBER << 3 | VARINT;

  /** {@code Envelope.send_delay_us}, int64. */
  public static final int ENVELOPE_SEND_DELAY_US =
      Envelope.SEND_DELAY_US_FIELD_NUMBER << 3 | VARINT;

  /** {@code Envelope.context}, a {@link Context} message. */
  public static final int ENVELOPE_CONTEXT = Envelope.CONTEXT_FIELD_NUMBER << 3 | LENGTH_DELIMITED;

  /** {@code Envelope.payload}, bytes. */
  public static final int ENVELOPE_PAYLOAD = Envelope.PAYLOAD_FIELD_NUMBER << 3 | LENGTH_DELIMITED;

  /** {@code Envelope.attributes}, a map entry each. */
  public static final int ENVELOPE_ATTRIBUTES =
      Envelope.ATTRIBUTES_FIELD_NUMBER << 3 | LENGTH_DELIMITED;

  /** {@code Context.app_version}, string. */
  public static final int CONTEXT_APP_VERSION =
      Context.APP_VERSION_FIELD_NUMBER << 3 | LENGTH_DELIMITED;

  /** {@code Context.platform}, enum. */
  public static final int CONTEXT_PLATFORM = Context.PLATFORM_FIELD_NUMBER << 3 | VARINT;

  /** {@code Context.network}, enum. */
  public static final int CONTEXT_NETWORK = Context.NETWORK_FIELD_NUMBER << 3 | VARINT;

  /** {@code AggregatedRecord.partition_key_table}, a string each. */
  public static final int AGGREGATE_PARTITION_KEY =
      AggregatedRecord.PARTITION_KEY_TABLE_FIELD_NUMBER << 3 | LENGTH_DELIMITED;

  /** {@code AggregatedRecord.explicit_hash_key_table}, a string each. */
  public static final int AGGREGATE_EXPLICIT_HASH_KEY =
      AggregatedRecord.EXPLICIT_HASH_KEY_TABLE_FIELD_NUMBER << 3 | LENGTH_DELIMITED;

  /** {@code AggregatedRecord.records}, a {@link Record} message each. */
  public static final int AGGREGATE_RECORD =
      AggregatedRecord.RECORDS_FIELD_NUMBER << 3 | LENGTH_DELIMITED;

  /** {@code Record.partition_key_index}, uint64. */
  public static final int RECORD_PARTITION_KEY_INDEX =
      Record.PARTITION_KEY_INDEX_FIELD_NUMBER << 3 | VARINT;

  /** {@code Record.data}, bytes. */
  public static final int RECORD_DATA = Record.DATA_FIELD_NUMBER << 3 | LENGTH_DELIMITED;

  /** The encoded size of each tag above. */
  public static final int TAG_SIZE = 1;

  private WireTags() {}

  /** The field number of a tag. */
  public static int fieldNumber(int tag) {
    return WireFormat.getTagFieldNumber(tag);
  }

  /** The wire type of a tag ({@code WireFormat.WIRETYPE_*}). */
  public static int wireType(int tag) {
    return WireFormat.getTagWireType(tag);
  }
}
