package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tideline.schema.Runtimes;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/** An app that forgot the protobuf runtime is told which dependency to add. */
class MissingProtobufTest {
  @Test
  void theTrackerNamesTheMissingProtobufDependency() throws Exception {
    // Tideline's own classes, without protobuf (or anything else from the test classpath).
    URL[] tideline = {location(Tracker.class), location(Runtimes.class)};
    try (URLClassLoader loader =
        new URLClassLoader(tideline, ClassLoader.getSystemClassLoader().getParent())) {
      assertThatThrownBy(() -> Class.forName("com.google.protobuf.MessageLite", false, loader))
          .isInstanceOf(ClassNotFoundException.class);
      Class<?> tracker = Class.forName(Tracker.class.getName(), true, loader);
      Class<?> builder = Class.forName(TrackerBuilder.class.getName(), false, loader);
      // As an app's call to Tracker.builder() links: that one method, not all of the class's.
      MethodHandle builderMethod =
          MethodHandles.publicLookup()
              .findStatic(tracker, "builder", MethodType.methodType(builder));

      assertThatThrownBy(() -> builderMethod.invoke())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("protobuf runtime, which is not on the classpath")
          .hasMessageContaining("com.google.protobuf:protobuf-java")
          .hasMessageContaining("com.google.protobuf:protobuf-javalite")
          .hasMessageContaining(Runtimes.PROTOBUF_VERSION);
    }
  }

  @Test
  void withProtobufPresentTheCheckPasses() {
    Runtimes.requireProtobuf("this test");
    assertThat(Tracker.builder()).isNotNull();
  }

  private static URL location(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }
}
