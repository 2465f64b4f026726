package dev.aigateway.fakeprovider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Deterministic content every responder synthesizes the same way: the reply quotes the last user
 * text, token counts are words plus a per-message overhead (not a real tokenizer), and tool
 * arguments are filled in from the tool's JSON schema.
 */
final class Synth {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Tokens a tool call costs in the fake's accounting. */
  static final int TOOL_CALL_TOKENS = 8;

  /** Tokens each message costs besides its words. */
  static final int MESSAGE_OVERHEAD = 4;

  private Synth() {}

  static String reply(String lastUserText) {
    return "You said: " + lastUserText;
  }

  static int words(String text) {
    String trimmed = text.trim();
    return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
  }

  /** The text in pieces that end after a space, as a model streams it. */
  static List<String> pieces(String text) {
    return List.of(text.split("(?<= )"));
  }

  /** A short random id with a provider's prefix, such as {@code toolu_} or {@code msg_}. */
  static String id(String prefix) {
    return prefix + "fake" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  /**
   * Arguments that satisfy the types of a JSON schema's properties: strings {@code "fake"}, numbers
   * 1, booleans true, arrays empty, objects filled in the same way; an enum's first value.
   */
  static ObjectNode arguments(JsonNode schema) {
    ObjectNode arguments = JSON.createObjectNode();
    schema
        .path("properties")
        .properties()
        .forEach(property -> arguments.set(property.getKey(), value(property.getValue())));
    return arguments;
  }

  private static JsonNode value(JsonNode schema) {
    if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
      return schema.path("enum").get(0);
    }
    String type = schema.path("type").asText("string").toLowerCase(java.util.Locale.ROOT);
    return switch (type) {
      case "integer", "number" -> JSON.getNodeFactory().numberNode(1);
      case "boolean" -> JSON.getNodeFactory().booleanNode(true);
      case "array" -> JSON.createArrayNode();
      case "object" -> arguments(schema);
      default -> JSON.getNodeFactory().textNode("fake");
    };
  }

  /** A JSON text cut into two fragments, as providers stream tool arguments. */
  static List<String> fragments(String json) {
    List<String> fragments = new ArrayList<>();
    int middle = json.length() / 2;
    fragments.add(json.substring(0, middle));
    fragments.add(json.substring(middle));
    return fragments;
  }
}
