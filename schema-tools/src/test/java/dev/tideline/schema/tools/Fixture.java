package dev.tideline.schema.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One row of the compatibility table: a schema before and after a change, and the rule ids each
 * mode must report (empty: compatible). Transitive modes compare against the one earlier version
 * here, so they expect what their non-transitive mode expects; TransitiveModesTest covers history.
 */
final class Fixture {
  enum Format {
    PROTOBUF,
    AVRO
  }

  static final String PROTO_FILE = "fixture/v1/event.proto";
  static final String AVRO_FILE = "event.avsc";

  final String name;
  final Format format;
  final String before;
  final String after;
  Set<String> backward = Set.of();
  Set<String> forward = Set.of();
  Set<String> full = Set.of();
  String removedAvroFile;

  private Fixture(String name, Format format, String before, String after) {
    this.name = name;
    this.format = format;
    this.before = before;
    this.after = after;
  }

  /** A protobuf fixture; bodies without a syntax line get proto3 and package fixture.v1. */
  static Fixture proto(String name, String before, String after) {
    return new Fixture(name, Format.PROTOBUF, protoFile(before), protoFile(after));
  }

  static Fixture avro(String name, String before, String after) {
    return new Fixture(name, Format.AVRO, before, after);
  }

  /** An extra Avro schema file (old.avsc) that exists before the change only. */
  Fixture withDeletedAvroFile(String schema) {
    removedAvroFile = schema;
    return this;
  }

  Fixture backward(String... ruleIds) {
    backward = Set.of(ruleIds);
    return this;
  }

  Fixture forward(String... ruleIds) {
    forward = Set.of(ruleIds);
    return this;
  }

  Fixture full(String... ruleIds) {
    full = Set.of(ruleIds);
    return this;
  }

  /** Every mode's expectation is the same. */
  Fixture all(String... ruleIds) {
    return backward(ruleIds).forward(ruleIds).full(ruleIds);
  }

  Set<String> expected(CompatibilityMode mode) {
    switch (mode) {
      case BACKWARD:
      case BACKWARD_TRANSITIVE:
        return backward;
      case FORWARD:
      case FORWARD_TRANSITIVE:
        return forward;
      case FULL:
      case FULL_TRANSITIVE:
        return full;
      default:
        return Set.of();
    }
  }

  boolean breaksInSomeMode() {
    return !backward.isEmpty() || !forward.isEmpty() || !full.isEmpty();
  }

  /** Writes the before and after versions into before/ and after/ under dir. */
  List<Path> write(Path dir) {
    Path beforeDir = dir.resolve("before");
    Path afterDir = dir.resolve("after");
    String file = format == Format.PROTOBUF ? PROTO_FILE : AVRO_FILE;
    write(beforeDir.resolve(file), before);
    write(afterDir.resolve(file), after);
    if (removedAvroFile != null) {
      write(beforeDir.resolve("old.avsc"), removedAvroFile);
    }
    return List.of(beforeDir, afterDir);
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String protoFile(String body) {
    return body.startsWith("syntax")
        ? body
        : "syntax = \"proto3\";\npackage fixture.v1;\n\n" + body + "\n";
  }

  /** Where fixture i goes when all protobuf fixtures are compiled together. */
  static String batchFile(int i) {
    return "f" + i + "/event.proto";
  }

  /** A fixture's proto text with its package renamed from fixture to f<i>, for batches. */
  static String batchCopy(String proto, int i) {
    return proto.replace("package fixture.", "package f" + i + ".");
  }

  static Set<String> sorted(Set<String> ids) {
    return new TreeSet<>(ids);
  }

  @Override
  public String toString() {
    return name;
  }
}
