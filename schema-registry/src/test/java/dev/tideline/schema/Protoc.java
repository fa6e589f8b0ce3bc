package dev.tideline.schema;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real protoc release (copied into target/protoc by the build) on proto files. */
final class Protoc {
  private final Path executable;
  private final String version;

  private Protoc(Path executable, String version) {
    this.executable = executable;
    this.version = version;
  }

  /** Every protoc release the build provides for tests. */
  static List<Protoc> releases() throws IOException {
    Path dir = Paths.get(System.getProperty("tideline.protoc.dir", "target/protoc"));
    List<Protoc> releases = new ArrayList<>();
    for (String version : System.getProperty("tideline.protoc.versions").split(",")) {
      Path exe = dir.resolve("protoc-" + version + "-linux-x86_64.exe");
      if (!Files.isRegularFile(exe)) {
        throw new IllegalStateException("protoc " + version + " missing at " + exe);
      }
      exe.toFile().setExecutable(true);
      releases.add(new Protoc(exe, version));
    }
    return releases;
  }

  String version() {
    return version;
  }

  /** Compiles files (relative to the include folder) into a descriptor set with imports. */
  FileDescriptorSet compile(Path includeDir, String... files) throws Exception {
    Path wellKnown = wellKnownTypes();
    Path out = Files.createTempFile("descriptors-", ".binpb");
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.add("-I" + includeDir);
    command.add("-I" + wellKnown);
    command.add("--include_imports");
    command.add("--descriptor_set_out=" + out);
    command.addAll(Arrays.asList(files));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("protoc " + version + " failed: " + output);
    }
    try {
      return FileDescriptorSet.parseFrom(Files.readAllBytes(out));
    } finally {
      Files.delete(out);
    }
  }

  /** google/protobuf/descriptor.proto, from the protobuf runtime jar, in a folder for -I. */
  private static synchronized Path wellKnownTypes() throws IOException {
    Path dir = Paths.get("target", "well-known-protos");
    Path descriptor = dir.resolve("google/protobuf/descriptor.proto");
    if (!Files.exists(descriptor)) {
      Files.createDirectories(descriptor.getParent());
      try (InputStream in =
          Protoc.class.getClassLoader().getResourceAsStream("google/protobuf/descriptor.proto")) {
        Files.copy(in, descriptor, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return dir;
  }

  @Override
  public String toString() {
    return "protoc " + version;
  }
}
