package dev.tideline.schema.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every protobuf fixture also goes through the real {@code buf breaking} with the WIRE_JSON
 * category: the rule ids buf reports must be exactly ours in FULL mode (buf guards both
 * directions), restricted to the rules buf's WIRE_JSON has.
 */
class BufAgreementTest {
  static Stream<Fixture> protobufFixtures() {
    return Fixtures.PROTOBUF.stream();
  }

  @ParameterizedTest(name = "{0}: buf breaking reports the same WIRE_JSON rules as we do")
  @MethodSource("protobufFixtures")
  void bufBreakingReportsTheSameWireJsonRulesAsWeDo(Fixture fixture, @TempDir Path dir)
      throws Exception {
    Set<String> buf = bufReports(fixture, dir);

    Set<String> ours = new TreeSet<>(fixture.expected(CompatibilityMode.FULL));
    ours.retainAll(Buf.WIRE_JSON);
    assertThat(buf).isEqualTo(ours);
  }

  private static final Map<Fixture, Set<String>> BUF_REPORTS = new ConcurrentHashMap<>();

  /** What buf breaking reports for a fixture; each fixture runs through buf once. */
  static Set<String> bufReports(Fixture fixture, Path dir) throws Exception {
    Set<String> known = BUF_REPORTS.get(fixture);
    if (known == null) {
      List<Path> dirs = fixture.write(dir);
      known = Buf.breaking(dirs.get(0), dirs.get(1));
      BUF_REPORTS.put(fixture, known);
    }
    return known;
  }

  @Test
  void theTableHasFixturesThatBufFindsBreakingAndFixturesItFindsCompatible(@TempDir Path dir)
      throws Exception {
    int breaking = 0;
    int compatible = 0;
    int i = 0;
    for (Fixture fixture : Fixtures.PROTOBUF) {
      if (bufReports(fixture, dir.resolve("f" + i++)).isEmpty()) {
        compatible++;
      } else {
        breaking++;
      }
    }
    assertThat(breaking).isGreaterThanOrEqualTo(15);
    assertThat(compatible).isGreaterThanOrEqualTo(10);
  }
}
