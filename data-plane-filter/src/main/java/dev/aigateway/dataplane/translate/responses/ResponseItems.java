package dev.aigateway.dataplane.translate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;

/** The output items of a Responses API answer, as OpenAI's API reference writes them. */
final class ResponseItems {
  private ResponseItems() {}

  static ObjectNode message(String id, String status) {
    ObjectNode item = Json.MAPPER.createObjectNode();
    item.put("id", id).put("type", "message").put("status", status).put("role", "assistant");
    item.putArray("content");
    return item;
  }

  static ObjectNode outputText(String text) {
    ObjectNode part = Json.MAPPER.createObjectNode().put("type", "output_text").put("text", text);
    part.putArray("annotations");
    part.putArray("logprobs");
    return part;
  }

  static ObjectNode refusal(String text) {
    return Json.MAPPER.createObjectNode().put("type", "refusal").put("refusal", text);
  }

  static ObjectNode functionCall(
      String id, String callId, String name, String arguments, String status) {
    ObjectNode item = Json.MAPPER.createObjectNode();
    item.put("id", id).put("type", "function_call").put("status", status);
    item.put("arguments", arguments).put("call_id", callId).put("name", name);
    return item;
  }

  static ObjectNode reasoning(String id) {
    ObjectNode item = Json.MAPPER.createObjectNode().put("id", id).put("type", "reasoning");
    item.putArray("summary");
    return item;
  }

  static ObjectNode summaryText(String text) {
    return Json.MAPPER.createObjectNode().put("type", "summary_text").put("text", text);
  }

  /**
   * The reasoning text an OpenAI-compatible server put beside the answer ({@code reasoning_content}
   * as vLLM and DeepSeek write it, {@code reasoning} as Ollama and OpenRouter do), or empty.
   */
  static String reasoningText(JsonNode messageOrDelta) {
    String text = messageOrDelta.path("reasoning_content").asText("");
    return text.isEmpty() ? messageOrDelta.path("reasoning").asText("") : text;
  }
}
