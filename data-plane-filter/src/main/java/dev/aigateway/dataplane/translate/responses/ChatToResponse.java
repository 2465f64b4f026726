package dev.aigateway.dataplane.translate.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Json;
import java.io.IOException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Turns an OpenAI {@code chat.completion} into a Responses API {@code response}. */
final class ChatToResponse {
  private ChatToResponse() {}

  /** The response body, or null when {@code chatCompletion} is not a chat completion. */
  static byte @Nullable [] convert(
      byte[] chatCompletion, ResponseEnvelope envelope, String fallbackModel) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(chatCompletion);
    } catch (IOException e) {
      return null;
    }
    if (root == null || !root.path("choices").isArray() || root.path("choices").isEmpty()) {
      return null;
    }
    String upstreamId = root.path("id").asText("");
    JsonNode choice = root.path("choices").path(0);
    JsonNode message = choice.path("message");
    ObjectNode response =
        envelope.response(
            ResponseEnvelope.id("resp_", upstreamId),
            root.path("created").asLong(Instant.now().getEpochSecond()),
            root.path("model").asText(fallbackModel),
            "completed");
    ArrayNode output = (ArrayNode) response.get("output");
    String reasoning = ResponseItems.reasoningText(message);
    if (!reasoning.isEmpty()) {
      ObjectNode item = ResponseItems.reasoning(ResponseEnvelope.id("rs_", upstreamId));
      ((ArrayNode) item.get("summary")).add(ResponseItems.summaryText(reasoning));
      output.add(item);
    }
    String text = message.path("content").asText("");
    String refusal = message.path("refusal").asText("");
    if (!text.isEmpty() || !refusal.isEmpty()) {
      ObjectNode item = ResponseItems.message(ResponseEnvelope.id("msg_", upstreamId), "completed");
      ((ArrayNode) item.get("content"))
          .add(text.isEmpty() ? ResponseItems.refusal(refusal) : ResponseItems.outputText(text));
      output.add(item);
    }
    JsonNode calls = message.path("tool_calls");
    for (int i = 0; i < calls.size(); i++) {
      JsonNode call = calls.get(i);
      output.add(
          ResponseItems.functionCall(
              ResponseEnvelope.id("fc_", upstreamId) + "_" + i,
              call.path("id").asText(""),
              call.path("function").path("name").asText(""),
              call.path("function").path("arguments").asText(""),
              "completed"));
    }
    ResponseEnvelope.finish(response, choice.path("finish_reason").asText("stop"));
    JsonNode usage = root.get("usage");
    response.set(
        "usage", usage == null || !usage.isObject() ? null : ResponsesUsage.fromChat(usage));
    try {
      return Json.MAPPER.writeValueAsBytes(response);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The 502 a buffered 2xx that is no chat completion becomes. */
  static GatewayError notAnAnswer() {
    return GatewayError.badGateway("The upstream provider's answer could not be read.");
  }
}
