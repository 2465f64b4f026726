package dev.aigateway.fakeprovider;

import static dev.aigateway.fakeprovider.Synth.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}): a JSON message or, with {@code "stream":
 * true}, Anthropic's SSE events, with a {@code tool_use} block when tools are offered and the usage
 * fields of the recorded replies. Like the real API it wants a key ({@code x-api-key}, or a bearer
 * token), {@code anthropic-version}, {@code model}, {@code max_tokens} and {@code messages}.
 */
final class AnthropicResponder implements Responder {

  @Override
  public Reply answer(FakeProvider.ReceivedRequest request) {
    if (!request.method().equals("POST")) {
      return error(405, "Method Not Allowed");
    }
    // The official SDK may send its API key as a bearer token; gateways send x-api-key.
    if (isBlank(request.headers().get("x-api-key"))
        && !request.headers().getOrDefault("authorization", "").startsWith("Bearer ")) {
      return error(401, "x-api-key header is required");
    }
    if (isBlank(request.headers().get("anthropic-version"))) {
      return error(400, "anthropic-version: header is required");
    }
    JsonNode body = request.json();
    if (body == null || !body.isObject()) {
      return error(400, "The request body is not valid JSON.");
    }
    if (!body.path("model").isTextual()) {
      return error(400, "model: Field required");
    }
    if (!body.path("max_tokens").canConvertToInt()) {
      return error(400, "max_tokens: Field required");
    }
    JsonNode messages = body.path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      return error(400, "messages: Field required");
    }
    return reply(body, messages);
  }

  private Reply reply(JsonNode body, JsonNode messages) {
    long input = Synth.words(text(body.path("system")));
    String lastUser = "";
    for (JsonNode message : messages) {
      String text = text(message.path("content"));
      input += Synth.words(text) + Synth.MESSAGE_OVERHEAD;
      if (message.path("role").asText().equals("user")) {
        lastUser = text;
      }
    }
    JsonNode tool = chooseTool(body, messages.get(messages.size() - 1));
    String text = Synth.reply(lastUser);
    String stopReason = tool != null ? "tool_use" : "end_turn";
    int maxTokens = body.path("max_tokens").asInt();
    if (tool == null && Synth.words(text) > maxTokens) {
      text = String.join(" ", List.of(text.split("\\s+")).subList(0, Math.max(0, maxTokens)));
      stopReason = "max_tokens";
    }
    long output = tool != null ? Synth.TOOL_CALL_TOKENS : Synth.words(text);
    Answer answer =
        new Answer(
            Synth.id("msg_"),
            body.path("model").asText(),
            text,
            tool,
            tool == null ? null : Synth.id("toolu_"),
            stopReason,
            input,
            output);
    Reply.Usage usage = new Reply.Usage(input, output);
    if (body.path("stream").asBoolean(false)) {
      return Reply.sse(new AnthropicEvents(answer).events(), usage).withHeaders(requestId());
    }
    return Reply.json(200, message(answer).toString(), usage).withHeaders(requestId());
  }

  /** What the fake model says: text, or a call of {@code tool} with arguments from its schema. */
  record Answer(
      String id,
      String model,
      String text,
      @Nullable JsonNode tool,
      @Nullable String toolUseId,
      String stopReason,
      long inputTokens,
      long outputTokens) {

    ObjectNode toolInput() {
      return tool == null ? JSON.createObjectNode() : Synth.arguments(tool.path("input_schema"));
    }
  }

  private static ObjectNode message(Answer answer) {
    ObjectNode message = AnthropicEvents.messageHead(answer);
    ObjectNode block = message.putArray("content").addObject();
    if (answer.tool() != null) {
      block.put("type", "tool_use").put("id", answer.toolUseId());
      block.put("name", answer.tool().path("name").asText());
      block.set("input", answer.toolInput());
    } else {
      block.put("type", "text").put("text", answer.text());
    }
    message.put("stop_reason", answer.stopReason()).putNull("stop_sequence");
    message.set(
        "usage",
        AnthropicEvents.usage(answer.inputTokens(), answer.outputTokens())
            .put("service_tier", "standard"));
    return message;
  }

  /** The named tool, else the first; none when told so or when a tool result came last. */
  private static @Nullable JsonNode chooseTool(JsonNode body, JsonNode last) {
    JsonNode tools = body.path("tools");
    if (!tools.isArray() || tools.isEmpty()) {
      return null;
    }
    JsonNode choice = body.path("tool_choice");
    if (choice.path("type").asText().equals("none")) {
      return null;
    }
    for (JsonNode block : last.path("content")) {
      if (block.path("type").asText().equals("tool_result")) {
        return null;
      }
    }
    String named = choice.path("type").asText().equals("tool") ? choice.path("name").asText() : "";
    for (JsonNode tool : tools) {
      if (tool.path("name").asText().equals(named)) {
        return tool;
      }
    }
    return tools.get(0);
  }

  /** The text of a string content or of its text and tool_result blocks. */
  private static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode block : content) {
      switch (block.path("type").asText()) {
        case "text" -> texts.add(block.path("text").asText());
        case "tool_result" -> texts.add(text(block.path("content")));
        default -> {
          // images, tool_use and thinking blocks carry no user text
        }
      }
    }
    return String.join(" ", texts);
  }

  @Override
  public Reply error(int status, String message) {
    String type =
        switch (status) {
          case 401 -> "authentication_error";
          case 403 -> "permission_error";
          case 404 -> "not_found_error";
          case 413 -> "request_too_large";
          case 429 -> "rate_limit_error";
          case 529 -> "overloaded_error";
          default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    String requestId = Synth.id("req_");
    ObjectNode body = JSON.createObjectNode().put("type", "error");
    body.putObject("error").put("type", type).put("message", message);
    body.put("request_id", requestId);
    return Reply.json(status, body.toString()).withHeaders(Map.of("request-id", requestId));
  }

  private static Map<String, String> requestId() {
    return Map.of("request-id", Synth.id("req_"));
  }

  private static boolean isBlank(@Nullable String value) {
    return value == null || value.isBlank();
  }
}
