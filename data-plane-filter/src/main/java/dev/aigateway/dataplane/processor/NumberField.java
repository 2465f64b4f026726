package dev.aigateway.dataplane.processor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.error.ErrorShape;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import java.math.BigInteger;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One numeric request field checked to a range, refused in the wording of the API the client
 * called: OpenAI's ({@code "Invalid 'top_p': decimal above maximum value. Expected a value <= 1,
 * but got 3 instead."}, with {@code param} and {@code code}) or Anthropic's ({@code "top_p: Input
 * should be less than or equal to 1"}).
 */
final class NumberField {
  private NumberField() {}

  /**
   * The integer at {@code node}, or null when absent or JSON null.
   *
   * @throws TranslationException a 400 for a value of another type or outside {@code min..max}
   */
  static @Nullable Long integer(
      @Nullable JsonNode node, String name, long min, long max, ErrorShape shape) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber()) {
      throw wrongType(name, "an integer", node, shape);
    }
    BigInteger value = node.bigIntegerValue();
    if (value.compareTo(BigInteger.valueOf(min)) < 0) {
      throw outOfRange(name, "integer", true, Long.toString(min), shortNumber(value), shape);
    }
    if (value.compareTo(BigInteger.valueOf(max)) > 0) {
      throw outOfRange(name, "integer", false, Long.toString(max), shortNumber(value), shape);
    }
    return value.longValueExact();
  }

  /**
   * Checks the number at {@code node} (an integer is a number too); absent or JSON null passes.
   * Infinity (a literal such as {@code 1e400}) is out of every range.
   */
  static void decimal(
      @Nullable JsonNode node, String name, double min, double max, ErrorShape shape) {
    if (node == null || node.isNull()) {
      return;
    }
    if (!node.isNumber()) {
      throw wrongType(name, "a decimal", node, shape);
    }
    double value = node.doubleValue();
    String shown = shortNumber(node.asText());
    if (Double.isNaN(value) || value < min) {
      throw outOfRange(name, "decimal", true, plain(min), shown, shape);
    }
    if (value > max) {
      throw outOfRange(name, "decimal", false, plain(max), shown, shape);
    }
  }

  /** Checks that the value at {@code node}, when present, is a JSON boolean. */
  static void bool(@Nullable JsonNode node, String name, ErrorShape shape) {
    if (node != null && !node.isNull() && !node.isBoolean()) {
      throw wrongType(name, "a boolean", node, shape);
    }
  }

  static TranslationException wrongType(
      String name, String expected, JsonNode got, ErrorShape shape) {
    String message =
        switch (shape) {
          case OPENAI ->
              "Invalid type for '"
                  + name
                  + "': expected "
                  + expected
                  + ", but got "
                  + typeOf(got)
                  + " instead.";
          case ANTHROPIC ->
              name
                  + ": Input should be a valid "
                  + switch (expected) {
                    case "an integer" -> "integer";
                    case "a boolean" -> "boolean";
                    case "an object" -> "dictionary";
                    default -> "number";
                  };
        };
    return invalid(name, "invalid_type", message);
  }

  private static TranslationException outOfRange(
      String name, String kind, boolean below, String bound, String got, ErrorShape shape) {
    String message =
        switch (shape) {
          case OPENAI ->
              "Invalid '"
                  + name
                  + "': "
                  + kind
                  + (below ? " below minimum value. Expected a value >= " : " above maximum value.")
                  + (below ? "" : " Expected a value <= ")
                  + bound
                  + ", but got "
                  + got
                  + " instead.";
          case ANTHROPIC ->
              name
                  + ": Input should be "
                  + (below ? "greater" : "less")
                  + " than or equal to "
                  + bound;
        };
    return invalid(name, kind + (below ? "_below_min_value" : "_above_max_value"), message);
  }

  static TranslationException invalid(String param, String code, String message) {
    return new TranslationException(
        new GatewayError(400, "invalid_request_error", code, param, message, Map.of()));
  }

  /** A bound as people write it: {@code 2}, not {@code 2.0}. */
  private static String plain(double bound) {
    return bound == Math.rint(bound) && Math.abs(bound) < 1e15
        ? Long.toString((long) bound)
        : Double.toString(bound);
  }

  /** A number as the client sent it, unless it is absurdly long (it goes into the message). */
  private static String shortNumber(Object value) {
    String s = value.toString();
    return s.length() > 40 ? s.substring(0, 20) + "..." : s;
  }

  private static String typeOf(JsonNode node) {
    return switch (node.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a decimal number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> "another type";
    };
  }
}
