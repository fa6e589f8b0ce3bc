package dev.tideline.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tideline.events.v1.Click;
import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.CatalogEntry;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaRegistryTest {
  @TempDir Path temp;

  @Test
  void theClasspathCatalogHoldsTheStandardEventsInBothFormats() {
    SchemaRegistry registry = SchemaRegistry.fromClasspath();
    assertThat(registry.eventTypes())
        .contains(
            "tideline.events.v1.Payment",
            "tideline.events.v1.Login",
            "dev.tideline.events.avro.Payment",
            "dev.tideline.events.avro.Login");
    assertThat(registry.forClass(Click.class).getEventType()).isEqualTo("tideline.events.v1.Click");
    assertThat(registry.forClass(dev.tideline.events.avro.Login.class).getSchemaId())
        .isEqualTo(0xbcd69083f35f9c8fL);
  }

  @Test
  void unknownIdsTypesAndClassesAreAbsentNotErrors() {
    SchemaRegistry registry = SchemaRegistry.fromClasspath();
    assertThat(registry.byId(42L)).isNull();
    assertThat(registry.find(42L)).isEmpty();
    assertThat(registry.latest("no.such.Event")).isEmpty();
    assertThat(registry.versions("no.such.Event")).isEmpty();
    assertThat(registry.forClass(String.class)).isNull();
  }

  @Test
  void theSameSchemaInTwoCatalogsCountsOnceAndTheHigherVersionWins() {
    CatalogEntry v1 =
        CatalogEntry.newBuilder().setEventType("x.E").setSchemaId(1).setVersion(1).build();
    CatalogEntry v2 =
        CatalogEntry.newBuilder().setEventType("x.E").setSchemaId(2).setVersion(2).build();
    CatalogEntry v1Again = v1.toBuilder().setReleased(true).build();
    SchemaRegistry registry =
        SchemaRegistry.of(
            Catalog.newBuilder().addEntries(v1).build(),
            Catalog.newBuilder().addEntries(v1Again).addEntries(v2).build());
    assertThat(registry.versions("x.E"))
        .extracting(CatalogEntry::getSchemaId)
        .containsExactly(1L, 2L);
    assertThat(registry.latest("x.E")).contains(v2);
  }

  @Test
  void aCorruptCatalogOnTheClasspathIsReportedWithItsLocation() throws Exception {
    Path resource = temp.resolve(SchemaRegistry.CATALOG_RESOURCE);
    Files.createDirectories(resource.getParent());
    Files.write(resource, new byte[] {(byte) 0x0A, (byte) 0xFF});
    try (URLClassLoader loader = new URLClassLoader(new URL[] {temp.toUri().toURL()}, null)) {
      assertThatThrownBy(() -> SchemaRegistry.fromClassLoader(loader))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("schema catalog " + resource.toUri().toURL())
          .hasMessageContaining("is corrupt");
    }
  }
}
