package dev.tideline.schema.tools.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.schema.tools.EventCatalog;
import dev.tideline.schema.tools.SchemaSet;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tideline-schema fingerprint}: schema ids. */
@Command(
    name = "fingerprint",
    mixinStandardHelpOptions = true,
    description =
        "Prints the content-addressed schema id of each event (protobuf: ProtoSchemas' SHA-256"
            + " canonical form; Avro: the Rabin fingerprint of the parsing canonical form).")
final class FingerprintCommand implements Callable<Integer> {
  enum Format {
    text,
    json
  }

  @Mixin SchemaOptions schemas;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--all", description = "Every message and Avro schema, not only events.")
  boolean all;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "<format>",
      description = "text or json. Default: text.")
  Format format = Format.text;

  @Parameters(
      paramLabel = "<type>",
      arity = "0..*",
      description = "Only these fully qualified types.")
  List<String> types = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    SchemaSet set = schemas.current();
    Map<String, String[]> ids = new TreeMap<>(); // type -> {format, id}
    if (all) {
      for (String message : set.messages().keySet()) {
        ids.put(
            message,
            new String[] {"protobuf", EventCatalog.hex(set.protoSchemas().schemaId(message))});
      }
      for (Schema schema : set.avroSchemas().values()) {
        ids.put(
            schema.getFullName(),
            new String[] {
              "avro", EventCatalog.hex(SchemaNormalization.parsingFingerprint64(schema))
            });
      }
    } else {
      for (CatalogEntry entry : EventCatalog.of(set, null).latest()) {
        ids.put(
            entry.getEventType(),
            new String[] {
              entry.getFormat().name().toLowerCase(java.util.Locale.ROOT),
              EventCatalog.hex(entry.getSchemaId())
            });
      }
    }
    if (!types.isEmpty()) {
      ids.keySet().retainAll(types);
      if (ids.size() < types.size()) {
        List<String> missing = new ArrayList<>(types);
        missing.removeAll(ids.keySet());
        throw new IllegalArgumentException("no such schema: " + String.join(", ", missing));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.json) {
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ArrayNode array = json.createArrayNode();
      for (Map.Entry<String, String[]> id : ids.entrySet()) {
        ObjectNode node = array.addObject();
        node.put("type", id.getKey());
        node.put("format", id.getValue()[0]);
        node.put("schemaId", id.getValue()[1]);
      }
      out.println(json.writeValueAsString(array));
    } else {
      for (Map.Entry<String, String[]> id : ids.entrySet()) {
        out.println(
            id.getValue()[1] + "  " + String.format("%-8s", id.getValue()[0]) + "  " + id.getKey());
      }
    }
    return 0;
  }
}
