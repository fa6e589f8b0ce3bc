package dev.tideline.schema.tools.catalog;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.MessageLite;
import dev.tideline.schema.Runtimes;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog step on an Avro schema without Avro on its classpath names the dependency. */
class MissingAvroTest {
  @Test
  void anAvscWithoutAvroOnTheClasspathNamesTheDependencyAndTheFile(@TempDir Path avro)
      throws Exception {
    Path schema = avro.resolve("order.avsc");
    Files.writeString(
        schema, "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":[]}");
    URL[] withoutAvro = {
      location(CatalogBuilder.class), location(Runtimes.class), location(MessageLite.class)
    };
    try (URLClassLoader loader =
        new URLClassLoader(withoutAvro, ClassLoader.getSystemClassLoader().getParent())) {
      Class<?> builderClass = Class.forName(CatalogBuilder.class.getName(), true, loader);
      Object builder = builderClass.getMethod("create").invoke(null);

      assertThatThrownBy(
              () ->
                  builderClass
                      .getMethod("addAvroFolder", File.class)
                      .invoke(builder, avro.toFile()))
          .isInstanceOf(InvocationTargetException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(schema.toString())
          .hasMessageContaining("org.apache.avro:avro:" + Runtimes.AVRO_VERSION);
    }
  }

  private static URL location(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }
}
