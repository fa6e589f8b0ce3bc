package dev.tideline.schema.tools.catalog;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.EventMeta;
import dev.tideline.proto.v1.FieldMeta;
import dev.tideline.proto.v1.FieldRules;
import dev.tideline.proto.v1.FieldSpec;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.ProtoSchemas;
import dev.tideline.schema.Runtimes;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The catalog step: builds a {@link Catalog} from the schemas of a build (a protoc descriptor set
 * and Avro schema files) and the committed history of released versions.
 *
 * <p>Protobuf events are the messages carrying the {@code (tideline.v1.event)} option; every Avro
 * record schema file is an event. The catalog holds every version in the history, plus each current
 * schema whose id the history does not have yet, as the next, unreleased version. {@link
 * #record(File)} writes those new versions into the history (a release), one file per version:
 * {@code <history>/<event type>/v<version>-<schema id hex>.binpb}, each a serialized {@link
 * CatalogEntry}, so a listing of the folder reads as the release history.
 *
 * <p>Runs at build time on the JVM, on protobuf-java or protobuf-javalite (an events module may
 * have only the lite runtime); the Avro part needs Apache Avro on the classpath. Not thread-safe.
 */
public final class CatalogBuilder {
  private static final String ENTRY_SUFFIX = ".binpb";

  /**
   * FileDescriptorSet.file, FileDescriptorProto.source_code_info
   * (google/protobuf/descriptor.proto).
   */
  private static final int FILE_DESCRIPTOR_SET_FILE = 1;

  private static final int FILE_SOURCE_CODE_INFO = 9;

  private final List<CatalogEntry> current = new ArrayList<>();
  private final List<CatalogEntry> history = new ArrayList<>();

  private CatalogBuilder() {}

  /** An empty builder. */
  public static CatalogBuilder create() {
    return new CatalogBuilder();
  }

  /**
   * Adds the events of a protoc descriptor set (built with imports, so every referenced type is in
   * it).
   *
   * @throws IllegalArgumentException if the bytes are not a descriptor set, or an event references
   *     a type that is not in it
   */
  public CatalogBuilder addDescriptorSet(byte[] fileDescriptorSet) {
    FileDescriptorSet set;
    try {
      // Parsed without extensions: our options stay unknown fields, read by CustomOptions.
      set = FileDescriptorSet.parseFrom(fileDescriptorSet);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a protobuf FileDescriptorSet: " + e.getMessage(), e);
    }
    ProtoSchemas schemas = ProtoSchemas.of(set);
    for (String name : schemas.messageNames()) {
      DescriptorProto message = schemas.message(name);
      ByteString event = CustomOptions.read(message.getOptions(), CustomOptions.RULES_OR_EVENT);
      if (event == null) {
        continue;
      }
      FileDescriptorProto file = schemas.fileOf(name);
      CatalogEntry.Builder entry =
          CatalogEntry.newBuilder()
              .setEventType(name)
              .setFormat(SchemaFormat.PROTOBUF)
              .setSchemaId(schemas.schemaId(name))
              .setJavaClass(javaClassName(file, name))
              .setMeta(parse(EventMeta.parser(), event))
              .setDescriptorSet(dependencyClosure(set, file));
      List<FieldSpec> fields = new ArrayList<>();
      flatten(schemas, message, "", fields, new HashSet<String>(Collections.singleton(name)));
      entry.addAllFields(fields);
      current.add(entry.build());
    }
    return this;
  }

  /** Adds the events of a descriptor set file; see {@link #addDescriptorSet(byte[])}. */
  public CatalogBuilder addDescriptorSet(File file) throws IOException {
    return addDescriptorSet(read(file));
  }

  /**
   * Adds an Avro record schema (JSON) as an event.
   *
   * @throws IllegalArgumentException if it does not parse or is not a record
   */
  public CatalogBuilder addAvroSchema(String json) {
    Runtimes.requireAvro("An Avro schema in the catalog");
    current.add(AvroEntries.entry(json));
    return this;
  }

  /** Adds every {@code .avsc} file of a folder (not recursive), in name order. */
  public CatalogBuilder addAvroFolder(File folder) throws IOException {
    File[] files = folder.listFiles((dir, name) -> name.endsWith(".avsc"));
    if (files == null) {
      return this;
    }
    Arrays.sort(files);
    for (File file : files) {
      Runtimes.requireAvro("The Avro schema " + file);
      try {
        addAvroSchema(new String(read(file), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
    }
    return this;
  }

  /**
   * Reads the committed history of released versions from a folder (absent: no history).
   *
   * @throws IOException if an entry cannot be read, naming the file
   */
  public CatalogBuilder history(File folder) throws IOException {
    File[] types = folder.listFiles(File::isDirectory);
    if (types == null) {
      return this;
    }
    Arrays.sort(types);
    for (File type : types) {
      File[] versions = type.listFiles((dir, name) -> name.endsWith(ENTRY_SUFFIX));
      if (versions == null) {
        continue;
      }
      for (File version : versions) {
        try {
          history.add(CatalogEntry.parseFrom(read(version)));
        } catch (InvalidProtocolBufferException e) {
          throw new IOException("history entry " + version + " is corrupt: " + e.getMessage(), e);
        }
      }
    }
    return this;
  }

  /**
   * The catalog: every released version from the history, with the metadata and rules of the
   * current schema where the ids match, plus each new current schema as the next unreleased
   * version. Entries are ordered by event type, then version.
   */
  public Catalog build() {
    Map<String, List<CatalogEntry>> byType = new LinkedHashMap<>();
    Map<String, CatalogEntry> currentByKey = new HashMap<>();
    for (CatalogEntry entry : current) {
      currentByKey.put(key(entry), entry);
    }
    for (CatalogEntry entry : history) {
      CatalogEntry now = currentByKey.get(key(entry));
      CatalogEntry merged =
          now == null
              ? entry
              : now.toBuilder().setVersion(entry.getVersion()).setReleased(true).build();
      typeList(byType, entry.getEventType()).add(merged);
    }
    for (CatalogEntry entry : current) {
      List<CatalogEntry> versions = typeList(byType, entry.getEventType());
      boolean known = false;
      int max = 0;
      for (CatalogEntry version : versions) {
        known |= version.getSchemaId() == entry.getSchemaId();
        max = Math.max(max, version.getVersion());
      }
      if (!known) {
        versions.add(entry.toBuilder().setVersion(max + 1).setReleased(false).build());
      }
    }
    List<String> types = new ArrayList<>(byType.keySet());
    Collections.sort(types);
    Catalog.Builder catalog = Catalog.newBuilder();
    for (String type : types) {
      List<CatalogEntry> versions = byType.get(type);
      Collections.sort(versions, (a, b) -> Integer.compare(a.getVersion(), b.getVersion()));
      catalog.addAllEntries(versions);
    }
    return catalog.build();
  }

  /**
   * Records every unreleased version of {@link #build()} in the history folder, as released.
   *
   * @return the entries recorded
   */
  public List<CatalogEntry> record(File historyFolder) throws IOException {
    List<CatalogEntry> recorded = new ArrayList<>();
    for (CatalogEntry entry : build().getEntriesList()) {
      if (entry.getReleased()) {
        continue;
      }
      CatalogEntry released = entry.toBuilder().setReleased(true).build();
      File folder = new File(historyFolder, entry.getEventType());
      if (!folder.isDirectory() && !folder.mkdirs()) {
        throw new IOException("cannot create " + folder);
      }
      write(new File(folder, historyFileName(released)), released.toByteArray());
      history.add(released);
      recorded.add(released);
    }
    return recorded;
  }

  /** The history file name of an entry: {@code v<version>-<schema id as 16 hex digits>.binpb}. */
  public static String historyFileName(CatalogEntry entry) {
    return String.format(
        Locale.ROOT, "v%d-%016x%s", entry.getVersion(), entry.getSchemaId(), ENTRY_SUFFIX);
  }

  /**
   * The build step: {@code CatalogBuilder <descriptor set file> <avro folder> <history folder>
   * <output catalog file>}. With {@code -Dtideline.catalog.record=true} it also records new
   * versions in the history. The {@code tideline-schema catalog} command offers the same with named
   * options.
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      throw new IllegalArgumentException(
          "usage: CatalogBuilder <descriptor set> <avro folder> <history folder> <output file>");
    }
    CatalogBuilder builder = create();
    File descriptorSet = new File(args[0]);
    if (descriptorSet.isFile()) {
      builder.addDescriptorSet(descriptorSet);
    }
    builder.addAvroFolder(new File(args[1])).history(new File(args[2]));
    if (Boolean.getBoolean("tideline.catalog.record")) {
      for (CatalogEntry entry : builder.record(new File(args[2]))) {
        System.out.println(
            "recorded "
                + entry.getEventType()
                + " v"
                + entry.getVersion()
                + " "
                + historyFileName(entry));
      }
    }
    Catalog catalog = builder.build();
    File out = new File(args[3]);
    File parent = out.getParentFile();
    if (parent != null && !parent.isDirectory() && !parent.mkdirs()) {
      throw new IOException("cannot create " + parent);
    }
    write(out, catalog.toByteArray());
    System.out.println("catalog " + out + ": " + catalog.getEntriesCount() + " schema versions");
  }

  private static String key(CatalogEntry entry) {
    return entry.getEventType() + "@" + Long.toHexString(entry.getSchemaId());
  }

  private static List<CatalogEntry> typeList(Map<String, List<CatalogEntry>> byType, String type) {
    List<CatalogEntry> list = byType.get(type);
    if (list == null) {
      list = new ArrayList<>();
      byType.put(type, list);
    }
    return list;
  }

  /**
   * The files an event's file needs, in dependency order, without source info, as a serialized
   * FileDescriptorSet. Written at the wire level: the descriptor protos of protobuf-javalite and
   * protobuf-java differ in their builders' signatures, so builder calls compiled against one fail
   * on the other; this code runs on both.
   */
  private static ByteString dependencyClosure(FileDescriptorSet set, FileDescriptorProto root) {
    Map<String, FileDescriptorProto> byName = new HashMap<>();
    for (FileDescriptorProto file : set.getFileList()) {
      byName.put(file.getName(), file);
    }
    Set<String> ordered = new LinkedHashSet<>();
    addWithDependencies(byName, root.getName(), ordered);
    ByteString.Output out = ByteString.newOutput();
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    try {
      for (String name : ordered) {
        coded.writeBytes(
            FILE_DESCRIPTOR_SET_FILE,
            CustomOptions.without(byName.get(name).toByteString(), FILE_SOURCE_CODE_INFO));
      }
      coded.flush();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return out.toByteString();
  }

  private static void addWithDependencies(
      Map<String, FileDescriptorProto> byName, String name, Set<String> ordered) {
    if (ordered.contains(name)) {
      return;
    }
    FileDescriptorProto file = byName.get(name);
    if (file == null) {
      throw new IllegalArgumentException(
          "descriptor set lacks " + name + "; build it with imports included");
    }
    // By index: getDependencyList() returns a ProtocolStringList in protobuf-java and a
    // List<String> in protobuf-javalite, so a call compiled against one is missing from the other.
    for (int i = 0; i < file.getDependencyCount(); i++) {
      addWithDependencies(byName, file.getDependency(i), ordered);
    }
    ordered.add(name);
  }

  private static void flatten(
      ProtoSchemas schemas,
      DescriptorProto message,
      String prefix,
      List<FieldSpec> out,
      Set<String> path) {
    for (FieldDescriptorProto field : message.getFieldList()) {
      boolean repeated = field.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED;
      String name = prefix + field.getName();
      String typeName = field.hasTypeName() ? ProtoSchemas.stripDot(field.getTypeName()) : "";
      DescriptorProto nested = typeName.isEmpty() ? null : schemas.message(typeName);
      boolean map = nested != null && nested.getOptions().getMapEntry();
      String type;
      if (map) {
        type =
            "map<"
                + readableType(nested.getField(0))
                + ", "
                + readableType(nested.getField(1))
                + ">";
      } else {
        type = readableType(field);
      }
      out.add(
          FieldSpec.newBuilder()
              .setPath(name)
              .setNumber(field.getNumber())
              .setType(type)
              .setRepeated(repeated && !map)
              .setRules(
                  parse(
                      FieldRules.parser(),
                      CustomOptions.read(field.getOptions(), CustomOptions.RULES_OR_EVENT)))
              .setMeta(
                  parse(
                      FieldMeta.parser(),
                      CustomOptions.read(field.getOptions(), CustomOptions.FIELD_META)))
              .build());
      if (nested != null && !map && path.add(typeName)) {
        flatten(schemas, nested, name + (repeated ? "[]." : "."), out, path);
        path.remove(typeName);
      }
    }
  }

  /** Parses an option's bytes; absent (null) gives the default instance. */
  private static <T extends MessageLite> T parse(Parser<T> parser, ByteString bytes) {
    try {
      return parser.parseFrom(bytes == null ? ByteString.EMPTY : bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("a Tideline option does not parse: " + e.getMessage(), e);
    }
  }

  private static String readableType(FieldDescriptorProto field) {
    String type = ProtoSchemas.type(field);
    return field.hasTypeName() ? type + " " + ProtoSchemas.stripDot(field.getTypeName()) : type;
  }

  /** The binary name of the Java class protoc generates for a message. */
  static String javaClassName(FileDescriptorProto file, String messageFullName) {
    String pkg = file.getPackage();
    String relative = pkg.isEmpty() ? messageFullName : messageFullName.substring(pkg.length() + 1);
    String nested = relative.replace('.', '$');
    String javaPackage =
        file.getOptions().hasJavaPackage() ? file.getOptions().getJavaPackage() : pkg;
    String prefix = javaPackage.isEmpty() ? "" : javaPackage + ".";
    if (file.getOptions().getJavaMultipleFiles()) {
      return prefix + nested;
    }
    return prefix + outerClassName(file) + "$" + nested;
  }

  private static String outerClassName(FileDescriptorProto file) {
    if (file.getOptions().hasJavaOuterClassname()) {
      return file.getOptions().getJavaOuterClassname();
    }
    String base = file.getName().substring(file.getName().lastIndexOf('/') + 1);
    if (base.endsWith(".proto")) {
      base = base.substring(0, base.length() - ".proto".length());
    }
    StringBuilder out = new StringBuilder();
    boolean upper = true;
    for (char c : base.toCharArray()) {
      if (c == '_' || c == '-' || c == '.') {
        upper = true;
      } else if (Character.isDigit(c)) {
        out.append(c);
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  private static byte[] read(File file) throws IOException {
    try (InputStream in = new FileInputStream(file)) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }

  private static void write(File file, byte[] bytes) throws IOException {
    try (OutputStream out = new FileOutputStream(file)) {
      out.write(bytes);
    }
  }
}
