package dev.aigateway.fakeprovider;

import static dev.aigateway.fakeprovider.Synth.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generateContent and streamGenerateContent bodies that the Gemini API and Vertex AI share: the
 * request's contents read into a {@link Prompt}, and the answer as one {@code
 * GenerateContentResponse} or, streamed, as several on SSE ({@code data:} lines ending in CRLF
 * CRLF, usage complete only in the last). Vertex adds {@code createTime} and {@code trafficType}.
 */
final class GenerateContent {
  private static final Pattern METHOD =
      Pattern.compile(".*/models/([^/:]+):(generateContent|streamGenerateContent)");

  private final boolean vertex;

  GenerateContent(boolean vertex) {
    this.vertex = vertex;
  }

  /** The model and whether the path streams, or null when it is no generateContent path. */
  record Call(String model, boolean stream) {}

  static Call call(FakeProvider.ReceivedRequest request) {
    Matcher method = METHOD.matcher(request.rawPath());
    if (!method.matches()) {
      return null;
    }
    return new Call(method.group(1), method.group(2).equals("streamGenerateContent"));
  }

  /** The answer to a request whose credentials the caller has checked. */
  Reply answer(FakeProvider.ReceivedRequest request, Call call) {
    JsonNode body = request.json();
    if (body == null || !body.isObject()) {
      return GoogleErrors.reply(400, "Invalid JSON payload received.");
    }
    JsonNode contents = body.path("contents");
    if (!contents.isArray() || contents.isEmpty()) {
      return GoogleErrors.reply(
          400, "* GenerateContentRequest.contents: contents is not specified");
    }
    if (call.stream() && !request.query().contains("alt=sse")) {
      return GoogleErrors.reply(400, "The fake streams only with alt=sse.");
    }
    Answer answer = Answer.to(prompt(body, contents), "");
    String responseId = Synth.id("");
    if (!call.stream()) {
      ObjectNode response = response(answer, call.model(), responseId);
      response.withArray("candidates").get(0).withObject("content").set("parts", parts(answer));
      ((ObjectNode) response.path("candidates").get(0)).put("finishReason", finishReason(answer));
      response.set("usageMetadata", usage(answer, true));
      return Reply.json(200, response.toString(), answer.usage());
    }
    List<String> events = new ArrayList<>();
    List<ArrayNode> chunks = new ArrayList<>();
    if (answer.call() != null) {
      chunks.add(parts(answer));
    } else {
      for (String piece : Synth.pieces(answer.text())) {
        ArrayNode parts = JSON.createArrayNode();
        parts.addObject().put("text", piece);
        chunks.add(parts);
      }
    }
    for (int i = 0; i < chunks.size(); i++) {
      boolean last = i == chunks.size() - 1;
      ObjectNode response = response(answer, call.model(), responseId);
      ObjectNode candidate = (ObjectNode) response.path("candidates").get(0);
      candidate.withObject("content").set("parts", chunks.get(i));
      if (last) {
        candidate.put("finishReason", finishReason(answer));
      }
      response.set("usageMetadata", usage(answer, last));
      events.add("data: " + response + "\r\n\r\n");
    }
    return Reply.sse(events, answer.usage());
  }

  private ObjectNode response(Answer answer, String model, String responseId) {
    ObjectNode response = JSON.createObjectNode();
    ObjectNode candidate = response.putArray("candidates").addObject();
    candidate.putObject("content").put("role", "model");
    candidate.put("index", 0);
    response.put("modelVersion", model);
    if (vertex) {
      response.put("createTime", Instant.now().toString());
    }
    response.put("responseId", responseId);
    return response;
  }

  private static ArrayNode parts(Answer answer) {
    ArrayNode parts = JSON.createArrayNode();
    Answer.Call call = answer.call();
    if (call != null) {
      ObjectNode functionCall = parts.addObject().putObject("functionCall");
      functionCall.put("name", call.name());
      functionCall.set("args", call.arguments());
    } else {
      parts.addObject().put("text", answer.text());
    }
    return parts;
  }

  private static String finishReason(Answer answer) {
    return answer.stop() == Answer.Stop.LENGTH ? "MAX_TOKENS" : "STOP";
  }

  /** Gemini's usage; mid-stream chunks carry only the prompt's count, as recorded. */
  private ObjectNode usage(Answer answer, boolean complete) {
    ObjectNode usage = JSON.createObjectNode().put("promptTokenCount", answer.inputTokens());
    if (complete) {
      usage.put("candidatesTokenCount", answer.outputTokens());
    }
    usage.put("totalTokenCount", answer.inputTokens() + (complete ? answer.outputTokens() : 0));
    usage
        .putArray("promptTokensDetails")
        .addObject()
        .put("modality", "TEXT")
        .put("tokenCount", answer.inputTokens());
    if (vertex) {
      usage.put("trafficType", "ON_DEMAND");
    }
    return usage;
  }

  private static Prompt prompt(JsonNode body, JsonNode contents) {
    Prompt.Turns turns = new Prompt.Turns();
    for (JsonNode content : contents) {
      boolean toolResult = false;
      for (JsonNode part : content.path("parts")) {
        toolResult |= part.has("functionResponse");
      }
      turns.add(
          content.path("role").asText("user").equals("user"),
          text(content.path("parts")),
          toolResult);
    }
    List<Prompt.Tool> tools = new ArrayList<>();
    for (JsonNode tool : body.path("tools")) {
      for (JsonNode function : tool.path("functionDeclarations")) {
        JsonNode parameters =
            function.has("parametersJsonSchema")
                ? function.get("parametersJsonSchema")
                : function.path("parameters");
        tools.add(new Prompt.Tool(function.path("name").asText(), parameters));
      }
    }
    JsonNode config = body.path("toolConfig").path("functionCallingConfig");
    String mode = config.path("mode").asText("AUTO").toUpperCase(Locale.ROOT);
    JsonNode allowed = config.path("allowedFunctionNames");
    JsonNode maxTokens = body.path("generationConfig").path("maxOutputTokens");
    return turns.prompt(
        text(body.path("systemInstruction").path("parts")),
        tools,
        switch (mode) {
          case "NONE" -> Prompt.Choice.NONE;
          case "ANY" -> Prompt.Choice.REQUIRED;
          default -> Prompt.Choice.AUTO;
        },
        allowed.isArray() && allowed.size() == 1 ? allowed.get(0).asText() : null,
        maxTokens.canConvertToInt() ? maxTokens.asInt() : null);
  }

  private static String text(JsonNode parts) {
    List<String> texts = new ArrayList<>();
    for (JsonNode part : parts) {
      if (part.path("text").isTextual()) {
        texts.add(part.path("text").asText());
      } else if (part.has("functionResponse")) {
        texts.add(part.path("functionResponse").path("response").toString());
      }
    }
    return String.join(" ", texts);
  }
}
