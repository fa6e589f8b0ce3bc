package dev.tideline.schema.tools.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tideline.schema.Runtimes;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/**
 * The catalog step runs on protobuf-javalite as well, as in an events module that has only the lite
 * runtime (samples/events), although this module compiles it against protobuf-java.
 */
class LiteRuntimeTest {
  @Test
  void onProtobufJavaliteTheStepBuildsTheSameCatalog() throws Exception {
    byte[] descriptors = StandardEvents.descriptorSet();
    URL[] lite = {
      location(CatalogBuilder.class),
      location(Runtimes.class),
      Paths.get(System.getProperty("tideline.protobuf-javalite")).toUri().toURL()
    };
    try (URLClassLoader loader =
        new URLClassLoader(lite, ClassLoader.getSystemClassLoader().getParent())) {
      assertThatThrownBy(() -> loader.loadClass("com.google.protobuf.Descriptors"))
          .as("only the lite runtime")
          .isInstanceOf(ClassNotFoundException.class);
      Class<?> builderClass = Class.forName(CatalogBuilder.class.getName(), true, loader);
      Object builder = builderClass.getMethod("create").invoke(null);
      builderClass.getMethod("addDescriptorSet", byte[].class).invoke(builder, descriptors);
      Object catalog = builderClass.getMethod("build").invoke(builder);

      assertThat((byte[]) catalog.getClass().getMethod("toByteArray").invoke(catalog))
          .isEqualTo(CatalogBuilder.create().addDescriptorSet(descriptors).build().toByteArray());
    }
  }

  private static URL location(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }
}
