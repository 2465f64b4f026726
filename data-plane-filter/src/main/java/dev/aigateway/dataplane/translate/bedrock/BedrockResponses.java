package dev.aigateway.dataplane.translate.bedrock;

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

/** Turns a Converse response into OpenAI's chat completion. */
public final class BedrockResponses {
  private BedrockResponses() {}

  /**
   * Converse responses carry no id, so the caller supplies one. {@code reasoningContent} blocks are
   * not shown (no place in chat completions), but those before a tool call ride in its id ({@link
   * CarriedBlocks}): Claude needs them back with the tool results.
   */
  public static ChatResult toChat(
      JsonNode response, @Nullable JsonToolMode jsonMode, String id, String model, long created) {
    StringBuilder text = new StringBuilder();
    boolean hasText = false;
    List<ToolCall> calls = new ArrayList<>();
    ArrayNode reasoning = Json.MAPPER.createArrayNode();
    for (JsonNode block : response.path("output").path("message").path("content")) {
      if (block.has("reasoningContent")) {
        reasoning.add(block);
      } else if (block.has("text")) {
        text.append(block.get("text").asText());
        hasText = true;
      } else if (block.has("toolUse")) {
        JsonNode use = block.get("toolUse");
        if (jsonMode != null && jsonMode.toolName().equals(use.path("name").asText())) {
          text.append(ToolArguments.write(use.get("input")));
          hasText = true;
        } else {
          calls.add(
              new ToolCall(
                  CarriedBlocks.attach(use.path("toolUseId").asText(), reasoning),
                  use.path("name").asText(),
                  ToolArguments.write(use.get("input"))));
          reasoning = Json.MAPPER.createArrayNode();
        }
      }
    }
    String stopReason = response.path("stopReason").asText(null);
    String finish =
        jsonMode != null && "tool_use".equals(stopReason)
            ? "stop"
            : BedrockSupport.finishReason(stopReason);
    return new ChatResult(
        id,
        model,
        created,
        hasText ? text.toString() : null,
        calls,
        finish,
        BedrockSupport.usage(response.path("usage")));
  }
}
