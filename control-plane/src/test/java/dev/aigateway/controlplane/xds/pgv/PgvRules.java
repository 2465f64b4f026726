package dev.aigateway.controlplane.xds.pgv;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a message against the protoc-gen-validate rules ({@code validate.rules}) that Envoy's own
 * protos carry, read from the descriptors of java-control-plane's {@code api} jar, and follows
 * every {@code Any} into the type it holds (PGV's generated validators do not).
 *
 * <p>This interprets the rules rather than running PGV's generated Java validators (see
 * docs/envoy.md for why). A rule kind it does not know fails the check instead of passing silently,
 * so a new field type in our config cannot slip through unchecked.
 */
public final class PgvRules {
  private static final ExtensionRegistry REGISTRY = ExtensionRegistry.newInstance();

  static {
    Validate.registerAllExtensions(REGISTRY);
  }

  // PGV's regexes for KnownRegex (validate.proto; the strict ones follow RFC 7230).
  private static final Pattern HEADER_NAME = Pattern.compile("^:?[0-9a-zA-Z!#$%&'*+-.^_|~`]+$");
  private static final Pattern HEADER_VALUE =
      Pattern.compile("^[^\\u0000-\\u0008\\u000A-\\u001F\\u007F]*$");
  private static final Pattern LOOSE_HEADER = Pattern.compile("^[^\\u0000\\u000A\\u000D]*$");

  private final Map<String, Descriptor> anyTypes;
  private final List<String> violations = new ArrayList<>();
  private int rulesChecked;

  private PgvRules(Map<String, Descriptor> anyTypes) {
    this.anyTypes = anyTypes;
  }

  /**
   * Every violation found in {@code message}, as "path: rule" lines; empty when it passes.
   *
   * @param anyTypes the types an {@code Any} in the message may hold, by full name; an Any of
   *     another type is a violation (the test must learn the type to check inside it)
   */
  public static Result check(Message message, Map<String, Descriptor> anyTypes) {
    PgvRules rules = new PgvRules(anyTypes);
    rules.message(message.getDescriptorForType().getFullName(), message);
    return new Result(List.copyOf(rules.violations), rules.rulesChecked);
  }

  /** What a check found, and how many rules it evaluated (a check that evaluated none is empty). */
  public record Result(List<String> violations, int rulesChecked) {}

  private void message(String path, Message message) {
    Descriptor type = message.getDescriptorForType();
    if (type.getFullName().equals("google.protobuf.Any")) {
      any(path, message);
      return;
    }
    if (type.getOptions().getExtension(Validate.disabled)
        || type.getOptions().getExtension(Validate.ignored)) {
      return;
    }
    for (OneofDescriptor oneof : type.getOneofs()) {
      if (oneof.getOptions().getExtension(Validate.required)) {
        rulesChecked++;
        if (!message.hasOneof(oneof)) {
          violations.add(path + "." + oneof.getName() + ": oneof is required");
        }
      }
    }
    for (FieldDescriptor field : type.getFields()) {
      String at = path + "." + field.getName();
      if (field.getRealContainingOneof() != null && !message.hasField(field)) {
        // PGV checks a oneof member only when it is the case that is set.
        continue;
      }
      FieldRules rules = rules(field);
      if (field.isMapField()) {
        map(at, message, field, rules);
      } else if (field.isRepeated()) {
        repeated(at, message, field, rules);
      } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (!message.hasField(field)) {
          if (rules != null && requiredMessage(rules)) {
            violations.add(at + ": value is required");
          }
          continue;
        }
        Message value = (Message) message.getField(field);
        if (rules != null) {
          value(at, value, rules);
        }
        if (rules == null || !rules.getMessage().getSkip()) {
          message(at, value);
        }
      } else if (rules != null) {
        value(at, message.getField(field), rules);
      }
    }
  }

  private void any(String path, Message any) {
    String url = (String) any.getField(any.getDescriptorForType().findFieldByName("type_url"));
    ByteString bytes =
        (ByteString) any.getField(any.getDescriptorForType().findFieldByName("value"));
    String typeName = url.substring(url.lastIndexOf('/') + 1);
    Descriptor type = anyTypes.get(typeName);
    if (type == null) {
      violations.add(path + ": Any holds " + typeName + ", which the check does not know");
      return;
    }
    try {
      message(path + "<" + type.getName() + ">", DynamicMessage.parseFrom(type, bytes, REGISTRY));
    } catch (InvalidProtocolBufferException e) {
      violations.add(path + ": Any does not parse as " + typeName);
    }
  }

  private void repeated(String at, Message message, FieldDescriptor field, FieldRules rules) {
    int count = message.getRepeatedFieldCount(field);
    FieldRules items = null;
    if (rules != null && rules.hasRepeated()) {
      var r = rules.getRepeated();
      rulesChecked++;
      if (!(r.getIgnoreEmpty() && count == 0)) {
        if (r.hasMinItems() && count < r.getMinItems()) {
          violations.add(at + ": at least " + r.getMinItems() + " items");
        }
        if (r.hasMaxItems() && count > r.getMaxItems()) {
          violations.add(at + ": at most " + r.getMaxItems() + " items");
        }
        if (r.getUnique()) {
          var seen = new HashSet<>();
          for (int i = 0; i < count; i++) {
            if (!seen.add(message.getRepeatedField(field, i))) {
              violations.add(at + ": items must be unique");
            }
          }
        }
      }
      items = r.hasItems() ? r.getItems() : null;
    } else if (rules != null) {
      unknown(at, rules);
    }
    for (int i = 0; i < count; i++) {
      Object item = message.getRepeatedField(field, i);
      String itemAt = at + "[" + i + "]";
      if (items != null) {
        value(itemAt, item, items);
      }
      if (item instanceof Message m && (items == null || !items.getMessage().getSkip())) {
        message(itemAt, m);
      }
    }
  }

  private void map(String at, Message message, FieldDescriptor field, FieldRules rules) {
    int count = message.getRepeatedFieldCount(field);
    FieldRules keys = null;
    FieldRules values = null;
    if (rules != null && rules.hasMap()) {
      var r = rules.getMap();
      rulesChecked++;
      if (!(r.getIgnoreEmpty() && count == 0)) {
        if (r.hasMinPairs() && count < r.getMinPairs()) {
          violations.add(at + ": at least " + r.getMinPairs() + " pairs");
        }
        if (r.hasMaxPairs() && count > r.getMaxPairs()) {
          violations.add(at + ": at most " + r.getMaxPairs() + " pairs");
        }
      }
      keys = r.hasKeys() ? r.getKeys() : null;
      values = r.hasValues() ? r.getValues() : null;
    } else if (rules != null) {
      unknown(at, rules);
    }
    for (int i = 0; i < count; i++) {
      Message entry = (Message) message.getRepeatedField(field, i);
      Object key = entry.getField(entry.getDescriptorForType().findFieldByName("key"));
      FieldDescriptor valueField = entry.getDescriptorForType().findFieldByName("value");
      Object value = entry.getField(valueField);
      String entryAt = at + "[" + key + "]";
      if (keys != null) {
        value(entryAt + ".key", key, keys);
      }
      if (values != null) {
        value(entryAt, value, values);
      }
      if (value instanceof Message m) {
        message(entryAt, m);
      }
    }
  }

  /** Applies one field's rules to a present value (scalar, enum, or message). */
  private void value(String at, Object value, FieldRules rules) {
    rulesChecked++;
    switch (rules.getTypeCase()) {
      case STRING -> string(at, (String) value, rules.getString());
      case BYTES -> bytes(at, (ByteString) value, rules.getBytes());
      case BOOL -> {
        if (rules.getBool().hasConst() && rules.getBool().getConst() != (Boolean) value) {
          violations.add(at + ": must be " + rules.getBool().getConst());
        }
      }
      case ENUM -> enumValue(at, (EnumValueDescriptor) value, rules.getEnum());
      case DURATION -> duration(at, value, rules.getDuration());
      case ANY -> {
        var r = rules.getAny();
        Message any = (Message) value;
        String url = (String) any.getField(any.getDescriptorForType().findFieldByName("type_url"));
        if (!r.getInList().isEmpty() && !r.getInList().contains(url)) {
          violations.add(at + ": Any type " + url + " not allowed");
        }
        if (r.getNotInList().contains(url)) {
          violations.add(at + ": Any type " + url + " not allowed");
        }
      }
      case FLOAT,
          DOUBLE,
          INT32,
          INT64,
          UINT32,
          UINT64,
          SINT32,
          SINT64,
          FIXED32,
          FIXED64,
          SFIXED32,
          SFIXED64 ->
          number(at, value, rules);
      case TYPE_NOT_SET -> {
        // Only message rules (required/skip), handled by the caller.
        if (!rules.hasMessage()) {
          unknown(at, rules);
        }
      }
      case REPEATED, MAP -> {
        // Nested repeated rules inside items: not used by Envoy's protos.
        unknown(at, rules);
      }
      default -> unknown(at, rules);
    }
  }

  private void string(String at, String value, Validate.StringRules r) {
    if (r.getIgnoreEmpty() && value.isEmpty()) {
      return;
    }
    long chars = value.codePointCount(0, value.length());
    long bytes = value.getBytes(StandardCharsets.UTF_8).length;
    check(!r.hasConst() || value.equals(r.getConst()), at, "must equal " + r.getConst());
    check(!r.hasLen() || chars == r.getLen(), at, "length must be " + r.getLen());
    check(!r.hasMinLen() || chars >= r.getMinLen(), at, "length must be >= " + r.getMinLen());
    check(!r.hasMaxLen() || chars <= r.getMaxLen(), at, "length must be <= " + r.getMaxLen());
    check(!r.hasMinBytes() || bytes >= r.getMinBytes(), at, "bytes must be >= " + r.getMinBytes());
    check(!r.hasMaxBytes() || bytes <= r.getMaxBytes(), at, "bytes must be <= " + r.getMaxBytes());
    check(
        !r.hasPattern() || Pattern.compile(r.getPattern()).matcher(value).find(),
        at,
        "must match " + r.getPattern());
    check(!r.hasPrefix() || value.startsWith(r.getPrefix()), at, "prefix " + r.getPrefix());
    check(!r.hasSuffix() || value.endsWith(r.getSuffix()), at, "suffix " + r.getSuffix());
    check(!r.hasContains() || value.contains(r.getContains()), at, "contains " + r.getContains());
    check(
        !r.hasNotContains() || !value.contains(r.getNotContains()),
        at,
        "must not contain " + r.getNotContains());
    check(r.getInCount() == 0 || r.getInList().contains(value), at, "must be in " + r.getInList());
    check(!r.getNotInList().contains(value), at, "must not be in " + r.getNotInList());
    switch (r.getWellKnownCase()) {
      case WELL_KNOWN_REGEX -> {
        Pattern pattern =
            switch (r.getWellKnownRegex()) {
              case HTTP_HEADER_NAME -> r.getStrict() ? HEADER_NAME : LOOSE_HEADER;
              case HTTP_HEADER_VALUE -> r.getStrict() ? HEADER_VALUE : LOOSE_HEADER;
              default -> null;
            };
        if (pattern == null) {
          violations.add(at + ": unknown well-known regex " + r.getWellKnownRegex());
        } else {
          check(pattern.matcher(value).matches(), at, "must be a valid " + r.getWellKnownRegex());
        }
      }
      case WELLKNOWN_NOT_SET -> {}
      default -> violations.add(at + ": well-known rule " + r.getWellKnownCase() + " not checked");
    }
  }

  private void bytes(String at, ByteString value, Validate.BytesRules r) {
    if (r.getIgnoreEmpty() && value.isEmpty()) {
      return;
    }
    check(!r.hasMinLen() || value.size() >= r.getMinLen(), at, "min_len " + r.getMinLen());
    check(!r.hasMaxLen() || value.size() <= r.getMaxLen(), at, "max_len " + r.getMaxLen());
    check(!r.hasLen() || value.size() == r.getLen(), at, "len " + r.getLen());
  }

  private void enumValue(String at, EnumValueDescriptor value, Validate.EnumRules r) {
    int number = value.getNumber();
    check(!r.hasConst() || number == r.getConst(), at, "must be " + r.getConst());
    check(
        !r.getDefinedOnly() || value.getType().findValueByNumber(number) != null,
        at,
        "must be a defined value");
    check(r.getInCount() == 0 || r.getInList().contains(number), at, "must be in " + r.getInList());
    check(!r.getNotInList().contains(number), at, "must not be in " + r.getNotInList());
  }

  private void duration(String at, Object value, Validate.DurationRules r) {
    Message m = (Message) value;
    Duration d;
    try {
      d = Duration.parseFrom(m.toByteString());
    } catch (InvalidProtocolBufferException e) {
      violations.add(at + ": not a Duration");
      return;
    }
    BigDecimal v = seconds(d);
    check(!r.hasConst() || v.compareTo(seconds(r.getConst())) == 0, at, "const");
    check(!r.hasLt() || v.compareTo(seconds(r.getLt())) < 0, at, "must be < " + r.getLt());
    check(!r.hasLte() || v.compareTo(seconds(r.getLte())) <= 0, at, "must be <= " + r.getLte());
    check(!r.hasGt() || v.compareTo(seconds(r.getGt())) > 0, at, "must be > " + r.getGt());
    check(!r.hasGte() || v.compareTo(seconds(r.getGte())) >= 0, at, "must be >= " + r.getGte());
    check(r.getInCount() == 0 || r.getInList().contains(d), at, "must be in " + r.getInList());
    check(!r.getNotInList().contains(d), at, "must not be in " + r.getNotInList());
  }

  /** Every numeric rule message has the same fields: const, lt, lte, gt, gte, in, not_in. */
  private void number(String at, Object raw, FieldRules rules) {
    Message r =
        (Message)
            rules.getField(
                rules.getDescriptorForType().findFieldByNumber(rules.getTypeCase().getNumber()));
    Object unwrapped = raw;
    if (raw instanceof Message wrapper) {
      // google.protobuf.*Value wrappers: the rules apply to the wrapped value.
      unwrapped = wrapper.getField(wrapper.getDescriptorForType().findFieldByName("value"));
    }
    BigDecimal v = decimal(unwrapped, rules.getTypeCase());
    Descriptor d = r.getDescriptorForType();
    if (bool(r, d, "ignore_empty") && v.signum() == 0) {
      return;
    }
    for (String bound : List.of("const", "lt", "lte", "gt", "gte")) {
      FieldDescriptor f = d.findFieldByName(bound);
      if (!r.hasField(f)) {
        continue;
      }
      int cmp = v.compareTo(decimal(r.getField(f), rules.getTypeCase()));
      boolean ok =
          switch (bound) {
            case "const" -> cmp == 0;
            case "lt" -> cmp < 0;
            case "lte" -> cmp <= 0;
            case "gt" -> cmp > 0;
            default -> cmp >= 0;
          };
      check(ok, at, bound + " " + r.getField(f) + " (is " + v + ")");
    }
    List<?> in = (List<?>) r.getField(d.findFieldByName("in"));
    if (!in.isEmpty()) {
      check(
          in.stream().anyMatch(x -> decimal(x, rules.getTypeCase()).compareTo(v) == 0),
          at,
          "must be in " + in);
    }
  }

  private static boolean bool(Message m, Descriptor d, String name) {
    FieldDescriptor f = d.findFieldByName(name);
    return f != null && m.hasField(f) && (Boolean) m.getField(f);
  }

  private static BigDecimal decimal(Object value, FieldRules.TypeCase type) {
    return switch (value) {
      case Integer i ->
          switch (type) {
            case UINT32, FIXED32 -> BigDecimal.valueOf(Integer.toUnsignedLong(i));
            default -> BigDecimal.valueOf(i);
          };
      case Long l ->
          switch (type) {
            case UINT64, FIXED64 -> new BigDecimal(new BigInteger(Long.toUnsignedString(l)));
            default -> BigDecimal.valueOf(l);
          };
      case Float f -> BigDecimal.valueOf(f);
      case Double dd -> BigDecimal.valueOf(dd);
      default -> throw new IllegalArgumentException("not a number: " + value);
    };
  }

  private static BigDecimal seconds(Duration d) {
    return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNanos(), 9));
  }

  private void check(boolean ok, String at, String rule) {
    if (!ok) {
      violations.add(at + ": " + rule);
    }
  }

  private void unknown(String at, FieldRules rules) {
    violations.add(at + ": rule not checked by PgvRules: " + rules.getTypeCase());
  }

  private static boolean requiredMessage(FieldRules rules) {
    return rules.getMessage().getRequired()
        || (rules.hasDuration() && rules.getDuration().getRequired())
        || (rules.hasAny() && rules.getAny().getRequired())
        || (rules.hasTimestamp() && rules.getTimestamp().getRequired());
  }

  /** The field's rules, re-read with the validate extensions if the options kept them unknown. */
  private static FieldRules rules(FieldDescriptor field) {
    var options = field.getOptions();
    if (options.hasExtension(Validate.rules)) {
      return options.getExtension(Validate.rules);
    }
    if (options.getUnknownFields().hasField(1071)) {
      try {
        var reparsed =
            com.google.protobuf.DescriptorProtos.FieldOptions.parseFrom(
                options.toByteString(), REGISTRY);
        if (reparsed.hasExtension(Validate.rules)) {
          return reparsed.getExtension(Validate.rules);
        }
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    }
    return null;
  }
}
