package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.translate.Json;
import java.io.IOException;

/** Tool-call arguments between OpenAI's JSON-in-a-string and the providers' JSON objects. */
public final class ToolArguments {
  private ToolArguments() {}

  /** OpenAI's argument string as an object (empty string means no arguments). */
  public static JsonNode parse(String arguments) {
    if (arguments.isBlank()) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      JsonNode node = Json.MAPPER.readTree(arguments);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // reported below
    }
    throw ChatRequest.invalid(
        "messages",
        "Tool call arguments in the history must be a JSON object encoded as a string.");
  }

  /** A provider's argument object as OpenAI's string. */
  public static String write(JsonNode input) {
    if (input == null || input.isNull() || input.isMissingNode()) {
      return "{}";
    }
    try {
      return Json.MAPPER.writeValueAsString(input);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
