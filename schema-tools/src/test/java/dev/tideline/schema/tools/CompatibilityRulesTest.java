package dev.tideline.schema.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility table (Fixtures): every fixture in every mode, with the rule ids expected as
 * literals. Transitive modes against one earlier version expect what their base mode expects.
 */
class CompatibilityRulesTest {
  static final ProtoCompiler PROTOC = ProtoCompiler.locate();

  static Stream<Arguments> rows() {
    return Stream.concat(Fixtures.PROTOBUF.stream(), Fixtures.AVRO.stream())
        .flatMap(
            fixture ->
                Stream.of(CompatibilityMode.values()).map(mode -> Arguments.of(fixture, mode)));
  }

  @ParameterizedTest(name = "{0}, checked {1}, reports exactly the expected rule ids")
  @MethodSource("rows")
  void reportsExactlyTheExpectedRuleIds(Fixture fixture, CompatibilityMode mode) {
    CompatibilityResult result = check(fixture, mode);

    assertThat(result.ruleIds())
        .as(result.violations().toString())
        .isEqualTo(Fixture.sorted(fixture.expected(mode)));
    assertThat(result.compatible()).isEqualTo(fixture.expected(mode).isEmpty());
  }

  @Test
  void everyRuleHasABreakingAndACompatibleExampleInTheTable() {
    long breaking =
        Stream.concat(Fixtures.PROTOBUF.stream(), Fixtures.AVRO.stream())
            .filter(Fixture::breaksInSomeMode)
            .count();
    long compatible =
        Stream.concat(Fixtures.PROTOBUF.stream(), Fixtures.AVRO.stream())
            .filter(f -> f.expected(CompatibilityMode.BACKWARD).isEmpty())
            .count();
    assertThat(breaking).isGreaterThanOrEqualTo(20);
    assertThat(compatible).isGreaterThanOrEqualTo(15);
  }

  @Test
  void refusesTheTwoChangesConfluentsProtobufCheckerAllows() {
    Fixture fieldDeleted = Fixtures.PROTOBUF.get(0);
    Fixture enumValueRemoved =
        Fixtures.PROTOBUF.stream()
            .filter(f -> f.name.equals("an enum value removed without reservation"))
            .findFirst()
            .orElseThrow();

    assertThat(check(fieldDeleted, CompatibilityMode.BACKWARD).ruleIds())
        .contains("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED");
    assertThat(check(enumValueRemoved, CompatibilityMode.BACKWARD).ruleIds())
        .contains("ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED");
  }

  @Test
  void aViolationNamesTheSchemaThePathAndWhatToDo(@TempDir Path dir) {
    List<Path> dirs = Fixtures.PROTOBUF.get(0).write(dir);
    CompatibilityResult result =
        CompatibilityChecker.check(
            SchemaSet.load("before", List.of(dirs.get(0)), PROTOC),
            SchemaSet.load("after", List.of(dirs.get(1)), PROTOC),
            CompatibilityMode.BACKWARD);

    assertThat(result.violations())
        .anySatisfy(
            v -> {
              assertThat(v.ruleId()).isEqualTo("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED");
              assertThat(v.schema()).isEqualTo("fixture.v1.Event");
              assertThat(v.path()).isEqualTo("fixture.v1.Event.b");
              assertThat(v.message())
                  .isEqualTo(
                      "field 2 'b' was deleted without reserving its number: add 'reserved 2;'"
                          + " so it is never reused with another meaning");
              assertThat(v.against()).isEqualTo("before");
            });
  }

  /**
   * All protobuf fixtures are compiled in one protoc run per side (fixture i as {@code
   * f<i>/event.proto}, package {@code f<i>}), then each is checked as a set of its own file.
   */
  @TempDir static Path batch;

  static SchemaSet allBefore;
  static SchemaSet allAfter;

  @BeforeAll
  static void compileEveryProtobufFixtureOncePerSide() {
    for (int i = 0; i < Fixtures.PROTOBUF.size(); i++) {
      Fixture fixture = Fixtures.PROTOBUF.get(i);
      Fixture.write(
          batch.resolve("before").resolve(Fixture.batchFile(i)),
          Fixture.batchCopy(fixture.before, i));
      Fixture.write(
          batch.resolve("after").resolve(Fixture.batchFile(i)),
          Fixture.batchCopy(fixture.after, i));
    }
    allBefore = SchemaSet.load("before", List.of(batch.resolve("before")), PROTOC);
    allAfter = SchemaSet.load("after", List.of(batch.resolve("after")), PROTOC);
  }

  /** Each Avro fixture is loaded once and checked in every mode. */
  private static final Map<Fixture, List<SchemaSet>> LOADED = new ConcurrentHashMap<>();

  static CompatibilityResult check(Fixture fixture, CompatibilityMode mode) {
    int i = Fixtures.PROTOBUF.indexOf(fixture);
    List<SchemaSet> sets =
        LOADED.computeIfAbsent(
            fixture,
            f -> {
              if (i >= 0) {
                Set<String> own = Set.of(Fixture.batchFile(i));
                return List.of(
                    SchemaSet.of("before", allBefore.descriptors(), own, Map.of()),
                    SchemaSet.of("after", allAfter.descriptors(), own, Map.of()));
              }
              List<Path> dirs = f.write(batch.resolve("avro" + Fixtures.AVRO.indexOf(f)));
              return List.of(
                  SchemaSet.load("before", List.of(dirs.get(0)), PROTOC),
                  SchemaSet.load("after", List.of(dirs.get(1)), PROTOC));
            });
    return CompatibilityChecker.check(sets.get(0), sets.get(1), mode);
  }
}
