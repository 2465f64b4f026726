package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.ChatModel.Chat;
import org.jspecify.annotations.Nullable;

/**
 * JSON mode for providers whose only structured output is a forced tool call (Anthropic's
 * documented "JSON mode" technique, also used for Bedrock Converse): the response format becomes
 * one tool the model must call, and that call's input comes back as the message content with finish
 * reason {@code stop}, as OpenAI answers in JSON mode.
 *
 * @param toolName the name of the forced tool
 * @param schema its input schema (the response format's schema, or any object)
 */
public record JsonToolMode(String toolName, JsonNode schema) {

  /** The JSON mode for a request, or null when it asks for plain text. */
  public static @Nullable JsonToolMode of(Chat chat, String schemaName) {
    return switch (chat.responseFormat()) {
      case ChatModel.PlainText p -> null;
      case ChatModel.JsonObject j ->
          check(chat, schemaName, new JsonToolMode("json_response", anyObject()));
      case ChatModel.JsonSchema s ->
          check(chat, schemaName, new JsonToolMode(s.name(), s.schema()));
    };
  }

  private static JsonToolMode check(Chat chat, String schemaName, JsonToolMode mode) {
    if (!chat.tools().isEmpty() || chat.toolChoice() != null) {
      throw ChatRequest.unsupported(
          "response_format",
          "response_format with JSON output cannot be combined with tools for "
              + schemaName
              + ", which produces JSON through a forced tool call.");
    }
    return mode;
  }

  private static JsonNode anyObject() {
    return Json.MAPPER.createObjectNode().put("type", "object");
  }
}
