package dev.tideline.schema.tools;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.tools.catalog.CatalogBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;

/**
 * Where the versions of a schema set come from: folders, or commits of a git repository read with
 * {@code git ls-tree} and {@code git show} (the {@code git} executable must be on the PATH).
 *
 * <p>Thread-safe; each method runs its own processes.
 */
public final class SchemaSources {
  /**
   * At most this many commits are read for a transitive check against a git ref: the newest ones
   * that changed the schemas.
   */
  public static final int MAX_GIT_VERSIONS = 100;

  private static final long GIT_TIMEOUT_SECONDS = 60;

  private SchemaSources() {}

  /** True if {@code dir} (or its nearest existing parent) is inside a git work tree. */
  public static boolean inGitWorkTree(Path dir) {
    try {
      topLevel(dir.toAbsolutePath());
      return true;
    } catch (SchemaException e) {
      return false;
    }
  }

  /** True if {@code ref} names a commit in the git repository that holds {@code dir}. */
  public static boolean isGitRef(Path dir, String ref) {
    try {
      run(dir, "git", "rev-parse", "--verify", "--quiet", ref + "^{commit}");
      return true;
    } catch (SchemaException e) {
      return false;
    }
  }

  /**
   * The versions of the schemas under {@code roots} at a git ref: only the ref itself, or, when
   * {@code history} is set, also every earlier commit reachable from it that changed them (at most
   * {@link #MAX_GIT_VERSIONS}), oldest first.
   *
   * @param roots folders inside one git work tree
   * @throws SchemaException if the ref does not exist or a file there does not parse
   */
  public static List<SchemaSet> fromGit(
      List<Path> roots, String ref, boolean history, ProtoCompiler compiler) {
    Path anyRoot = roots.get(0).toAbsolutePath();
    Path top = topLevel(anyRoot);
    List<String> relativeRoots = new ArrayList<>();
    for (Path root : roots) {
      relativeRoots.add(relative(top, root));
    }
    if (!isGitRef(top, ref)) {
      throw new SchemaException(
          "'" + ref + "' is neither a folder nor a commit of the git repository at " + top);
    }
    String target = text(run(top, "git", "rev-parse", ref + "^{commit}")).trim();
    Set<String> commits = new LinkedHashSet<>();
    if (history) {
      List<String> command =
          new ArrayList<>(
              Arrays.asList("git", "rev-list", "--max-count=" + MAX_GIT_VERSIONS, target, "--"));
      command.addAll(relativeRoots);
      String[] listed = text(run(top, command.toArray(new String[0]))).trim().split("\n");
      for (int i = listed.length - 1; i >= 0; i--) {
        if (!listed[i].isEmpty()) {
          commits.add(listed[i]);
        }
      }
    }
    commits.remove(target);
    commits.add(target); // the ref itself is the newest previous version
    List<SchemaSet> versions = new ArrayList<>();
    for (String commit : commits) {
      String label = commit.equals(target) ? ref : "git " + commit.substring(0, 12);
      versions.add(atCommit(top, commit, label, relativeRoots, compiler));
    }
    return versions;
  }

  private static SchemaSet atCommit(
      Path top, String commit, String label, List<String> relativeRoots, ProtoCompiler compiler) {
    Path work = null;
    try {
      work = Files.createTempDirectory("tideline-git-schemas");
      List<Path> roots = new ArrayList<>();
      for (int r = 0; r < relativeRoots.size(); r++) {
        String rel = relativeRoots.get(r);
        Path root = work.resolve("root" + r);
        Files.createDirectories(root);
        roots.add(root);
        String listing =
            text(run(top, "git", "ls-tree", "-r", "-z", "--name-only", commit, "--", rel));
        for (String path : listing.split("\0")) {
          if (!(path.endsWith(".proto") || path.endsWith(".avsc"))) {
            continue;
          }
          String inRoot = rel.isEmpty() ? path : path.substring(rel.length() + 1);
          Path target = root.resolve(inRoot);
          Files.createDirectories(target.getParent());
          Files.write(target, run(top, "git", "show", commit + ":" + path));
        }
      }
      return SchemaSet.load(label, roots, compiler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (work != null) {
        MoreFiles.deleteRecursively(work);
      }
    }
  }

  /**
   * The released versions in a committed catalog history (the {@link CatalogBuilder} layout), one
   * set per event version, oldest first: every version, or only the newest of each event type. A
   * protobuf version's own files are the event's file and the files of {@code current} it imports;
   * an Avro version is its schema.
   *
   * @throws SchemaException if the history cannot be read
   */
  public static List<SchemaSet> fromHistory(Path history, SchemaSet current, boolean everyVersion) {
    Catalog catalog;
    try {
      catalog = CatalogBuilder.create().history(history.toFile()).build();
    } catch (IOException e) {
      throw new SchemaException("cannot read the catalog history " + history + ": " + e, e);
    }
    List<CatalogEntry> entries = new ArrayList<>();
    for (CatalogEntry entry : catalog.getEntriesList()) {
      if (!entry.getReleased()) {
        continue;
      }
      if (!everyVersion
          && !entries.isEmpty()
          && entries.get(entries.size() - 1).getEventType().equals(entry.getEventType())) {
        entries.remove(entries.size() - 1); // entries come by type, then version
      }
      entries.add(entry);
    }
    List<SchemaSet> versions = new ArrayList<>();
    for (CatalogEntry entry : entries) {
      String label = "released " + entry.getEventType() + " v" + entry.getVersion();
      if (entry.getFormat() == SchemaFormat.AVRO) {
        Schema schema = new Schema.Parser().parse(entry.getAvroSchema());
        versions.add(
            SchemaSet.of(
                label,
                FileDescriptorSet.getDefaultInstance(),
                Set.of(),
                Map.of("released:" + entry.getEventType(), schema)));
        continue;
      }
      FileDescriptorSet files;
      try {
        files = FileDescriptorSet.parseFrom(entry.getDescriptorSet());
      } catch (InvalidProtocolBufferException e) {
        throw new SchemaException(label + " has a corrupt descriptor set", e);
      }
      Set<String> own = new HashSet<>();
      for (FileDescriptorProto file : files.getFileList()) {
        if (current.protoFileNames().contains(file.getName())) {
          own.add(file.getName());
        }
      }
      if (files.getFileCount() > 0) {
        own.add(files.getFile(files.getFileCount() - 1).getName()); // the event's own file
      }
      versions.add(SchemaSet.of(label, files, own, Map.of()));
    }
    return versions;
  }

  /** The git work tree's top folder that holds dir. */
  static Path topLevel(Path dir) {
    Path existing = dir;
    while (existing != null && !Files.isDirectory(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new SchemaException(dir + " is not inside a git work tree");
    }
    try {
      return Path.of(text(run(existing, "git", "rev-parse", "--show-toplevel")).trim())
          .toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String relative(Path top, Path root) {
    try {
      Path real = root.toAbsolutePath().normalize();
      if (Files.exists(real)) {
        real = real.toRealPath();
      }
      if (!real.startsWith(top)) {
        throw new SchemaException(root + " is not inside the git work tree " + top);
      }
      return top.relativize(real).toString().replace('\\', '/');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Runs a command in dir and returns its standard output; fails with its standard error. */
  static byte[] run(Path dir, String... command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      process.getOutputStream().close();
      CompletableFuture<byte[]> err =
          CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      byte[] out = readAll(process.getInputStream());
      if (!process.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new SchemaException(String.join(" ", command) + " did not finish in time");
      }
      if (process.exitValue() != 0) {
        throw new SchemaException(
            String.join(" ", command) + " failed in " + dir + ": " + text(err.join()).trim());
      }
      return out;
    } catch (IOException e) {
      throw new SchemaException("could not run " + command[0] + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaException("interrupted while running " + command[0]);
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
