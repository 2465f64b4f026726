package dev.aigateway.dataplane.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.CarriedBlocks;
import dev.aigateway.dataplane.translate.chat.ChatModel.ToolCall;
import dev.aigateway.dataplane.translate.chat.ChatResult;
import dev.aigateway.dataplane.translate.chat.JsonToolMode;
import dev.aigateway.dataplane.translate.chat.ToolArguments;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Turns an Anthropic Messages API response into OpenAI's chat completion. */
public final class AnthropicResponses {
  private AnthropicResponses() {}

  /**
   * Text blocks are concatenated, {@code tool_use} blocks become tool calls in order. {@code
   * thinking} and {@code redacted_thinking} blocks are not shown (OpenAI's chat completion has no
   * place for them; their tokens are in the usage), but those before a tool call ride in its id
   * ({@link CarriedBlocks}), since Claude needs them back with the tool results.
   */
  public static ChatResult toChat(
      JsonNode message, @Nullable JsonToolMode jsonMode, String fallbackModel, long created) {
    StringBuilder text = new StringBuilder();
    boolean hasText = false;
    List<ToolCall> calls = new ArrayList<>();
    ArrayNode thinking = Json.MAPPER.createArrayNode();
    for (JsonNode block : message.path("content")) {
      switch (block.path("type").asText()) {
        case "thinking", "redacted_thinking" -> thinking.add(block);
        case "text" -> {
          text.append(block.path("text").asText());
          hasText = true;
        }
        case "tool_use" -> {
          if (jsonMode != null && jsonMode.toolName().equals(block.path("name").asText())) {
            text.append(ToolArguments.write(block.get("input")));
            hasText = true;
          } else {
            calls.add(
                new ToolCall(
                    CarriedBlocks.attach(block.path("id").asText(), thinking),
                    block.path("name").asText(),
                    ToolArguments.write(block.get("input"))));
            thinking = Json.MAPPER.createArrayNode();
          }
        }
        default -> {
          // server tool blocks: nothing to show in chat completions
        }
      }
    }
    String stopReason = message.path("stop_reason").asText(null);
    String finish =
        jsonMode != null && "tool_use".equals(stopReason)
            ? "stop"
            : AnthropicSupport.finishReason(stopReason);
    return new ChatResult(
        message.path("id").asText(""),
        message.path("model").asText(fallbackModel),
        created,
        hasText ? text.toString() : null,
        calls,
        finish,
        AnthropicSupport.usage(message.path("usage")));
  }
}
