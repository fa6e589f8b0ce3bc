package dev.tideline.validator;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.proto.v1.Envelope;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Parses envelopes with the generated parser: those the wire reader ({@link EnvelopeView#scan})
 * handed over, and, on first use, those it read.
 */
final class EnvelopeParser {
  private EnvelopeParser() {}

  /** The envelope, or null after adding an {@code unparseable} violation to {@code violations}. */
  static @Nullable Envelope parse(ByteString data, List<Violation> violations) {
    try {
      // Aliasing: the payload shares the record's bytes instead of being copied.
      CodedInputStream input = data.newCodedInput();
      input.enableAliasing(true);
      Envelope envelope = Envelope.parser().parseFrom(input);
      return envelope;
    } catch (InvalidProtocolBufferException e) {
      violations.add(
          Violation.of(
              ViolationKind.INVALID_ENVELOPE,
              "unparseable",
              "envelope",
              "envelope (" + data.size() + " bytes) does not parse: " + e.getMessage()));
      return null;
    }
  }

  /**
   * Parses an envelope the validator has already read from the wire.
   *
   * @throws IllegalStateException if it does not parse (a bug: the wire reader accepted it)
   */
  static Envelope parseScanned(ByteString data) {
    List<Violation> violations = new ArrayList<>(0);
    Envelope envelope = parse(data, violations);
    if (envelope == null) {
      throw new IllegalStateException(
          "an envelope read from the wire does not parse: " + violations);
    }
    return envelope;
  }
}
