package dev.tideline.schema.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Three versions where the last one is compatible with the second but not with the first: a
 * transitive mode must see the break, its non-transitive mode must not.
 *
 * <p>Protobuf: v1 has {@code string email = 3}; v2 deletes it and reserves 3 and "email"; v3 drops
 * the reservation and reuses 3 as {@code int64 phone}. Avro: v1 has {@code a: int}; v2 removes it;
 * v3 adds {@code a: string} with a default.
 */
class TransitiveModesTest {
  static final ProtoCompiler PROTOC = ProtoCompiler.locate();
  static List<SchemaSet> history;
  static SchemaSet current;

  @BeforeAll
  static void writeThreeVersions(@TempDir Path dir) {
    String[] protos = {
      "message Event { string name = 1; string email = 3; }",
      "message Event { string name = 1; reserved 3; reserved \"email\"; }",
      "message Event { string name = 1; int64 phone = 3; }"
    };
    String[] avros = {
      "[{\"name\": \"n\", \"type\": \"string\"}, {\"name\": \"a\", \"type\": \"int\"}]",
      "[{\"name\": \"n\", \"type\": \"string\"}]",
      "[{\"name\": \"n\", \"type\": \"string\"},"
          + " {\"name\": \"a\", \"type\": \"string\", \"default\": \"\"}]"
    };
    SchemaSet[] sets = new SchemaSet[3];
    for (int v = 0; v < 3; v++) {
      Path root = dir.resolve("v" + (v + 1));
      Fixture.write(root.resolve(Fixture.PROTO_FILE), Fixture.protoFile(protos[v]));
      Fixture.write(
          root.resolve(Fixture.AVRO_FILE),
          "{\"type\": \"record\", \"name\": \"Event\", \"namespace\": \"fixture\", \"fields\": "
              + avros[v]
              + "}");
      sets[v] = SchemaSet.load("v" + (v + 1), List.of(root), PROTOC);
    }
    history = List.of(sets[0], sets[1]);
    current = sets[2];
  }

  static Stream<Arguments> modes() {
    Set<String> reservationDeleted = Set.of("RESERVED_MESSAGE_NO_DELETE");
    Set<String> numberReused =
        Set.of(
            "RESERVED_MESSAGE_NO_DELETE",
            "FIELD_SAME_NAME",
            "FIELD_SAME_JSON_NAME",
            "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
            "TYPE_MISMATCH");
    return Stream.of(
        Arguments.of(CompatibilityMode.NONE, Set.of()),
        Arguments.of(CompatibilityMode.BACKWARD, reservationDeleted),
        Arguments.of(CompatibilityMode.FORWARD, reservationDeleted),
        Arguments.of(CompatibilityMode.FULL, reservationDeleted),
        Arguments.of(CompatibilityMode.BACKWARD_TRANSITIVE, numberReused),
        Arguments.of(CompatibilityMode.FORWARD_TRANSITIVE, numberReused),
        Arguments.of(CompatibilityMode.FULL_TRANSITIVE, numberReused));
  }

  @ParameterizedTest(name = "{0} against v1 and v2 reports {1}")
  @MethodSource("modes")
  void aTransitiveModeSeesBreaksAgainstEveryEarlierVersion(
      CompatibilityMode mode, Set<String> expected) {
    CompatibilityResult result = CompatibilityChecker.check(history, current, mode);

    assertThat(result.ruleIds())
        .as(result.violations().toString())
        .isEqualTo(Fixture.sorted(expected));
    List<String> against =
        mode == CompatibilityMode.NONE
            ? List.of()
            : mode.transitive() ? List.of("v1", "v2") : List.of("v2");
    assertThat(result.against()).isEqualTo(against);
  }

  @ParameterizedTest(name = "{0}: each finding names the version it breaks")
  @MethodSource("modes")
  void eachFindingNamesTheNewestVersionItBreaks(CompatibilityMode mode, Set<String> expected) {
    CompatibilityResult result = CompatibilityChecker.check(history, current, mode);

    for (Violation violation : result.violations()) {
      String against = violation.ruleId().equals("RESERVED_MESSAGE_NO_DELETE") ? "v2" : "v1";
      assertThat(violation.against()).as(violation.toString()).isEqualTo(against);
    }
  }
}
