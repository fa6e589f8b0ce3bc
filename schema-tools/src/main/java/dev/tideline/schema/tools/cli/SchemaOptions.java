package dev.tideline.schema.tools.cli;

import dev.tideline.schema.tools.ProtoCompiler;
import dev.tideline.schema.tools.SchemaException;
import dev.tideline.schema.tools.SchemaSet;
import dev.tideline.schema.tools.SchemaSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Where the current schemas are, and which protoc reads them; shared by every command. */
final class SchemaOptions {
  @Option(
      names = {"-s", "--schemas"},
      paramLabel = "<dir>",
      description =
          "A folder of .proto files (imported relative to it) and .avsc files; repeatable."
              + " Default: src/main/proto and src/main/avro, where they exist.")
  List<Path> roots = new ArrayList<>();

  @Option(
      names = "--protoc",
      paramLabel = "<file>",
      description =
          "The protoc executable. Default: -Dtideline.protoc, $TIDELINE_PROTOC, the pinned release"
              + " in the local Maven repository, or protoc on the PATH.")
  @Nullable Path protoc;

  ProtoCompiler compiler() {
    return protoc != null ? ProtoCompiler.using(protoc) : ProtoCompiler.locate();
  }

  /** The roots given, or the Maven layout's defaults; fails if there are none. */
  List<Path> roots() {
    if (!roots.isEmpty()) {
      for (Path root : roots) {
        if (!Files.isDirectory(root)) {
          throw new SchemaException("--schemas " + root + " is not a folder");
        }
      }
      return roots;
    }
    List<Path> defaults = new ArrayList<>();
    for (String candidate : new String[] {"src/main/proto", "src/main/avro"}) {
      if (Files.isDirectory(Paths.get(candidate))) {
        defaults.add(Paths.get(candidate));
      }
    }
    if (defaults.isEmpty()) {
      throw new SchemaException(
          "no --schemas given, and neither src/main/proto nor src/main/avro is here");
    }
    return defaults;
  }

  SchemaSet current() {
    return SchemaSet.load("work tree", roots(), compiler());
  }

  /**
   * The earlier versions named by {@code --against} values, oldest first: folders (with several
   * roots, each root's path relative to the current folder is looked up inside the folder), or a
   * git ref (with {@code history}, every earlier commit that changed the schemas too).
   */
  List<SchemaSet> earlier(List<String> against, boolean history) {
    List<Path> roots = roots();
    ProtoCompiler compiler = compiler();
    List<SchemaSet> versions = new ArrayList<>();
    for (String value : against) {
      Path folder = Paths.get(value);
      if (Files.isDirectory(folder)) {
        versions.add(SchemaSet.load(value, rootsIn(folder, roots), compiler));
      } else if (Files.exists(folder)) {
        throw new SchemaException(
            "--against " + value + " is a file; give a folder of earlier schemas or a git ref");
      } else if (looksLikeFolder(value)) {
        throw new SchemaException(
            "--against "
                + value
                + ": no such folder; give a folder of earlier schemas or a git ref (origin/main)");
      } else if (!SchemaSources.inGitWorkTree(roots.get(0))) {
        throw new SchemaException(
            "--against "
                + value
                + ": no such folder here, and "
                + roots.get(0)
                + " is not in a git work tree, so it cannot be a git ref; give a folder of"
                + " earlier schemas");
      } else {
        versions.addAll(SchemaSources.fromGit(roots, value, history, compiler));
      }
    }
    return versions;
  }

  /** A path no git ref looks like: absolute, or starting from the current or home folder. */
  private static boolean looksLikeFolder(String value) {
    return Paths.get(value).isAbsolute()
        || value.equals(".")
        || value.equals("..")
        || value.startsWith("./")
        || value.startsWith("../")
        || value.startsWith("~");
  }

  private static List<Path> rootsIn(Path folder, List<Path> roots) {
    if (roots.size() == 1) {
      return List.of(folder);
    }
    Path cwd = Paths.get("").toAbsolutePath();
    List<Path> out = new ArrayList<>();
    for (Path root : roots) {
      Path absolute = root.toAbsolutePath().normalize();
      if (!absolute.startsWith(cwd)) {
        throw new SchemaException(
            "with several --schemas, --against "
                + folder
                + " must mirror them, but "
                + root
                + " is outside the current folder");
      }
      Path mirrored = folder.resolve(cwd.relativize(absolute).toString());
      if (Files.isDirectory(mirrored)) {
        out.add(mirrored);
      }
    }
    return out;
  }
}
