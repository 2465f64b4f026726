package dev.aigateway.dataplane.translate.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.translate.chat.ToolArguments;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** Turns an OpenAI {@code chat.completion} into an Anthropic Messages API {@code message}. */
final class ChatToMessage {
  private ChatToMessage() {}

  /** The Anthropic body for a chat completion body (an error body if it is not one). */
  static byte[] convert(byte[] chatCompletion, String fallbackModel) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(chatCompletion);
    } catch (IOException e) {
      root = null;
    }
    if (root == null || !root.path("choices").isArray()) {
      // For example the 502 body a translator further down wrote for malformed upstream JSON.
      return MessagesErrors.fromOpenAi(502, chatCompletion);
    }
    JsonNode choice = root.path("choices").path(0);
    JsonNode message = choice.path("message");
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", root.path("id").asText(""));
    out.put("type", "message");
    out.put("role", "assistant");
    out.put("model", root.path("model").asText(fallbackModel));
    ArrayNode content = out.putArray("content");
    String text = message.path("content").asText("");
    String refusal = message.path("refusal").asText("");
    if (!text.isEmpty() || !refusal.isEmpty()) {
      content.addObject().put("type", "text").put("text", text.isEmpty() ? refusal : text);
    }
    for (JsonNode call : message.path("tool_calls")) {
      ObjectNode block = content.addObject();
      block.put("type", "tool_use");
      block.put("id", call.path("id").asText(""));
      block.put("name", call.path("function").path("name").asText(""));
      block.set("input", input(call.path("function").path("arguments").asText("")));
    }
    String finish = choice.path("finish_reason").asText(null);
    out.put("stop_reason", refusal.isEmpty() || !text.isEmpty() ? stopReason(finish) : "refusal");
    out.putNull("stop_sequence");
    out.set("usage", usage(root.path("usage")));
    try {
      return Json.MAPPER.writeValueAsBytes(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * OpenAI's finish reason as Anthropic's stop reason. OpenAI does not say whether a stop sequence
   * ended the text, so {@code stop} is always {@code end_turn}.
   */
  static String stopReason(@Nullable String finishReason) {
    if (finishReason == null) {
      return "end_turn";
    }
    return switch (finishReason) {
      case "length" -> "max_tokens";
      case "tool_calls", "function_call" -> "tool_use";
      case "content_filter" -> "refusal";
      default -> "end_turn";
    };
  }

  /**
   * OpenAI's usage in Anthropic's terms: Anthropic's {@code input_tokens} excludes cache reads,
   * OpenAI's {@code prompt_tokens} includes them; chat completions report no cache writes.
   */
  static ObjectNode usage(JsonNode usage) {
    long prompt = usage.path("prompt_tokens").asLong(0);
    long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("input_tokens", Math.max(0, prompt - cached));
    out.put("cache_creation_input_tokens", 0);
    out.put("cache_read_input_tokens", cached);
    out.put("output_tokens", usage.path("completion_tokens").asLong(0));
    return out;
  }

  /** Tool arguments as an object; a model's malformed arguments are kept as a string value. */
  private static JsonNode input(String arguments) {
    try {
      return ToolArguments.parse(arguments);
    } catch (TranslationException e) {
      ObjectNode wrapped = Json.MAPPER.createObjectNode();
      wrapped.put("arguments", arguments);
      return wrapped;
    }
  }
}
