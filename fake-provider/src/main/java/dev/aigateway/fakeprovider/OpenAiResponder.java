package dev.aigateway.fakeprovider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Synthesizes OpenAI-shaped answers: a chat reply that quotes the last user message, a tool call
 * when tools are offered, embeddings, legacy completions and the model list. Token counts are words
 * plus a small per-message overhead: deterministic, not a real tokenizer.
 */
final class OpenAiResponder implements Responder {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long CREATED = 1_764_000_000L;

  @Override
  public Reply answer(FakeProvider.ReceivedRequest received) {
    return answer(received.method(), received.rawPath(), received.body());
  }

  @Override
  public Reply error(int status, String message) {
    return Reply.json(status, errorJson(message, status));
  }

  private Reply answer(String method, String path, String body) {
    if (method.equals("GET") && path.endsWith("/models")) {
      return Reply.json(200, models());
    }
    if (!method.equals("POST")) {
      return Reply.json(405, errorJson("method not allowed", 405));
    }
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (Exception e) {
      return Reply.json(400, errorJson("body is not JSON", 400));
    }
    if (request == null || !request.isObject()) {
      return Reply.json(400, errorJson("body is not a JSON object", 400));
    }
    if (path.endsWith("/chat/completions")) {
      return chat(request);
    }
    if (path.endsWith("/embeddings")) {
      return Reply.json(200, embeddings(request));
    }
    if (path.endsWith("/completions")) {
      return Reply.json(200, completion(request));
    }
    return Reply.json(404, errorJson("unknown path " + path, 404));
  }

  private Reply chat(JsonNode request) {
    String model = request.path("model").asText("fake-model");
    JsonNode messages = request.path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      return Reply.json(400, errorJson("'messages' must be a non-empty array", 400));
    }
    int promptTokens = 0;
    String lastUser = "";
    for (JsonNode message : messages) {
      String text = text(message.path("content"));
      promptTokens += words(text) + 4;
      if (message.path("role").asText().equals("user")) {
        lastUser = text;
      }
    }
    JsonNode tool = chooseTool(request, messages);
    String reply = "You said: " + lastUser;
    int completionTokens = tool != null ? 8 : words(reply);
    String id = "chatcmpl-fake-" + UUID.randomUUID().toString().substring(0, 8);
    ObjectNode usage = usage(promptTokens, completionTokens);
    if (request.path("stream").asBoolean(false)) {
      boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
      return Reply.sse(
          streamChat(id, model, reply, tool, usage, includeUsage),
          new FakeProvider.Usage(promptTokens, completionTokens));
    }
    ObjectNode message = JSON.createObjectNode().put("role", "assistant");
    if (tool != null) {
      message.putNull("content");
      message.set("tool_calls", JSON.createArrayNode().add(toolCall(tool, id, false)));
    } else {
      message.put("content", reply);
    }
    ObjectNode choice = JSON.createObjectNode().put("index", 0);
    choice.set("message", message);
    choice.put("finish_reason", tool != null ? "tool_calls" : "stop");
    ObjectNode response =
        JSON.createObjectNode()
            .put("id", id)
            .put("object", "chat.completion")
            .put("created", CREATED)
            .put("model", model);
    response.set("choices", JSON.createArrayNode().add(choice));
    response.set("usage", usage);
    return Reply.json(
        200, response.toString(), new FakeProvider.Usage(promptTokens, completionTokens));
  }

  private List<String> streamChat(
      String id,
      String model,
      String reply,
      JsonNode tool,
      ObjectNode usage,
      boolean includeUsage) {
    List<String> events = new ArrayList<>();
    events.add(
        chunk(id, model, JSON.createObjectNode().put("role", "assistant").put("content", "")));
    if (tool != null) {
      ObjectNode delta = JSON.createObjectNode();
      delta.set("tool_calls", JSON.createArrayNode().add(toolCall(tool, id, true)));
      events.add(chunk(id, model, delta));
      ObjectNode args = JSON.createObjectNode();
      ObjectNode call = JSON.createObjectNode().put("index", 0);
      call.set("function", JSON.createObjectNode().put("arguments", arguments(tool)));
      args.set("tool_calls", JSON.createArrayNode().add(call));
      events.add(chunk(id, model, args));
    } else {
      String[] parts = reply.split("(?<= )");
      for (String part : parts) {
        events.add(chunk(id, model, JSON.createObjectNode().put("content", part)));
      }
    }
    ObjectNode last = chunkNode(id, model, JSON.createObjectNode());
    ((ObjectNode) last.path("choices").get(0))
        .put("finish_reason", tool != null ? "tool_calls" : "stop");
    if (includeUsage) {
      last.putNull("usage");
    }
    events.add("data: " + last + "\n\n");
    if (includeUsage) {
      ObjectNode usageChunk =
          JSON.createObjectNode()
              .put("id", id)
              .put("object", "chat.completion.chunk")
              .put("created", CREATED)
              .put("model", model);
      usageChunk.set("choices", JSON.createArrayNode());
      usageChunk.set("usage", usage);
      events.add("data: " + usageChunk + "\n\n");
    }
    events.add("data: [DONE]\n\n");
    return events;
  }

  private static String chunk(String id, String model, ObjectNode delta) {
    return "data: " + chunkNode(id, model, delta) + "\n\n";
  }

  private static ObjectNode chunkNode(String id, String model, ObjectNode delta) {
    ObjectNode choice = JSON.createObjectNode().put("index", 0);
    choice.set("delta", delta);
    choice.putNull("finish_reason");
    ObjectNode chunk =
        JSON.createObjectNode()
            .put("id", id)
            .put("object", "chat.completion.chunk")
            .put("created", CREATED)
            .put("model", model);
    chunk.set("choices", JSON.createArrayNode().add(choice));
    return chunk;
  }

  /** The tool to call, or null: the named one, else the first, unless a tool result came last. */
  private static JsonNode chooseTool(JsonNode request, JsonNode messages) {
    JsonNode tools = request.path("tools");
    if (!tools.isArray() || tools.isEmpty()) {
      return null;
    }
    if (messages.get(messages.size() - 1).path("role").asText().equals("tool")) {
      return null;
    }
    JsonNode choice = request.path("tool_choice");
    if (choice.isTextual() && choice.asText().equals("none")) {
      return null;
    }
    String named = choice.path("function").path("name").asText(null);
    for (JsonNode tool : tools) {
      if (named == null || named.equals(tool.path("function").path("name").asText())) {
        return tool;
      }
    }
    return tools.get(0);
  }

  private static ObjectNode toolCall(JsonNode tool, String id, boolean delta) {
    ObjectNode call = JSON.createObjectNode();
    if (delta) {
      call.put("index", 0);
    }
    call.put("id", "call_" + id.substring(id.length() - 8)).put("type", "function");
    ObjectNode function =
        JSON.createObjectNode().put("name", tool.path("function").path("name").asText());
    function.put("arguments", delta ? "" : arguments(tool));
    call.set("function", function);
    return call;
  }

  private String embeddings(JsonNode request) {
    JsonNode input = request.path("input");
    List<String> inputs = new ArrayList<>();
    if (input.isArray()) {
      input.forEach(i -> inputs.add(i.isTextual() ? i.asText() : i.toString()));
    } else {
      inputs.add(input.asText());
    }
    int dimensions = request.path("dimensions").asInt(8);
    ArrayNode data = JSON.createArrayNode();
    int tokens = 0;
    for (int i = 0; i < inputs.size(); i++) {
      tokens += Math.max(1, words(inputs.get(i)));
      ArrayNode vector = JSON.createArrayNode();
      int seed = inputs.get(i).hashCode();
      for (int d = 0; d < dimensions; d++) {
        vector.add(((seed >>> (d % 31)) & 0xff) / 255.0);
      }
      ObjectNode item = JSON.createObjectNode().put("object", "embedding").put("index", i);
      item.set("embedding", vector);
      data.add(item);
    }
    ObjectNode response = JSON.createObjectNode().put("object", "list");
    response.set("data", data);
    response.put("model", request.path("model").asText("fake-embedding"));
    response.set(
        "usage", JSON.createObjectNode().put("prompt_tokens", tokens).put("total_tokens", tokens));
    return response.toString();
  }

  private String completion(JsonNode request) {
    String prompt = text(request.path("prompt"));
    String reply = " and that is all.";
    ObjectNode choice =
        JSON.createObjectNode().put("text", reply).put("index", 0).put("finish_reason", "stop");
    choice.putNull("logprobs");
    ObjectNode response =
        JSON.createObjectNode()
            .put("id", "cmpl-fake")
            .put("object", "text_completion")
            .put("created", CREATED)
            .put("model", request.path("model").asText("fake-model"));
    response.set("choices", JSON.createArrayNode().add(choice));
    response.set("usage", usage(Math.max(1, words(prompt)), words(reply)));
    return response.toString();
  }

  private static String models() {
    ObjectNode response = JSON.createObjectNode().put("object", "list");
    ArrayNode data = JSON.createArrayNode();
    for (String id : List.of("fake-model", "fake-embedding")) {
      data.add(
          JSON.createObjectNode()
              .put("id", id)
              .put("object", "model")
              .put("created", CREATED)
              .put("owned_by", "fake-provider"));
    }
    response.set("data", data);
    return response.toString();
  }

  private static ObjectNode usage(int prompt, int completion) {
    return JSON.createObjectNode()
        .put("prompt_tokens", prompt)
        .put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
  }

  private static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder text = new StringBuilder();
    if (content.isArray()) {
      for (JsonNode part : content) {
        if (part.isTextual()) {
          text.append(part.asText()).append(' ');
        } else if (part.path("type").asText().equals("text")) {
          text.append(part.path("text").asText()).append(' ');
        }
      }
    }
    return text.toString().trim();
  }

  private static int words(String text) {
    String trimmed = text.trim();
    return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
  }

  static String errorJson(String message, int status) {
    String type =
        switch (status) {
          case 401 -> "authentication_error";
          case 404 -> "not_found_error";
          case 429 -> "rate_limit_exceeded";
          default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    ObjectNode error = JSON.createObjectNode().put("message", message).put("type", type);
    error.putNull("param");
    error.putNull("code");
    ObjectNode root = JSON.createObjectNode();
    root.set("error", error);
    return root.toString();
  }

  /** Arguments that fit the tool's schema, as the other schemas' fakes give them. */
  private static String arguments(JsonNode tool) {
    return Synth.arguments(tool.path("function").path("parameters")).toString();
  }
}
