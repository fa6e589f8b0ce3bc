package dev.tideline.schema.tools;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Compiles {@code .proto} files to a {@link FileDescriptorSet} with protoc, the reference compiler
 * (docs/decisions/0200-proto-parsing.md).
 *
 * <p>Which protoc: the {@code tideline.protoc} system property, else the {@code TIDELINE_PROTOC}
 * environment variable, else the release the build resolves ({@value #PROPERTIES}) in the local
 * Maven repository, else {@code protoc} on the {@code PATH}. Besides the given roots, the import
 * path holds the protobuf well-known types and Tideline's own {@code tideline/v1/*.proto} (the
 * options events use), both read from the class path.
 *
 * <p>Instances are immutable and thread-safe; each compilation runs one protoc process.
 */
public final class ProtoCompiler {
  static final String PROPERTIES = "dev/tideline/schema/tools/protoc.properties";

  /** How long one protoc run may take before it is killed. */
  public static final long TIMEOUT_SECONDS = 60;

  private static final List<String> CLASSPATH_PROTOS =
      Arrays.asList(
          "google/protobuf/any.proto",
          "google/protobuf/descriptor.proto",
          "google/protobuf/duration.proto",
          "google/protobuf/empty.proto",
          "google/protobuf/field_mask.proto",
          "google/protobuf/struct.proto",
          "google/protobuf/timestamp.proto",
          "google/protobuf/wrappers.proto",
          "tideline/v1/options.proto",
          "tideline/v1/envelope.proto");

  /** Resolved on first use, so schema sets without .proto files never need protoc. */
  private final Supplier<Path> protoc;

  private volatile @Nullable Path resolved;

  private ProtoCompiler(Supplier<Path> protoc) {
    this.protoc = protoc;
  }

  /**
   * A compiler that runs this protoc executable (a relative path is against the current folder).
   */
  public static ProtoCompiler using(Path protoc) {
    if (!Files.isRegularFile(protoc)) {
      throw new IllegalArgumentException("protoc not found at " + protoc);
    }
    protoc.toFile().setExecutable(true);
    // Absolute: protoc runs in a temporary folder, where a relative path would name nothing.
    Path absolute = protoc.toAbsolutePath();
    return new ProtoCompiler(() -> absolute);
  }

  /**
   * A compiler that finds protoc as the class comment describes, when it first needs it; {@link
   * #compile} then throws {@link SchemaException} if none is found, saying where it looked.
   */
  public static ProtoCompiler locate() {
    return new ProtoCompiler(() -> find().protoc.get());
  }

  private static ProtoCompiler find() {
    List<String> tried = new ArrayList<>();
    String configured = System.getProperty("tideline.protoc");
    if (configured == null || configured.isEmpty()) {
      configured = System.getenv("TIDELINE_PROTOC");
    }
    if (configured != null && !configured.isEmpty()) {
      return using(Paths.get(configured));
    }
    String version = protocVersion();
    Path inRepository =
        Paths.get(System.getProperty("user.home"), ".m2", "repository")
            .resolve("com/google/protobuf/protoc/" + version)
            .resolve("protoc-" + version + "-" + classifier() + ".exe");
    tried.add(inRepository.toString());
    if (Files.isRegularFile(inRepository)) {
      return using(inRepository);
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path candidate = Paths.get(dir, "protoc");
        tried.add(candidate.toString());
        if (Files.isExecutable(candidate)) {
          return new ProtoCompiler(() -> candidate);
        }
      }
    }
    throw new SchemaException(
        "protoc "
            + version
            + " not found; set -Dtideline.protoc or TIDELINE_PROTOC to a protoc executable, or"
            + " resolve com.google.protobuf:protoc:"
            + version
            + ":exe:"
            + classifier()
            + " with Maven. Looked at: "
            + String.join(", ", tried));
  }

  /** The protoc release this build pins. */
  public static String protocVersion() {
    Properties properties = new Properties();
    try (InputStream in = ProtoCompiler.class.getClassLoader().getResourceAsStream(PROPERTIES)) {
      if (in == null) {
        throw new IllegalStateException(PROPERTIES + " is missing from the class path");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("protoc.version");
  }

  private static String classifier() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String osPart = os.contains("mac") ? "osx" : os.contains("win") ? "windows" : "linux";
    String archPart = arch.contains("aarch64") || arch.contains("arm64") ? "aarch_64" : "x86_64";
    return osPart + "-" + archPart;
  }

  /**
   * The protoc executable this compiler runs.
   *
   * @throws SchemaException if it has to be found and is not
   */
  public Path executable() {
    Path path = resolved;
    if (path == null) {
      path = protoc.get();
      resolved = path;
    }
    return path;
  }

  /**
   * Compiles the given files (paths relative to one of the roots) with their imports and source
   * info (comments, for the docs).
   *
   * @throws SchemaException if protoc refuses the files, with its messages
   */
  public FileDescriptorSet compile(List<Path> roots, List<String> files) {
    if (files.isEmpty()) {
      return FileDescriptorSet.getDefaultInstance();
    }
    Path work = null;
    try {
      work = Files.createTempDirectory("tideline-protoc");
      Path includes = work.resolve("include");
      for (String resource : CLASSPATH_PROTOS) {
        try (InputStream in = ProtoCompiler.class.getClassLoader().getResourceAsStream(resource)) {
          if (in != null) {
            Path target = includes.resolve(resource);
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      Path out = work.resolve("set.binpb");
      List<String> command = new ArrayList<>();
      command.add(executable().toString());
      command.add("--include_imports");
      command.add("--include_source_info");
      command.add("--descriptor_set_out=" + out);
      for (Path root : roots) {
        command.add("--proto_path=" + root.toAbsolutePath());
      }
      command.add("--proto_path=" + includes);
      command.addAll(files);
      Process process =
          new ProcessBuilder(command).redirectErrorStream(true).directory(work.toFile()).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new SchemaException("protoc did not finish within " + TIMEOUT_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        throw new SchemaException(
            "protoc refused the schemas in "
                + roots
                + ":\n"
                + new String(output, StandardCharsets.UTF_8).trim());
      }
      return FileDescriptorSet.parseFrom(Files.readAllBytes(out));
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + executable(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaException("interrupted while protoc ran");
    } finally {
      if (work != null) {
        MoreFiles.deleteRecursively(work);
      }
    }
  }
}
