package dev.aigateway.dataplane.translate.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.translate.chat.ChatModel.ToolCall;
import dev.aigateway.dataplane.translate.chat.ChatResult;
import dev.aigateway.dataplane.translate.chat.ToolArguments;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Turns a Gemini {@code GenerateContentResponse} into OpenAI's chat completion. */
public final class GeminiResponses {
  private GeminiResponses() {}

  /**
   * Reads the first candidate (only n=1 is accepted); {@code thought} parts are left out. A prompt
   * blocked before generation has no candidate and ends with {@code content_filter}.
   */
  public static ChatResult toChat(
      JsonNode response, String fallbackId, String model, long created) {
    JsonNode candidate = response.path("candidates").path(0);
    StringBuilder text = new StringBuilder();
    boolean hasText = false;
    List<ToolCall> calls = new ArrayList<>();
    for (JsonNode part : candidate.path("content").path("parts")) {
      if (part.path("thought").asBoolean(false)) {
        continue;
      }
      if (part.has("text")) {
        text.append(part.get("text").asText());
        hasText = true;
      } else if (part.has("functionCall")) {
        calls.add(toolCall(part));
      }
    }
    String finish =
        candidate.isMissingNode() && response.path("promptFeedback").has("blockReason")
            ? "content_filter"
            : GeminiSupport.finishReason(
                candidate.path("finishReason").asText(null), !calls.isEmpty());
    return new ChatResult(
        response.path("responseId").asText(fallbackId),
        response.path("modelVersion").asText(model),
        created,
        hasText ? text.toString() : null,
        calls,
        finish,
        GeminiSupport.usage(response.path("usageMetadata")));
  }

  /**
   * The tool call of a {@code functionCall} part. Gemini function calls may come without an id
   * (OpenAI clients need one to answer them); the part's {@code thoughtSignature}, if any, rides in
   * the id (see {@link ThoughtSignatures}).
   */
  static ToolCall toolCall(JsonNode part) {
    JsonNode functionCall = part.path("functionCall");
    String id =
        functionCall.path("id").isTextual()
            ? functionCall.get("id").asText()
            : "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    String signature =
        part.path("thoughtSignature").isTextual() ? part.get("thoughtSignature").asText() : null;
    return new ToolCall(
        ThoughtSignatures.encode(id, signature),
        functionCall.path("name").asText(),
        ToolArguments.write(functionCall.get("args")));
  }
}
