package dev.tideline.schema.tools;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import dev.tideline.schema.ProtoSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * One version of a set of schemas: the {@code .proto} files and {@code .avsc} files found under one
 * or more root folders.
 *
 * <p>Protobuf files import each other by their path relative to a root; they are compiled together
 * with protoc into one descriptor set. Each {@code .avsc} file holds one schema. Immutable and
 * thread-safe.
 */
public final class SchemaSet {
  private final String label;
  private final FileDescriptorSet descriptors;
  private final Set<String> protoFiles;
  private final Map<String, Schema> avroFiles;
  private final ProtoSchemas protoSchemas;

  private SchemaSet(
      String label,
      FileDescriptorSet descriptors,
      Set<String> protoFiles,
      Map<String, Schema> avroFiles) {
    this.label = label;
    this.descriptors = descriptors;
    this.protoFiles = Collections.unmodifiableSet(protoFiles);
    this.avroFiles = Collections.unmodifiableMap(avroFiles);
    this.protoSchemas = ProtoSchemas.of(descriptors);
  }

  /**
   * Reads every {@code .proto} and {@code .avsc} file under the roots.
   *
   * @param label how reports name this version, for example "work tree" or "git main"
   * @throws SchemaException if a file does not parse, naming the file
   */
  public static SchemaSet load(String label, List<Path> roots, ProtoCompiler compiler) {
    List<String> protos = new ArrayList<>();
    Map<String, Schema> avro = new TreeMap<>();
    for (Path root : roots) {
      for (String proto : MoreFiles.find(root, ".proto")) {
        if (!protos.contains(proto)) {
          protos.add(proto);
        }
      }
      for (String avsc : MoreFiles.find(root, ".avsc")) {
        avro.put(avsc, parseAvro(root.resolve(avsc), avsc));
      }
    }
    FileDescriptorSet set =
        protos.isEmpty() ? FileDescriptorSet.getDefaultInstance() : compiler.compile(roots, protos);
    return new SchemaSet(label, set, new HashSet<>(protos), avro);
  }

  /**
   * A set made of schemas already in memory.
   *
   * @param descriptors protobuf files with their imports
   * @param ownFiles the names of the files that belong to the set (the others are imports)
   * @param avro Avro schemas by file path
   */
  public static SchemaSet of(
      String label, FileDescriptorSet descriptors, Set<String> ownFiles, Map<String, Schema> avro) {
    return new SchemaSet(label, descriptors, new HashSet<>(ownFiles), new TreeMap<>(avro));
  }

  /** The names of this set's own protobuf files. */
  public Set<String> protoFileNames() {
    return protoFiles;
  }

  private static Schema parseAvro(Path file, String name) {
    try {
      return new Schema.Parser()
          .parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    } catch (SchemaParseException e) {
      throw new SchemaException(name + " is not a valid Avro schema: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How reports name this version. */
  public String label() {
    return label;
  }

  /** The compiled protobuf files with their imports, in dependency order. */
  public FileDescriptorSet descriptors() {
    return descriptors;
  }

  /** The id index over {@link #descriptors()}. */
  public ProtoSchemas protoSchemas() {
    return protoSchemas;
  }

  /** The protobuf files of this set (not its imports), as paths relative to their root. */
  public List<FileDescriptorProto> protoFiles() {
    List<FileDescriptorProto> own = new ArrayList<>();
    for (FileDescriptorProto file : descriptors.getFileList()) {
      if (protoFiles.contains(file.getName())) {
        own.add(file);
      }
    }
    return own;
  }

  /** The Avro schemas of this set by file path relative to their root, sorted. */
  public Map<String, Schema> avroFiles() {
    return avroFiles;
  }

  /** Every message of this set's own files (nested ones too) by full name, in declaration order. */
  public Map<String, DescriptorProto> messages() {
    Map<String, DescriptorProto> out = new LinkedHashMap<>();
    for (FileDescriptorProto file : protoFiles()) {
      String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
      for (DescriptorProto message : file.getMessageTypeList()) {
        addMessage(out, prefix, message);
      }
    }
    return out;
  }

  private static void addMessage(
      Map<String, DescriptorProto> out, String prefix, DescriptorProto message) {
    out.put(prefix + message.getName(), message);
    for (DescriptorProto nested : message.getNestedTypeList()) {
      addMessage(out, prefix + message.getName() + ".", nested);
    }
  }

  /** Every enum of this set's own files (nested ones too) by full name, in declaration order. */
  public Map<String, EnumDescriptorProto> enums() {
    Map<String, EnumDescriptorProto> out = new LinkedHashMap<>();
    for (FileDescriptorProto file : protoFiles()) {
      String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
      for (EnumDescriptorProto enumType : file.getEnumTypeList()) {
        out.put(prefix + enumType.getName(), enumType);
      }
      for (DescriptorProto message : file.getMessageTypeList()) {
        addEnums(out, prefix, message);
      }
    }
    return out;
  }

  private static void addEnums(
      Map<String, EnumDescriptorProto> out, String prefix, DescriptorProto message) {
    String name = prefix + message.getName();
    for (EnumDescriptorProto enumType : message.getEnumTypeList()) {
      out.put(name + "." + enumType.getName(), enumType);
    }
    for (DescriptorProto nested : message.getNestedTypeList()) {
      addEnums(out, name + ".", nested);
    }
  }

  /** The Avro schemas of this set by full name. */
  public Map<String, Schema> avroSchemas() {
    Map<String, Schema> out = new TreeMap<>();
    for (Schema schema : avroFiles.values()) {
      out.put(schema.getFullName(), schema);
    }
    return out;
  }

  @Override
  public String toString() {
    return label;
  }
}
