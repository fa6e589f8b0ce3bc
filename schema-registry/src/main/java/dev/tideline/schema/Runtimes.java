package dev.tideline.schema;

/**
 * Checks that the libraries Tideline leaves to the application are on the classpath, so that a
 * missing one fails with a message naming the dependency to add instead of a {@code
 * NoClassDefFoundError} deep inside a class initializer.
 *
 * <p>Protobuf is not a transitive dependency because apps choose between {@code protobuf-java}
 * (servers) and {@code protobuf-javalite} (Android), which must not both be present; Avro is
 * optional because only Avro users need it. This class names neither library's types, so it loads
 * without them.
 */
public final class Runtimes {
  /** The protobuf version Tideline is built with; the runtime must be this or a later 4.x. */
  public static final String PROTOBUF_VERSION = "4.33.5";

  /** The Avro version Tideline is built with (1.11 is the last line that runs on Java 8). */
  public static final String AVRO_VERSION = "1.11.5";

  private Runtimes() {}

  /**
   * Throws unless a protobuf runtime is on the classpath.
   *
   * @param who what needs it, for the message (for example "Tracker")
   * @throws IllegalStateException naming the dependency to add
   */
  public static void requireProtobuf(String who) {
    if (!present("com.google.protobuf.MessageLite")) {
      throw new IllegalStateException(
          who
              + " needs the protobuf runtime, which is not on the classpath: add"
              + " com.google.protobuf:protobuf-java (servers) or com.google.protobuf:protobuf-javalite"
              + " (Android), version "
              + PROTOBUF_VERSION
              + " or a later 4.x. Tideline does not bring it itself so that you choose which.");
    }
  }

  /**
   * Throws unless Avro is on the classpath.
   *
   * @param who what needs it, for the message (for example "the Avro schema src/main/avro/x.avsc")
   * @throws IllegalStateException naming the dependency to add
   */
  public static void requireAvro(String who) {
    if (!present("org.apache.avro.Schema")) {
      throw new IllegalStateException(
          who
              + " needs Avro, which is not on the classpath: add org.apache.avro:avro:"
              + AVRO_VERSION
              + " (or a later 1.11.x) as a dependency; Tideline's Avro support is optional.");
    }
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, Runtimes.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
