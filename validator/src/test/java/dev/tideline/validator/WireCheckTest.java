package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.EventMeta;
import dev.tideline.proto.v1.FieldRules;
import dev.tideline.proto.v1.FieldSpec;
import dev.tideline.proto.v1.SchemaFormat;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wire check against the decoding path it stands in for: on canonical payloads they agree both
 * ways; on damaged or uncommon payloads the wire check may be unsure, but it never calls a payload
 * valid that decoding would not.
 */
class WireCheckTest {
  private static final int CANONICAL = 3_000;
  private static final int DAMAGED = 6_000;

  /** A message with every kind of field and rule the wire check reads. */
  static FileDescriptorProto richFile() {
    DescriptorProto inner =
        DescriptorProto.newBuilder()
            .setName("Inner")
            .addField(field("code", 1, Type.TYPE_STRING))
            .addField(field("level", 2, Type.TYPE_INT32))
            .build();
    DescriptorProto attrsEntry =
        DescriptorProto.newBuilder()
            .setName("AttrsEntry")
            .setOptions(MessageOptions.newBuilder().setMapEntry(true))
            .addField(field("key", 1, Type.TYPE_STRING))
            .addField(field("value", 2, Type.TYPE_INT32))
            .build();
    DescriptorProto rich =
        DescriptorProto.newBuilder()
            .setName("Rich")
            .addNestedType(attrsEntry)
            .addField(field("name", 1, Type.TYPE_STRING))
            .addField(field("count", 2, Type.TYPE_INT32))
            .addField(field("big", 3, Type.TYPE_UINT64))
            .addField(field("ratio", 4, Type.TYPE_DOUBLE))
            .addField(field("f", 5, Type.TYPE_FLOAT))
            .addField(field("flag", 6, Type.TYPE_BOOL))
            .addField(field("blob", 7, Type.TYPE_BYTES))
            .addField(field("color", 8, Type.TYPE_ENUM).setTypeName(".test.v1.Color"))
            .addField(field("maybe", 9, Type.TYPE_INT64).setProto3Optional(true).setOneofIndex(1))
            .addField(field("tags", 10, Type.TYPE_STRING).setLabel(Label.LABEL_REPEATED))
            .addField(field("scores", 11, Type.TYPE_INT32).setLabel(Label.LABEL_REPEATED))
            .addField(field("inner", 12, Type.TYPE_MESSAGE).setTypeName(".test.v1.Inner"))
            .addField(
                field("items", 13, Type.TYPE_MESSAGE)
                    .setTypeName(".test.v1.Inner")
                    .setLabel(Label.LABEL_REPEATED))
            .addField(field("a", 14, Type.TYPE_STRING).setOneofIndex(0))
            .addField(field("b", 15, Type.TYPE_INT32).setOneofIndex(0))
            .addField(
                field("attrs", 16, Type.TYPE_MESSAGE)
                    .setTypeName(".test.v1.Rich.AttrsEntry")
                    .setLabel(Label.LABEL_REPEATED))
            .addField(field("s", 17, Type.TYPE_SINT32))
            .addField(field("fx", 18, Type.TYPE_FIXED32))
            .addField(field("sfx", 19, Type.TYPE_SFIXED64))
            .addField(field("note", 20, Type.TYPE_STRING))
            .addOneofDecl(OneofDescriptorProto.newBuilder().setName("choice"))
            .addOneofDecl(OneofDescriptorProto.newBuilder().setName("_maybe"))
            .build();
    EnumDescriptorProto color =
        EnumDescriptorProto.newBuilder()
            .setName("Color")
            .addValue(EnumValueDescriptorProto.newBuilder().setName("COLOR_UNSPECIFIED"))
            .addValue(EnumValueDescriptorProto.newBuilder().setName("RED").setNumber(1))
            .addValue(EnumValueDescriptorProto.newBuilder().setName("GREEN").setNumber(2))
            .addValue(EnumValueDescriptorProto.newBuilder().setName("BLUE").setNumber(3))
            .build();
    return FileDescriptorProto.newBuilder()
        .setName("test/v1/rich.proto")
        .setPackage("test.v1")
        .setSyntax("proto3")
        .addMessageType(rich)
        .addMessageType(inner)
        .addEnumType(color)
        .build();
  }

  private static FieldDescriptorProto.Builder field(String name, int number, Type type) {
    return FieldDescriptorProto.newBuilder()
        .setName(name)
        .setJsonName(name)
        .setNumber(number)
        .setType(type)
        .setLabel(Label.LABEL_OPTIONAL);
  }

  private static FieldSpec spec(String path, FieldRules.Builder rules) {
    return FieldSpec.newBuilder().setPath(path).setRules(rules).build();
  }

  static CatalogEntry richEntry(boolean noCardNumbers, FieldSpec... more) {
    CatalogEntry.Builder entry =
        CatalogEntry.newBuilder()
            .setEventType("test.v1.Rich")
            .setFormat(SchemaFormat.PROTOBUF)
            .setSchemaId(0x7e57_0000_0000_0001L)
            .setVersion(1)
            .setMeta(EventMeta.newBuilder().setNoCardNumbers(noCardNumbers))
            .setDescriptorSet(
                FileDescriptorSet.newBuilder().addFile(richFile()).build().toByteString())
            .addFields(
                spec("name", FieldRules.newBuilder().setRequired(true).setMinLen(2).setMaxLen(5)))
            .addFields(spec("count", FieldRules.newBuilder().setMin(1).setMax(10)))
            .addFields(spec("big", FieldRules.newBuilder().setMax(1e18)))
            .addFields(spec("ratio", FieldRules.newBuilder().setMin(-1).setMax(1)))
            .addFields(spec("f", FieldRules.newBuilder().setMax(2)))
            .addFields(spec("blob", FieldRules.newBuilder().setMinLen(1).setMaxLen(4)))
            .addFields(spec("color", FieldRules.newBuilder().addIn("RED").addIn("GREEN")))
            .addFields(spec("maybe", FieldRules.newBuilder().setMin(5)))
            .addFields(
                spec(
                    "tags",
                    FieldRules.newBuilder()
                        .setMinItems(1)
                        .setMaxItems(3)
                        .setMaxLen(3)
                        .setPattern("^[a-zé]+$")))
            .addFields(spec("scores", FieldRules.newBuilder().setMin(0).setMax(100)))
            .addFields(spec("inner.code", FieldRules.newBuilder().setRequired(true).setMaxLen(3)))
            .addFields(spec("items[].code", FieldRules.newBuilder().setMinLen(2)))
            .addFields(spec("items[].level", FieldRules.newBuilder().setMax(5)))
            .addFields(spec("a", FieldRules.newBuilder().setMaxLen(3)))
            .addFields(spec("b", FieldRules.newBuilder().setMin(1)))
            .addFields(spec("s", FieldRules.newBuilder().setRequired(true).setMin(-5)))
            .addFields(spec("fx", FieldRules.newBuilder().setMax(100)));
    for (FieldSpec spec : more) {
      entry.addFields(spec);
    }
    return entry.build();
  }

  /** What the decoding path says: null when valid, else the first problem. */
  private static String decodingVerdict(ProtoSchema schema, byte[] payload) {
    Object decoded;
    try {
      decoded = schema.decode(ByteString.copyFrom(payload));
    } catch (Exception e) {
      return "undecodable: " + e.getMessage();
    }
    List<Violation> violations = new ArrayList<>();
    schema.check(decoded, violations);
    return violations.isEmpty() ? null : violations.toString();
  }

  private static void assertAgreement(CatalogEntry entry, long seed) {
    ProtoSchema schema = (ProtoSchema) CompiledSchema.compile(entry);
    Descriptor type = schema.descriptor();
    RandomPayloads random = new RandomPayloads(seed);
    int valid = 0;
    int invalid = 0;
    for (int i = 0; i < CANONICAL; i++) {
      DynamicMessage message = random.nearlyValid(schema);
      if (i % 2 == 1) {
        // One field changed: often just past a bound.
        List<FieldDescriptor> fields = type.getFields();
        message = random.reroll(message, fields.get(random.random().nextInt(fields.size())));
      }
      byte[] payload = message.toByteArray();
      String verdict = decodingVerdict(schema, payload);
      assertThat(schema.certainlyValid(ByteString.copyFrom(payload)))
          .as("%s payload %s: decoding says %s", entry.getEventType(), hex(payload), verdict)
          .isEqualTo(verdict == null);
      if (verdict == null) {
        valid++;
      } else {
        invalid++;
      }
    }
    // Both answers occur often enough for the comparison to mean something.
    assertThat(valid)
        .as("valid payloads of " + entry.getEventType())
        .isGreaterThan(CANONICAL / 100);
    assertThat(invalid)
        .as("invalid payloads of " + entry.getEventType())
        .isGreaterThan(CANONICAL / 100);
  }

  @Test
  void agreesWithDecodingOnCanonicalPayloadsOfEveryKindOfFieldAndRule() {
    assertAgreement(richEntry(false), 1);
    assertAgreement(richEntry(true), 2);
  }

  @Test
  void agreesWithDecodingOnCanonicalPayloadsOfTheStandardEvents() {
    long seed = 100;
    int types = 0;
    for (CatalogEntry entry : TestEvents.REGISTRY.entries()) {
      if (entry.getFormat() == SchemaFormat.PROTOBUF) {
        assertAgreement(entry, seed++);
        types++;
      }
    }
    assertThat(types).isGreaterThanOrEqualTo(7);
  }

  @Test
  void neverCallsADamagedPayloadValidThatDecodingRefuses() {
    ProtoSchema schema = (ProtoSchema) CompiledSchema.compile(richEntry(true));
    Descriptor type = schema.descriptor();
    RandomPayloads random = new RandomPayloads(7);
    int certain = 0;
    for (int i = 0; i < DAMAGED; i++) {
      byte[] payload =
          random.damage(random.nearlyValid(schema).toByteArray(), random.message(type));
      if (schema.certainlyValid(ByteString.copyFrom(payload))) {
        certain++;
        assertThat(decodingVerdict(schema, payload)).as("payload %s", hex(payload)).isNull();
      }
    }
    assertThat(certain).isGreaterThan(DAMAGED / 30);
  }

  @Test
  void countsCharactersNotBytesForStringLengths() throws Exception {
    ProtoSchema schema = (ProtoSchema) CompiledSchema.compile(richEntry(false));
    Descriptor type = schema.descriptor();
    // 5 characters in 10 bytes: within max_len 5.
    DynamicMessage five = valid(type).setField(type.findFieldByName("name"), "ééééé").build();
    // 1 character in 4 bytes: under min_len 2.
    DynamicMessage one = valid(type).setField(type.findFieldByName("name"), "😀").build();
    // 6 characters in 6 bytes: over max_len 5.
    DynamicMessage six = valid(type).setField(type.findFieldByName("name"), "abcdef").build();

    assertThat(schema.certainlyValid(five.toByteString())).isTrue();
    assertThat(schema.certainlyValid(one.toByteString())).isFalse();
    assertThat(schema.certainlyValid(six.toByteString())).isFalse();
    assertThat(decodingVerdict(schema, one.toByteArray())).contains("min_len");
  }

  @Test
  void appliesNumericBoundsToAnUnsetNumberWithoutPresence() {
    ProtoSchema schema = (ProtoSchema) CompiledSchema.compile(richEntry(false));
    Descriptor type = schema.descriptor();
    // count has min 1; unset it reads as 0.
    DynamicMessage unset = valid(type).clearField(type.findFieldByName("count")).build();

    assertThat(schema.certainlyValid(unset.toByteString())).isFalse();
    assertThat(decodingVerdict(schema, unset.toByteArray())).contains("min");
  }

  @Test
  void treatsAnExplicitDefaultWithoutPresenceAsUnsetLikeDecoding() throws Exception {
    ProtoSchema schema = (ProtoSchema) CompiledSchema.compile(richEntry(false));
    Descriptor type = schema.descriptor();
    byte[] base = valid(type).clearField(type.findFieldByName("s")).build().toByteArray();
    // s is required: an explicit 0 reads as unset. inner.code is required: so does an explicit "".
    byte[] zero = RandomPayloads.concat(base, RandomPayloads.explicitDefault(17, false));
    byte[] emptyCode =
        RandomPayloads.concat(
            valid(schema.descriptor())
                .clearField(schema.descriptor().findFieldByName("inner"))
                .build()
                .toByteArray(),
            RandomPayloads.field(12, RandomPayloads.explicitDefault(1, true)));

    assertThat(decodingVerdict(schema, zero)).contains("required");
    assertThat(schema.certainlyValid(ByteString.copyFrom(zero))).isFalse();
    assertThat(decodingVerdict(schema, emptyCode)).contains("required");
    assertThat(schema.certainlyValid(ByteString.copyFrom(emptyCode))).isFalse();
  }

  @Test
  void readsPackedAndUnpackedRepeatedNumbers() throws Exception {
    ProtoSchema schema = (ProtoSchema) CompiledSchema.compile(richEntry(false));
    Descriptor type = schema.descriptor();
    byte[] base = valid(type).build().toByteArray();
    ByteArrayOutputStream unpacked = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(unpacked);
    out.writeInt32(11, 7);
    out.writeInt32(11, 100);
    out.flush();
    ByteArrayOutputStream tooHigh = new ByteArrayOutputStream();
    out = CodedOutputStream.newInstance(tooHigh);
    out.writeInt32(11, 101);
    out.flush();

    assertThat(schema.certainlyValid(ByteString.copyFrom(base))).isTrue();
    assertThat(
            schema.certainlyValid(
                ByteString.copyFrom(RandomPayloads.concat(base, unpacked.toByteArray()))))
        .isTrue();
    assertThat(
            schema.certainlyValid(
                ByteString.copyFrom(RandomPayloads.concat(base, tooHigh.toByteArray()))))
        .isFalse();
  }

  @Test
  void isNotSureOfAFieldTwiceOrTwoMembersOfAOneof() throws Exception {
    ProtoSchema schema = (ProtoSchema) CompiledSchema.compile(richEntry(false));
    Descriptor type = schema.descriptor();
    byte[] base = valid(type).build().toByteArray();
    // name twice: protobuf keeps the last ("ab"), which is valid, but the wire check does not
    // judge.
    byte[] twice =
        RandomPayloads.concat(
            base,
            valid(type).clear().setField(type.findFieldByName("name"), "ab").build().toByteArray());
    byte[] bothMembers =
        RandomPayloads.concat(
            valid(type).setField(type.findFieldByName("a"), "abc").build().toByteArray(),
            valid(type).clear().setField(type.findFieldByName("b"), 3).build().toByteArray());

    assertThat(decodingVerdict(schema, twice)).isNull();
    assertThat(schema.certainlyValid(ByteString.copyFrom(twice))).isFalse();
    assertThat(decodingVerdict(schema, bothMembers)).isNull();
    assertThat(schema.certainlyValid(ByteString.copyFrom(bothMembers))).isFalse();
  }

  @Test
  void isNotSureOfStringsThatAreNotUtf8EvenWithoutRules() throws Exception {
    ProtoSchema schema = (ProtoSchema) CompiledSchema.compile(richEntry(false));
    Descriptor type = schema.descriptor();
    byte[] base = valid(type).build().toByteArray();
    byte[] badNote =
        RandomPayloads.concat(base, RandomPayloads.field(20, new byte[] {(byte) 0xC3, 0x28}));

    assertThat(decodingVerdict(schema, badNote)).startsWith("undecodable");
    assertThat(schema.certainlyValid(ByteString.copyFrom(badNote))).isFalse();
  }

  @Test
  void leavesSchemasWithRulesOnMapsToDecoding() {
    CatalogEntry entry = richEntry(false, spec("attrs", FieldRules.newBuilder().setMaxItems(2)));
    ProtoSchema schema = (ProtoSchema) CompiledSchema.compile(entry);

    assertThat(schema.certainlyValid(valid(schema.descriptor()).build().toByteString())).isFalse();
  }

  /** A Rich message that keeps every rule. */
  private static DynamicMessage.Builder valid(Descriptor type) {
    Descriptor inner = type.getFile().findMessageTypeByName("Inner");
    return DynamicMessage.newBuilder(type)
        .setField(type.findFieldByName("name"), "abc")
        .setField(type.findFieldByName("count"), 3)
        .setField(type.findFieldByName("s"), -2)
        .addRepeatedField(type.findFieldByName("tags"), "ab")
        .setField(
            type.findFieldByName("color"),
            type.getFile().findEnumTypeByName("Color").findValueByName("RED"))
        .setField(type.findFieldByName("blob"), ByteString.copyFromUtf8("xy"))
        .setField(
            type.findFieldByName("inner"),
            DynamicMessage.newBuilder(inner).setField(inner.findFieldByName("code"), "c1").build());
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(String.format("%02x", b));
    }
    return out.toString();
  }
}
