package dev.tideline.schema.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every protobuf fixture also goes through the real {@code buf breaking} with the WIRE_JSON
 * category: the rule ids buf reports must be exactly ours in FULL mode (buf guards both
 * directions), restricted to the rules buf's WIRE_JSON has.
 *
 * <p>All fixtures run in one buf invocation: fixture i is written as {@code f<i>/event.proto} with
 * its package renamed from {@code fixture} to {@code f<i>}, so fixtures share no names.
 */
class BufAgreementTest {
  @TempDir static Path dir;
  static Map<String, Set<String>> reported;

  @BeforeAll
  static void runBufBreakingOverEveryFixture() throws Exception {
    Path before = dir.resolve("before");
    Path after = dir.resolve("after");
    for (int i = 0; i < Fixtures.PROTOBUF.size(); i++) {
      Fixture fixture = Fixtures.PROTOBUF.get(i);
      Fixture.write(before.resolve(file(i)), Fixture.batchCopy(fixture.before, i));
      Fixture.write(after.resolve(file(i)), Fixture.batchCopy(fixture.after, i));
    }
    reported = Buf.breaking(before, after);
  }

  static Stream<Fixture> protobufFixtures() {
    return Fixtures.PROTOBUF.stream();
  }

  @ParameterizedTest(name = "{0}: buf breaking reports the same WIRE_JSON rules as we do")
  @MethodSource("protobufFixtures")
  void bufBreakingReportsTheSameWireJsonRulesAsWeDo(Fixture fixture) {
    Set<String> buf = reported.getOrDefault(file(Fixtures.PROTOBUF.indexOf(fixture)), Set.of());

    Set<String> ours = new TreeSet<>(fixture.expected(CompatibilityMode.FULL));
    ours.retainAll(Buf.WIRE_JSON);
    assertThat(buf).isEqualTo(ours);
  }

  @Test
  void theTableHasFixturesThatBufFindsBreakingAndFixturesItFindsCompatible() {
    long breaking = reported.size();
    long compatible = Fixtures.PROTOBUF.size() - breaking;

    assertThat(breaking).isGreaterThanOrEqualTo(20);
    assertThat(compatible).isGreaterThanOrEqualTo(12);
  }

  @Test
  void bufReportsNothingForFilesOutsideTheTable() {
    List<String> files = new java.util.ArrayList<>();
    for (int i = 0; i < Fixtures.PROTOBUF.size(); i++) {
      files.add(file(i));
    }
    assertThat(files).containsAll(reported.keySet());
  }

  private static String file(int i) {
    return Fixture.batchFile(i);
  }
}
