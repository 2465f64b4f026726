package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.ChatModel.ToolCall;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A provider's complete answer, written as OpenAI's {@code chat.completion}.
 *
 * @param text the assistant text, or null when the answer has only tool calls
 * @param finishReason OpenAI's finish reason: stop, length, tool_calls or content_filter
 */
public record ChatResult(
    String id,
    String model,
    long created,
    @Nullable String text,
    List<ToolCall> toolCalls,
    String finishReason,
    ChatUsage usage) {

  public byte[] toJson() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("id", id);
    root.put("object", "chat.completion");
    root.put("created", created);
    root.put("model", model);
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", text);
    message.putNull("refusal");
    if (!toolCalls.isEmpty()) {
      ArrayNode calls = message.putArray("tool_calls");
      for (ToolCall call : toolCalls) {
        ObjectNode c = calls.addObject();
        c.put("id", call.id());
        c.put("type", "function");
        c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
      }
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason);
    root.set("usage", usage.toJson());
    try {
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
