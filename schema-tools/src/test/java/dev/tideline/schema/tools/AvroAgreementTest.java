package dev.tideline.schema.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Avro fixture also goes through Avro's own SchemaCompatibility: in each direction, the
 * incompatibility types it finds are exactly our expected rule ids of Avro's kind (ours add
 * renames, enum symbol removal and deletion on top).
 */
class AvroAgreementTest {
  static Stream<Fixture> avroFixtures() {
    return Fixtures.AVRO.stream();
  }

  @ParameterizedTest(name = "{0}: Avro's SchemaCompatibility agrees in both directions")
  @MethodSource("avroFixtures")
  void avrosSchemaCompatibilityAgreesInBothDirections(Fixture fixture) {
    Schema before = new Schema.Parser().parse(fixture.before);
    Schema after = new Schema.Parser().parse(fixture.after);

    assertThat(avro(after, before)).isEqualTo(ofAvrosKind(fixture.backward));
    assertThat(avro(before, after)).isEqualTo(ofAvrosKind(fixture.forward));
  }

  private static Set<String> avro(Schema reader, Schema writer) {
    Set<String> types = new TreeSet<>();
    for (Incompatibility incompatibility :
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
            .getResult()
            .getIncompatibilities()) {
      types.add(incompatibility.getType().name());
    }
    return types;
  }

  private static Set<String> ofAvrosKind(Set<String> ruleIds) {
    Set<String> avrosKind = new TreeSet<>();
    for (SchemaIncompatibilityType type : SchemaIncompatibilityType.values()) {
      if (ruleIds.contains(type.name())) {
        avrosKind.add(type.name());
      }
    }
    return avrosKind;
  }
}
