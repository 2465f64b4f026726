package dev.aigateway.dataplane.translate.responses;

import static dev.aigateway.dataplane.translate.responses.ResponsesRequests.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import org.jspecify.annotations.Nullable;

/** Responses function tools and {@code tool_choice} as chat completions function tools. */
final class ResponsesTools {
  private ResponsesTools() {}

  static ArrayNode tools(@Nullable JsonNode tools, String schema) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    if (tools == null || tools.isNull()) {
      return out;
    }
    if (!tools.isArray()) {
      throw invalid("tools", "tools must be an array.");
    }
    for (int i = 0; i < tools.size(); i++) {
      JsonNode tool = tools.get(i);
      String at = "tools[" + i + "]";
      String type = tool.path("type").asText();
      if (ResponsesRequests.BUILT_IN_TOOLS.contains(type)) {
        throw ResponsesRequests.toolUnavailable(at + ".type", type, schema);
      }
      if (!type.equals("function")) {
        throw invalid(at + ".type", "Unknown tool type '" + type + "' (expected: function).");
      }
      if (!tool.path("name").isTextual() || tool.get("name").asText().isEmpty()) {
        throw invalid(at + ".name", "A function tool needs a name.");
      }
      ObjectNode function = out.addObject().put("type", "function").putObject("function");
      function.put("name", tool.get("name").asText());
      if (tool.path("description").isTextual()) {
        function.put("description", tool.get("description").asText());
      }
      JsonNode parameters = tool.get("parameters");
      if (parameters == null || parameters.isNull()) {
        function.putObject("parameters").put("type", "object").putObject("properties");
      } else if (parameters.isObject()) {
        function.set("parameters", parameters);
      } else {
        throw invalid(at + ".parameters", "parameters must be a JSON schema object.");
      }
      if (tool.path("strict").asBoolean(false)) {
        function.put("strict", true);
      }
    }
    return out;
  }

  /** {@code auto}, {@code none}, {@code required} and a named function, as in chat completions. */
  static void toolChoice(
      @Nullable JsonNode choice, boolean hasTools, String schema, ObjectNode out) {
    if (choice == null || choice.isNull()) {
      return;
    }
    if (choice.isTextual()) {
      switch (choice.asText()) {
        case "auto", "none" -> {
          if (hasTools) {
            out.put("tool_choice", choice.asText());
          }
        }
        case "required" -> {
          if (!hasTools) {
            throw invalid("tool_choice", "tool_choice 'required' needs tools.");
          }
          out.put("tool_choice", "required");
        }
        default ->
            throw invalid("tool_choice", "tool_choice must be auto, none, required or an object.");
      }
      return;
    }
    if (!choice.isObject()) {
      throw invalid("tool_choice", "tool_choice must be a string or an object.");
    }
    String type = choice.path("type").asText();
    if (ResponsesRequests.BUILT_IN_TOOLS.contains(type)) {
      throw ResponsesRequests.toolUnavailable("tool_choice.type", type, schema);
    }
    if (!type.equals("function")) {
      throw invalid(
          "tool_choice.type",
          "tool_choice.type '" + type + "' is not supported (expected: function).");
    }
    if (!choice.path("name").isTextual()) {
      throw invalid("tool_choice.name", "tool_choice of type 'function' needs a name.");
    }
    if (!hasTools) {
      throw invalid("tool_choice", "tool_choice of type 'function' needs tools.");
    }
    out.putObject("tool_choice")
        .put("type", "function")
        .putObject("function")
        .put("name", choice.get("name").asText());
  }
}
