package dev.tideline.schema.tools;

import static dev.tideline.schema.tools.Fixture.avro;
import static dev.tideline.schema.tools.Fixture.proto;

import java.util.List;

/** The compatibility table: each rule with a breaking and a compatible example. */
final class Fixtures {
  private Fixtures() {}

  static final List<Fixture> PROTOBUF =
      List.of(
          // Field deletion: refused unless both number and name are reserved (Confluent allows it).
          proto(
                  "a field deleted without reserving its number and name",
                  "message Event { string a = 1; string b = 2; }",
                  "message Event { string a = 1; }")
              .all(
                  "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", "FIELD_NO_DELETE_UNLESS_NAME_RESERVED"),
          proto(
                  "a field deleted with its number reserved but not its name",
                  "message Event { string a = 1; string b = 2; }",
                  "message Event { string a = 1; reserved 2; }")
              .all("FIELD_NO_DELETE_UNLESS_NAME_RESERVED"),
          proto(
                  "a field deleted with its number and name reserved",
                  "message Event { string a = 1; string b = 2; }",
                  "message Event { string a = 1; reserved 2; reserved \"b\"; }")
              .all(),
          proto(
                  "a field added",
                  "message Event { string a = 1; }",
                  "message Event { string a = 1; int64 b = 2; repeated string c = 3; }")
              .all(),
          // Number reuse and renames.
          proto(
                  "a field number reused for another field",
                  "message Event { string email = 2; }",
                  "message Event { int64 phone = 2; }")
              .all("FIELD_SAME_NAME", "FIELD_SAME_JSON_NAME", "FIELD_WIRE_JSON_COMPATIBLE_TYPE"),
          proto(
                  "a field renamed",
                  "message Event { string user_id = 1; }",
                  "message Event { string account_id = 1; }")
              .all("FIELD_SAME_NAME", "FIELD_SAME_JSON_NAME"),
          proto(
                  "a field renamed with its old JSON name kept",
                  "message Event { string user_id = 1; }",
                  "message Event { string account_id = 1 [json_name = \"userId\"]; }")
              .all("FIELD_SAME_NAME"),
          proto(
                  "a field with only its comment and options changed",
                  "message Event { string user_id = 1; }",
                  "message Event {\n  // The account.\n  string user_id = 1 [deprecated = true];\n}")
              .all(),
          // JSON names.
          proto(
                  "a json_name changed",
                  "message Event { string user_id = 1 [json_name = \"uid\"]; }",
                  "message Event { string user_id = 1 [json_name = \"userId\"]; }")
              .all("FIELD_SAME_JSON_NAME"),
          proto(
                  "a json_name declared equal to the default",
                  "message Event { string user_id = 1; }",
                  "message Event { string user_id = 1 [json_name = \"userId\"]; }")
              .all(),
          // Types.
          proto(
                  "a field type widened from int32 to int64",
                  "message Event { int32 count = 1; }",
                  "message Event { int64 count = 1; }")
              .all("FIELD_WIRE_JSON_COMPATIBLE_TYPE"),
          proto(
                  "a field type changed from sint32 to int32",
                  "message Event { sint32 delta = 1; }",
                  "message Event { int32 delta = 1; }")
              .all("FIELD_WIRE_JSON_COMPATIBLE_TYPE"),
          proto(
                  "a field type changed from int32 to uint32, same wire and JSON form",
                  "message Event { int32 count = 1; }",
                  "message Event { uint32 count = 1; }")
              .all(),
          proto(
                  "a field type changed from fixed64 to sfixed64, same wire and JSON form",
                  "message Event { fixed64 id = 1; }",
                  "message Event { sfixed64 id = 1; }")
              .all(),
          proto(
                  "a field type changed from string to bytes",
                  "message Event { string token = 1; }",
                  "message Event { bytes token = 1; }")
              .all("FIELD_WIRE_JSON_COMPATIBLE_TYPE"),
          proto(
                  "a field type changed to another message",
                  "message A { string x = 1; }\nmessage B { string x = 1; }\n"
                      + "message Event { A item = 1; }",
                  "message A { string x = 1; }\nmessage B { string x = 1; }\n"
                      + "message Event { B item = 1; }")
              .all("FIELD_WIRE_JSON_COMPATIBLE_TYPE"),
          proto(
                  "a field whose enum type gained a value",
                  "enum Kind { KIND_UNSPECIFIED = 0; A = 1; }\nmessage Event { Kind kind = 1; }",
                  "enum Kind { KIND_UNSPECIFIED = 0; A = 1; B = 2; }\n"
                      + "message Event { Kind kind = 1; }")
              .all(),
          // Cardinality.
          proto(
                  "a singular field made repeated",
                  "message Event { string tag = 1; }",
                  "message Event { repeated string tag = 1; }")
              .all("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY"),
          proto(
                  "a repeated field made a map",
                  "message Entry { string key = 1; string value = 2; }\n"
                      + "message Event { repeated Entry tags = 1; }",
                  "message Entry { string key = 1; string value = 2; }\n"
                      + "message Event { map<string, string> tags = 1; }")
              .all("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", "FIELD_WIRE_JSON_COMPATIBLE_TYPE"),
          proto(
                  "a map's value type changed",
                  "message Event { map<string, string> tags = 1; }",
                  "message Event { map<string, int32> tags = 1; }")
              .all("FIELD_WIRE_JSON_COMPATIBLE_TYPE"),
          proto(
                  "a singular field given explicit presence",
                  "message Event { string tag = 1; }",
                  "message Event { optional string tag = 1; }")
              .all(),
          // Oneofs.
          proto(
                  "a field moved into a oneof",
                  "message Event { string a = 1; string b = 2; }",
                  "message Event { oneof choice { string a = 1; string b = 2; } }")
              .all("FIELD_SAME_ONEOF"),
          proto(
                  "a field moved out of a oneof",
                  "message Event { oneof choice { string a = 1; string b = 2; } }",
                  "message Event { string a = 1; oneof choice { string b = 2; } }")
              .all("FIELD_SAME_ONEOF"),
          proto(
                  "a field moved from one oneof to another",
                  "message Event { oneof a { string x = 1; } oneof b { string y = 2; } }",
                  "message Event { oneof a { string y = 2; } oneof b { string x = 1; } }")
              .all("FIELD_SAME_ONEOF"),
          proto(
                  "a field added to a oneof",
                  "message Event { oneof choice { string a = 1; } }",
                  "message Event { oneof choice { string a = 1; string b = 2; } }")
              .all(),
          // Enum values: removal refused unless reserved (Confluent allows it).
          proto(
                  "an enum value removed without reservation",
                  "enum Kind { KIND_UNSPECIFIED = 0; A = 1; B = 2; }",
                  "enum Kind { KIND_UNSPECIFIED = 0; A = 1; }")
              .all(
                  "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
                  "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED"),
          proto(
                  "an enum value removed with its number and name reserved",
                  "enum Kind { KIND_UNSPECIFIED = 0; A = 1; B = 2; }",
                  "enum Kind { KIND_UNSPECIFIED = 0; A = 1; reserved 2; reserved \"B\"; }")
              .all(),
          proto(
                  "an enum value renamed",
                  "enum Kind { KIND_UNSPECIFIED = 0; A = 1; }",
                  "enum Kind { KIND_UNSPECIFIED = 0; ALPHA = 1; }")
              .all("ENUM_VALUE_SAME_NAME"),
          proto(
                  "an enum value added",
                  "enum Kind { KIND_UNSPECIFIED = 0; A = 1; }",
                  "enum Kind { KIND_UNSPECIFIED = 0; A = 1; B = 2; }")
              .all(),
          // Packages.
          proto(
                  "a package renamed",
                  "message Event { string a = 1; }",
                  "syntax = \"proto3\";\npackage fixture.v2;\n\nmessage Event { string a = 1; }\n")
              .backward("FILE_SAME_PACKAGE", "MESSAGE_NO_DELETE")
              .forward("FILE_SAME_PACKAGE")
              .full("FILE_SAME_PACKAGE", "MESSAGE_NO_DELETE"),
          proto(
                  "a file option changed",
                  "message Event { string a = 1; }",
                  "option java_package = \"com.example.fixture\";\nmessage Event { string a = 1; }")
              .all(),
          // Deleting messages and enums breaks new readers of old data only.
          proto(
                  "a message deleted",
                  "message Event { string a = 1; }\nmessage Old { string a = 1; }",
                  "message Event { string a = 1; }")
              .backward("MESSAGE_NO_DELETE")
              .forward()
              .full("MESSAGE_NO_DELETE"),
          proto(
                  "a nested message deleted",
                  "message Event { message Item { string id = 1; } string a = 1; }",
                  "message Event { string a = 1; }")
              .backward("MESSAGE_NO_DELETE")
              .forward()
              .full("MESSAGE_NO_DELETE"),
          proto(
                  "a message added",
                  "message Event { string a = 1; }",
                  "message Event { string a = 1; }\nmessage New { string a = 1; }")
              .all(),
          proto(
                  "an enum deleted",
                  "message Event { string a = 1; }\nenum Old { OLD_UNSPECIFIED = 0; }",
                  "message Event { string a = 1; }")
              .backward("ENUM_NO_DELETE")
              .forward()
              .full("ENUM_NO_DELETE"),
          // Reservations.
          proto(
                  "a reserved range deleted",
                  "message Event { string a = 1; reserved 2 to 4; reserved \"old\"; }",
                  "message Event { string a = 1; }")
              .all("RESERVED_MESSAGE_NO_DELETE"),
          proto(
                  "a reserved range widened",
                  "message Event { string a = 1; reserved 2 to 4; }",
                  "message Event { string a = 1; reserved 2 to 8; }")
              .all(),
          proto(
                  "an enum reservation deleted",
                  "enum Kind { KIND_UNSPECIFIED = 0; reserved 1; reserved \"A\"; }",
                  "enum Kind { KIND_UNSPECIFIED = 0; }")
              .all("RESERVED_ENUM_NO_DELETE"),
          // proto2: required fields and defaults.
          proto(
                  "a required field added",
                  "syntax = \"proto2\";\npackage fixture.v1;\nmessage Event { optional string a = 1; }",
                  "syntax = \"proto2\";\npackage fixture.v1;\n"
                      + "message Event { optional string a = 1; required string b = 2; }")
              .backward("MESSAGE_SAME_REQUIRED_FIELDS")
              .forward()
              .full("MESSAGE_SAME_REQUIRED_FIELDS"),
          proto(
                  "a required field made optional",
                  "syntax = \"proto2\";\npackage fixture.v1;\nmessage Event { required string a = 1; }",
                  "syntax = \"proto2\";\npackage fixture.v1;\nmessage Event { optional string a = 1; }")
              .backward("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY")
              .forward("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", "MESSAGE_SAME_REQUIRED_FIELDS")
              .full("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", "MESSAGE_SAME_REQUIRED_FIELDS"),
          proto(
                  "a proto2 default changed",
                  "syntax = \"proto2\";\npackage fixture.v1;\n"
                      + "message Event { optional int32 a = 1 [default = 1]; }",
                  "syntax = \"proto2\";\npackage fixture.v1;\n"
                      + "message Event { optional int32 a = 1 [default = 2]; }")
              .all("FIELD_SAME_DEFAULT"));

  private static String record(String fields) {
    return "{\"type\": \"record\", \"name\": \"Event\", \"namespace\": \"fixture\", \"fields\": ["
        + fields
        + "]}";
  }

  static final List<Fixture> AVRO =
      List.of(
          avro(
                  "an Avro field added without a default",
                  record("{\"name\": \"a\", \"type\": \"string\"}"),
                  record(
                      "{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"b\", \"type\": \"int\"}"))
              .backward("READER_FIELD_MISSING_DEFAULT_VALUE")
              .forward()
              .full("READER_FIELD_MISSING_DEFAULT_VALUE"),
          avro(
                  "an Avro field added with a default",
                  record("{\"name\": \"a\", \"type\": \"string\"}"),
                  record(
                      "{\"name\": \"a\", \"type\": \"string\"},"
                          + " {\"name\": \"b\", \"type\": \"int\", \"default\": 0}"))
              .all(),
          avro(
                  "an Avro field without a default removed",
                  record(
                      "{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"b\", \"type\": \"int\"}"),
                  record("{\"name\": \"a\", \"type\": \"string\"}"))
              .backward()
              .forward("READER_FIELD_MISSING_DEFAULT_VALUE")
              .full("READER_FIELD_MISSING_DEFAULT_VALUE"),
          avro(
                  "an Avro field type changed from int to string",
                  record("{\"name\": \"a\", \"type\": \"int\"}"),
                  record("{\"name\": \"a\", \"type\": \"string\"}"))
              .all("TYPE_MISMATCH"),
          avro(
                  "an Avro field promoted from int to long",
                  record("{\"name\": \"a\", \"type\": \"int\"}"),
                  record("{\"name\": \"a\", \"type\": \"long\"}"))
              .backward()
              .forward("TYPE_MISMATCH")
              .full("TYPE_MISMATCH"),
          avro(
                  "an Avro enum symbol removed from an enum with a default",
                  record(
                      "{\"name\": \"k\", \"type\": {\"type\": \"enum\", \"name\": \"Kind\","
                          + " \"symbols\": [\"UNKNOWN\", \"A\", \"B\"], \"default\": \"UNKNOWN\"}}"),
                  record(
                      "{\"name\": \"k\", \"type\": {\"type\": \"enum\", \"name\": \"Kind\","
                          + " \"symbols\": [\"UNKNOWN\", \"A\"], \"default\": \"UNKNOWN\"}}"))
              .backward("ENUM_SYMBOL_REMOVED")
              .forward()
              .full("ENUM_SYMBOL_REMOVED"),
          avro(
                  "an Avro enum symbol removed from an enum without a default",
                  record(
                      "{\"name\": \"k\", \"type\": {\"type\": \"enum\", \"name\": \"Kind\","
                          + " \"symbols\": [\"A\", \"B\"]}}"),
                  record(
                      "{\"name\": \"k\", \"type\": {\"type\": \"enum\", \"name\": \"Kind\","
                          + " \"symbols\": [\"A\"]}}"))
              .backward("MISSING_ENUM_SYMBOLS", "ENUM_SYMBOL_REMOVED")
              .forward()
              .full("MISSING_ENUM_SYMBOLS", "ENUM_SYMBOL_REMOVED"),
          avro(
                  "an Avro enum symbol added to an enum without a default",
                  record(
                      "{\"name\": \"k\", \"type\": {\"type\": \"enum\", \"name\": \"Kind\","
                          + " \"symbols\": [\"A\"]}}"),
                  record(
                      "{\"name\": \"k\", \"type\": {\"type\": \"enum\", \"name\": \"Kind\","
                          + " \"symbols\": [\"A\", \"B\"]}}"))
              .backward()
              .forward("MISSING_ENUM_SYMBOLS")
              .full("MISSING_ENUM_SYMBOLS"),
          avro(
                  "an Avro field with a default renamed without an alias",
                  record("{\"name\": \"a\", \"type\": \"string\", \"default\": \"\"}"),
                  record("{\"name\": \"b\", \"type\": \"string\", \"default\": \"\"}"))
              .all("FIELD_RENAMED_WITHOUT_ALIAS"),
          avro(
                  "an Avro field renamed with an alias",
                  record("{\"name\": \"a\", \"type\": \"string\"}"),
                  record("{\"name\": \"b\", \"type\": \"string\", \"aliases\": [\"a\"]}"))
              .backward()
              .forward("READER_FIELD_MISSING_DEFAULT_VALUE")
              .full("READER_FIELD_MISSING_DEFAULT_VALUE"),
          avro(
                  "an Avro record renamed without an alias",
                  record("{\"name\": \"a\", \"type\": \"string\"}"),
                  record("{\"name\": \"a\", \"type\": \"string\"}")
                      .replace("\"Event\"", "\"Happening\""))
              .all("SCHEMA_RENAMED_WITHOUT_ALIAS", "NAME_MISMATCH"),
          avro(
                  "an Avro record renamed with an alias",
                  record("{\"name\": \"a\", \"type\": \"string\"}"),
                  record("{\"name\": \"a\", \"type\": \"string\"}")
                      .replace("\"Event\"", "\"Happening\", \"aliases\": [\"fixture.Event\"]"))
              .backward()
              .forward("NAME_MISMATCH")
              .full("NAME_MISMATCH"),
          avro(
                  "an Avro union branch removed",
                  record("{\"name\": \"a\", \"type\": [\"null\", \"string\", \"int\"]}"),
                  record("{\"name\": \"a\", \"type\": [\"null\", \"string\"]}"))
              .backward("MISSING_UNION_BRANCH")
              .forward()
              .full("MISSING_UNION_BRANCH"),
          avro(
                  "an Avro fixed resized",
                  record(
                      "{\"name\": \"a\", \"type\": {\"type\": \"fixed\", \"name\": \"Id\","
                          + " \"size\": 16}}"),
                  record(
                      "{\"name\": \"a\", \"type\": {\"type\": \"fixed\", \"name\": \"Id\","
                          + " \"size\": 8}}"))
              .all("FIXED_SIZE_MISMATCH"),
          avro(
                  "an Avro schema deleted",
                  record("{\"name\": \"a\", \"type\": \"string\"}"),
                  record("{\"name\": \"a\", \"type\": \"string\"}"))
              .withDeletedAvroFile(
                  "{\"type\": \"record\", \"name\": \"Old\", \"namespace\": \"fixture\","
                      + " \"fields\": []}")
              .backward("SCHEMA_NO_DELETE")
              .forward()
              .full("SCHEMA_NO_DELETE"),
          avro(
                  "an Avro doc changed",
                  record("{\"name\": \"a\", \"type\": \"string\"}"),
                  record("{\"name\": \"a\", \"type\": \"string\", \"doc\": \"The a.\"}"))
              .all());
}
