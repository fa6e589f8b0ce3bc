package dev.tideline.schema.tools.catalog;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * Reads Tideline's custom options (tideline/v1/options.proto) out of descriptor options by field
 * number, from the serialized options; and drops fields from serialized descriptors.
 *
 * <p>Generated extensions cannot do it on both runtimes: our lite-generated extensions are refused
 * by the full runtime's option messages ("Expected non-lite extension"), and a descriptor set
 * parsed without them keeps the options as unknown fields. Unknown fields survive re-serialization
 * on both runtimes, so reading the bytes works everywhere. Repeated occurrences of one option
 * merge, as protobuf parsing does.
 */
final class CustomOptions {
  /** {@code (tideline.v1.rules)} and {@code (tideline.v1.event)}. */
  static final int RULES_OR_EVENT = 51001;

  /** {@code (tideline.v1.field)}. */
  static final int FIELD_META = 51002;

  private CustomOptions() {}

  /** A serialized message without every occurrence of one field. */
  // skipField(int, CodedOutputStream) is deprecated in protobuf 4.x without a replacement that
  // copies a field through unparsed, which is what this needs; it still works on both runtimes.
  @SuppressWarnings("deprecation")
  static ByteString without(ByteString message, int fieldNumber) {
    ByteString.Output out = ByteString.newOutput(message.size());
    try {
      CodedInputStream in = message.newCodedInput();
      CodedOutputStream coded = CodedOutputStream.newInstance(out);
      int tag;
      while ((tag = in.readTag()) != 0) {
        if (WireFormat.getTagFieldNumber(tag) == fieldNumber) {
          in.skipField(tag);
        } else {
          in.skipField(tag, coded);
        }
      }
      coded.flush();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("descriptor does not parse: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException("reading and writing memory cannot fail", e);
    }
    return out.toByteString();
  }

  /** The merged bytes of the option with this field number, or null when it is not set. */
  static ByteString read(MessageLite options, int fieldNumber) {
    ByteString found = null;
    try {
      CodedInputStream in = options.toByteString().newCodedInput();
      int tag;
      while ((tag = in.readTag()) != 0) {
        if (WireFormat.getTagFieldNumber(tag) == fieldNumber
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          ByteString value = in.readBytes();
          found = found == null ? value : found.concat(value);
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("descriptor options do not parse: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException("reading bytes in memory cannot fail", e);
    }
    return found;
  }
}
