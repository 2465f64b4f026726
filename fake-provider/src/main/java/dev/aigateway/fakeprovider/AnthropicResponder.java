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
    Answer answer = Answer.to(prompt(body, messages), "toolu_");
    String id = Synth.id("msg_");
    String model = body.path("model").asText();
    if (body.path("stream").asBoolean(false)) {
      return Reply.sse(new AnthropicEvents(answer, id, model).events(), answer.usage())
          .withHeaders(requestId());
    }
    return Reply.json(200, message(answer, id, model).toString(), answer.usage())
        .withHeaders(requestId());
  }

  private static Prompt prompt(JsonNode body, JsonNode messages) {
    List<String> texts = new ArrayList<>();
    String lastUser = "";
    for (JsonNode message : messages) {
      String text = text(message.path("content"));
      texts.add(text);
      if (message.path("role").asText().equals("user")) {
        lastUser = text;
      }
    }
    boolean endsWithToolResult = false;
    for (JsonNode block : messages.get(messages.size() - 1).path("content")) {
      endsWithToolResult |= block.path("type").asText().equals("tool_result");
    }
    List<Prompt.Tool> tools = new ArrayList<>();
    body.path("tools")
        .forEach(t -> tools.add(new Prompt.Tool(t.path("name").asText(), t.path("input_schema"))));
    JsonNode choice = body.path("tool_choice");
    String type = choice.path("type").asText("auto");
    return new Prompt(
        text(body.path("system")),
        texts,
        lastUser,
        endsWithToolResult,
        tools,
        switch (type) {
          case "none" -> Prompt.Choice.NONE;
          case "any", "tool" -> Prompt.Choice.REQUIRED;
          default -> Prompt.Choice.AUTO;
        },
        type.equals("tool") ? choice.path("name").asText() : null,
        body.path("max_tokens").asInt());
  }

  /** Anthropic's {@code stop_reason} for the answer. */
  static String stopReason(Answer answer) {
    return switch (answer.stop()) {
      case END -> "end_turn";
      case TOOL -> "tool_use";
      case LENGTH -> "max_tokens";
    };
  }

  private static ObjectNode message(Answer answer, String id, String model) {
    ObjectNode message = AnthropicEvents.messageHead(id, model);
    ObjectNode block = message.putArray("content").addObject();
    Answer.Call call = answer.call();
    if (call != null) {
      block.put("type", "tool_use").put("id", call.id()).put("name", call.name());
      block.set("input", call.arguments());
    } else {
      block.put("type", "text").put("text", answer.text());
    }
    message.put("stop_reason", stopReason(answer)).putNull("stop_sequence");
    message.set(
        "usage",
        AnthropicEvents.usage(answer.inputTokens(), answer.outputTokens())
            .put("service_tier", "standard"));
    return message;
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
