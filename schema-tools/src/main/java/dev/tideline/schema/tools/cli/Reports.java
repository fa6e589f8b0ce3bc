package dev.tideline.schema.tools.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tideline.schema.tools.CompatibilityResult;
import dev.tideline.schema.tools.SchemaSet;
import dev.tideline.schema.tools.Violation;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** The check report as text, JSON (Jackson) and JUnit XML (StAX). */
final class Reports {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Reports() {}

  static String summary(CompatibilityResult result) {
    String versions =
        result.against().isEmpty() ? "no earlier version" : String.join(", ", result.against());
    if (result.compatible()) {
      return "Compatible: no breaking change in "
          + result.current()
          + " against "
          + versions
          + " (mode "
          + result.mode()
          + ").";
    }
    int count = result.violations().size();
    return count
        + " breaking change"
        + (count == 1 ? "" : "s")
        + " in "
        + result.current()
        + " against "
        + versions
        + " (mode "
        + result.mode()
        + "):";
  }

  static String text(CompatibilityResult result) {
    StringBuilder out = new StringBuilder(summary(result)).append('\n');
    for (Violation violation : result.violations()) {
      out.append('\n')
          .append("  ")
          .append(violation.ruleId())
          .append("  ")
          .append(violation.path())
          .append('\n')
          .append("    ")
          .append(violation.message())
          .append(" (")
          .append(violation.schema())
          .append(", against ")
          .append(violation.against())
          .append(")\n");
    }
    return out.toString();
  }

  static String json(CompatibilityResult result) {
    ObjectNode root = JSON.createObjectNode();
    root.put("mode", result.mode().name());
    root.put("current", result.current());
    ArrayNode against = root.putArray("against");
    result.against().forEach(against::add);
    root.put("compatible", result.compatible());
    ArrayNode violations = root.putArray("violations");
    for (Violation violation : result.violations()) {
      ObjectNode node = violations.addObject();
      node.put("ruleId", violation.ruleId());
      node.put("schema", violation.schema());
      node.put("path", violation.path());
      node.put("message", violation.message());
      node.put("against", violation.against());
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every schema checked, for the JUnit report: protobuf messages and Avro schemas. */
  static List<String> schemaNames(SchemaSet set) {
    TreeSet<String> names = new TreeSet<>(set.messages().keySet());
    names.addAll(set.avroSchemas().keySet());
    return new ArrayList<>(names);
  }

  /** One test case per schema; a schema with violations fails, one failure per violation. */
  static String junit(CompatibilityResult result, List<String> schemas) {
    Map<String, List<Violation>> bySchema = new LinkedHashMap<>();
    for (String schema : schemas) {
      bySchema.put(schema, new ArrayList<>());
    }
    for (Violation violation : result.violations()) {
      bySchema.computeIfAbsent(violation.schema(), s -> new ArrayList<>()).add(violation);
    }
    long failures = bySchema.values().stream().filter(v -> !v.isEmpty()).count();
    StringWriter text = new StringWriter();
    try {
      XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeCharacters("\n");
      xml.writeStartElement("testsuites");
      xml.writeStartElement("testsuite");
      xml.writeAttribute("name", "tideline-schema check " + result.mode());
      xml.writeAttribute("tests", String.valueOf(bySchema.size()));
      xml.writeAttribute("failures", String.valueOf(failures));
      xml.writeAttribute("errors", "0");
      xml.writeAttribute("skipped", "0");
      xml.writeCharacters("\n");
      for (Map.Entry<String, List<Violation>> schema : bySchema.entrySet()) {
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", "tideline-schema." + result.mode());
        xml.writeAttribute("name", schema.getKey());
        for (Violation violation : schema.getValue()) {
          xml.writeStartElement("failure");
          xml.writeAttribute("type", violation.ruleId());
          xml.writeAttribute("message", violation.path() + ": " + violation.message());
          xml.writeCharacters(
              violation.ruleId()
                  + " "
                  + violation.path()
                  + ": "
                  + violation.message()
                  + " (against "
                  + violation.against()
                  + ")");
          xml.writeEndElement();
        }
        xml.writeEndElement();
        xml.writeCharacters("\n");
      }
      xml.writeEndElement();
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("could not write the JUnit report", e);
    }
    return text + "\n";
  }
}
