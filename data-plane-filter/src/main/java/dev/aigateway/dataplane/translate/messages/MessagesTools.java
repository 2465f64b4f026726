package dev.aigateway.dataplane.translate.messages;

import static dev.aigateway.dataplane.translate.messages.MessagesRequests.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import org.jspecify.annotations.Nullable;

/** Anthropic's client tools and {@code tool_choice} as chat completions function tools. */
final class MessagesTools {
  private MessagesTools() {}

  static ArrayNode tools(@Nullable JsonNode tools) {
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
      String type = tool.path("type").asText("custom");
      if (!type.equals("custom")) {
        // Anthropic's server tools (web search, code execution, ...) run at Anthropic.
        throw invalid(
            at + ".type", "Tools of type '" + type + "' are only available on anthropic targets.");
      }
      if (!tool.path("name").isTextual()) {
        throw invalid(at + ".name", "A tool needs a name.");
      }
      JsonNode schema = tool.get("input_schema");
      if (schema == null || !schema.isObject()) {
        throw invalid(at + ".input_schema", "A tool needs an input_schema object.");
      }
      ObjectNode function = out.addObject().put("type", "function").putObject("function");
      function.put("name", tool.get("name").asText());
      if (tool.path("description").isTextual()) {
        function.put("description", tool.get("description").asText());
      }
      function.set("parameters", schema);
    }
    return out;
  }

  /**
   * {@code auto}, {@code any}, {@code tool} and {@code none} as OpenAI's auto, required, named
   * function and none; {@code disable_parallel_tool_use} as {@code parallel_tool_calls: false}
   * (OpenAI accepts both only alongside tools).
   */
  static void toolChoice(@Nullable JsonNode choice, boolean hasTools, ObjectNode out) {
    if (choice == null || choice.isNull()) {
      return;
    }
    if (!choice.isObject()) {
      throw invalid("tool_choice", "tool_choice must be an object.");
    }
    if (!hasTools) {
      String type = choice.path("type").asText();
      if (type.equals("any") || type.equals("tool")) {
        throw invalid("tool_choice", "tool_choice of type '" + type + "' needs tools.");
      }
      return; // auto or none without tools asks for nothing
    }
    switch (choice.path("type").asText()) {
      case "auto" -> out.put("tool_choice", "auto");
      case "any" -> out.put("tool_choice", "required");
      case "none" -> out.put("tool_choice", "none");
      case "tool" -> {
        if (!choice.path("name").isTextual()) {
          throw invalid("tool_choice.name", "tool_choice of type 'tool' needs a name.");
        }
        out.putObject("tool_choice")
            .put("type", "function")
            .putObject("function")
            .put("name", choice.get("name").asText());
      }
      default ->
          throw invalid("tool_choice.type", "tool_choice.type must be auto, any, tool or none.");
    }
    if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
      out.put("parallel_tool_calls", false);
    }
  }
}
