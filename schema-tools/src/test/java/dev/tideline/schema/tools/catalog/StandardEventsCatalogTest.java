package dev.tideline.schema.tools.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.schema.tools.cli.TidelineSchema;
import dev.tideline.wire.Hex;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * schema-registry ships the standard events' catalog as a committed file, because it cannot run the
 * catalog step, which lives here (decision 0008). The file must be the catalog that the standard
 * events' schemas and history build now, byte for byte.
 */
class StandardEventsCatalogTest {
  /**
   * Rewrites the committed catalog: the standard-events-catalog profile in schema-tools/pom.xml.
   */
  static final String REGENERATE =
      "./mvnw -q -pl schema-tools -am process-classes -Pstandard-events-catalog";

  @Test
  void theCommittedCatalogIsTheOneTheStandardEventsBuild(@TempDir Path temp) throws Exception {
    Path built = temp.resolve("catalog.binpb");
    StringWriter err = new StringWriter();
    // What the profile runs, writing elsewhere.
    int exit =
        TidelineSchema.run(
            new String[] {
              "catalog",
              "-s",
              StandardEvents.PROTO.toString(),
              "-s",
              StandardEvents.AVRO.toString(),
              "--history",
              StandardEvents.HISTORY.toString(),
              "--record=false",
              "-o",
              built.toString()
            },
            new PrintWriter(new StringWriter()),
            new PrintWriter(err));
    assertThat(exit).as(err.toString()).isZero();

    byte[] committed = Files.readAllBytes(StandardEvents.CATALOG);
    byte[] expected = Files.readAllBytes(built);
    assertThat(Arrays.equals(committed, expected))
        .withFailMessage(
            "%s is not the catalog of the standard events' schemas and history (%s). Regenerate it"
                + " from the repository root and commit it:%n  %s",
            StandardEvents.CATALOG.normalize(), difference(committed, expected), REGENERATE)
        .isTrue();
  }

  /** The schema versions only one side has; or else, that their contents differ. */
  private static String difference(byte[] committed, byte[] expected) throws Exception {
    Set<String> onlyCommitted = versions(committed);
    Set<String> onlyExpected = versions(expected);
    Set<String> both = new LinkedHashSet<>(onlyCommitted);
    both.retainAll(onlyExpected);
    onlyCommitted.removeAll(both);
    onlyExpected.removeAll(both);
    List<String> parts = new ArrayList<>();
    if (!onlyCommitted.isEmpty()) {
      parts.add("only the committed file has " + onlyCommitted);
    }
    if (!onlyExpected.isEmpty()) {
      parts.add("only the schemas build " + onlyExpected);
    }
    return parts.isEmpty()
        ? "the same schema versions, with other fields, rules, metadata or descriptors"
        : String.join("; ", parts);
  }

  private static Set<String> versions(byte[] catalog) throws Exception {
    Set<String> versions = new LinkedHashSet<>();
    for (CatalogEntry entry : Catalog.parseFrom(catalog).getEntriesList()) {
      versions.add(
          entry.getEventType() + " v" + entry.getVersion() + " " + Hex.of(entry.getSchemaId()));
    }
    return versions;
  }
}
