package dev.aigateway.fakeprovider;

import static dev.aigateway.fakeprovider.Synth.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bedrock's Converse ({@code POST /model/{modelId}/converse}, JSON) and ConverseStream ({@code
 * /converse-stream}, {@code application/vnd.amazon.eventstream}) APIs. Like bedrock-runtime it
 * wants a SigV4 {@code authorization} header and {@code x-amz-date} (the signature itself is not
 * checked: the fake knows no secret), and answers errors as {@code {"message"}} with the exception
 * name in {@code x-amzn-ErrorType}.
 */
final class BedrockResponder implements Responder {
  private static final Pattern PATH =
      Pattern.compile(".*/model/([^/]+)/(converse|converse-stream)");
  private static final Pattern SIGV4 =
      Pattern.compile(
          "AWS4-HMAC-SHA256 Credential=[^/\\s]+/\\d{8}/[a-z0-9-]+/bedrock/aws4_request,"
              + " ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}");

  @Override
  public Reply answer(FakeProvider.ReceivedRequest request) {
    Matcher path = PATH.matcher(request.rawPath());
    if (!path.matches()) {
      return error(404, "UnknownOperationException");
    }
    String authorization = request.headers().getOrDefault("authorization", "");
    if (authorization.isEmpty() || request.headers().get("x-amz-date") == null) {
      return error(403, "Missing Authentication Token");
    }
    if (!SIGV4.matcher(authorization).matches()) {
      return error(403, "Authorization header requires a SigV4 signature for service bedrock.");
    }
    JsonNode body = request.json();
    if (body == null || !body.isObject()) {
      return error(400, "The request body is not valid JSON.");
    }
    JsonNode messages = body.path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      return error(400, "A conversation must start with a user message.");
    }
    String model = URLDecoder.decode(path.group(1), StandardCharsets.UTF_8);
    Answer answer = Answer.to(prompt(body, messages), "tooluse_");
    Map<String, String> requestId = Map.of("x-amzn-RequestId", UUID.randomUUID().toString());
    if (path.group(2).equals("converse-stream")) {
      return BedrockEvents.reply(answer).withHeaders(requestId);
    }
    return Reply.json(200, converse(answer, model).toString(), answer.usage())
        .withHeaders(requestId);
  }

  private static Prompt prompt(JsonNode body, JsonNode messages) {
    List<String> texts = new ArrayList<>();
    String lastUser = "";
    boolean endsWithToolResult = false;
    for (JsonNode message : messages) {
      String text = text(message.path("content"));
      texts.add(text);
      endsWithToolResult = false;
      for (JsonNode block : message.path("content")) {
        endsWithToolResult |= block.has("toolResult");
      }
      if (message.path("role").asText().equals("user")) {
        lastUser = text;
      }
    }
    List<Prompt.Tool> tools = new ArrayList<>();
    JsonNode toolConfig = body.path("toolConfig");
    for (JsonNode tool : toolConfig.path("tools")) {
      JsonNode spec = tool.path("toolSpec");
      tools.add(new Prompt.Tool(spec.path("name").asText(), spec.path("inputSchema").path("json")));
    }
    JsonNode choice = toolConfig.path("toolChoice");
    JsonNode maxTokens = body.path("inferenceConfig").path("maxTokens");
    return new Prompt(
        text(body.path("system")),
        texts,
        lastUser,
        endsWithToolResult,
        tools,
        choice.has("any") || choice.has("tool") ? Prompt.Choice.REQUIRED : Prompt.Choice.AUTO,
        choice.path("tool").path("name").asText(null),
        maxTokens.canConvertToInt() ? maxTokens.asInt() : null);
  }

  /** The text of text blocks and of tool results' text and json blocks. */
  private static String text(JsonNode blocks) {
    List<String> texts = new ArrayList<>();
    for (JsonNode block : blocks) {
      if (block.path("text").isTextual()) {
        texts.add(block.path("text").asText());
      } else if (block.has("json")) {
        texts.add(block.path("json").toString());
      } else if (block.has("toolResult")) {
        texts.add(text(block.path("toolResult").path("content")));
      }
    }
    return String.join(" ", texts);
  }

  private static ObjectNode converse(Answer answer, String model) {
    ObjectNode response = JSON.createObjectNode();
    response.putObject("metrics").put("latencyMs", 1);
    ObjectNode message = response.putObject("output").putObject("message");
    ObjectNode block = message.putArray("content").addObject();
    Answer.Call call = answer.call();
    if (call != null) {
      ObjectNode toolUse = block.putObject("toolUse");
      toolUse.put("toolUseId", call.id()).put("name", call.name());
      toolUse.set("input", call.arguments());
    } else {
      block.put("text", answer.text());
    }
    message.put("role", "assistant");
    response.put("stopReason", stopReason(answer));
    response.set("usage", usage(answer));
    return response;
  }

  static String stopReason(Answer answer) {
    return switch (answer.stop()) {
      case END -> "end_turn";
      case TOOL -> "tool_use";
      case LENGTH -> "max_tokens";
    };
  }

  static ObjectNode usage(Answer answer) {
    return JSON.createObjectNode()
        .put("inputTokens", answer.inputTokens())
        .put("outputTokens", answer.outputTokens())
        .put("totalTokens", answer.inputTokens() + answer.outputTokens());
  }

  @Override
  public Reply error(int status, String message) {
    String type =
        switch (status) {
          case 400 -> "ValidationException";
          case 403 -> "AccessDeniedException";
          case 404 -> "ResourceNotFoundException";
          case 408 -> "ModelTimeoutException";
          case 424 -> "ModelErrorException";
          case 429 -> "ThrottlingException";
          case 503 -> "ServiceUnavailableException";
          default -> status >= 500 ? "InternalServerException" : "ValidationException";
        };
    if (status == 403 && message.equals("Missing Authentication Token")) {
      type = "MissingAuthenticationTokenException";
    }
    return Reply.json(status, JSON.createObjectNode().put("message", message).toString())
        .withHeaders(
            Map.of(
                "x-amzn-ErrorType",
                type + ":http://internal.amazon.com/coral/com.amazon.bedrock/",
                "x-amzn-RequestId",
                UUID.randomUUID().toString()));
  }
}
