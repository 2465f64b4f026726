package dev.aigateway.dataplane.translate.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.ChatModel;
import dev.aigateway.dataplane.translate.chat.ChatModel.Chat;
import dev.aigateway.dataplane.translate.chat.ChatModel.Message;
import dev.aigateway.dataplane.translate.chat.ChatModel.Part;
import dev.aigateway.dataplane.translate.chat.ChatParser;
import dev.aigateway.dataplane.translate.chat.ChatRequest;
import dev.aigateway.dataplane.translate.chat.ReasoningEffort;
import dev.aigateway.dataplane.translate.chat.ToolArguments;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds a Gemini {@code generateContent} body (Gemini API and Vertex AI) from an OpenAI chat. */
public final class GeminiRequests {
  private GeminiRequests() {}

  public static ObjectNode build(ChatRequest request, String schema, String model) {
    request.rejectUnsupported(
        schema, Set.of("seed", "presence_penalty", "frequency_penalty", "reasoning_effort"));
    Chat chat = ChatParser.parse(request, schema);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("contents", contents(chat.messages(), schema));
    if (!chat.system().isEmpty()) {
      ArrayNode parts = out.putObject("systemInstruction").putArray("parts");
      chat.system().forEach(text -> parts.addObject().put("text", text));
    }
    if (!chat.tools().isEmpty()) {
      ArrayNode declarations = out.putArray("tools").addObject().putArray("functionDeclarations");
      for (ChatModel.Tool t : chat.tools()) {
        ObjectNode f = declarations.addObject();
        f.put("name", t.name());
        if (t.description() != null) {
          f.put("description", t.description());
        }
        // parametersJsonSchema takes JSON Schema as OpenAI clients write it (parameters takes
        // only Google's OpenAPI subset and rejects e.g. additionalProperties).
        f.set("parametersJsonSchema", t.parameters());
      }
    }
    if (!request.parallelToolCalls() && !chat.tools().isEmpty()) {
      throw ChatRequest.unsupported(
          "parallel_tool_calls", schema + " cannot disable parallel function calls.");
    }
    if (chat.toolChoice() != null) {
      ObjectNode config = out.putObject("toolConfig").putObject("functionCallingConfig");
      switch (chat.toolChoice()) {
        case ChatModel.Auto a -> config.put("mode", "AUTO");
        case ChatModel.None n -> config.put("mode", "NONE");
        case ChatModel.Required r -> config.put("mode", "ANY");
        case ChatModel.Named n -> {
          config.put("mode", "ANY");
          config.putArray("allowedFunctionNames").add(n.name());
        }
      }
    }
    ObjectNode generation = Json.MAPPER.createObjectNode();
    Long maxTokens = request.maxTokens();
    if (maxTokens != null) {
      generation.put("maxOutputTokens", maxTokens);
    }
    copy(request, "temperature", generation, "temperature");
    copy(request, "top_p", generation, "topP");
    copy(request, "presence_penalty", generation, "presencePenalty");
    copy(request, "frequency_penalty", generation, "frequencyPenalty");
    copy(request, "seed", generation, "seed");
    List<String> stop = request.stop();
    if (!stop.isEmpty()) {
      ArrayNode sequences = generation.putArray("stopSequences");
      stop.forEach(sequences::add);
    }
    switch (chat.responseFormat()) {
      case ChatModel.PlainText p -> {}
      case ChatModel.JsonObject j -> generation.put("responseMimeType", "application/json");
      case ChatModel.JsonSchema s -> {
        generation.put("responseMimeType", "application/json");
        generation.set("responseJsonSchema", s.schema());
      }
    }
    ReasoningEffort effort = ReasoningEffort.of(request);
    if (effort != null) {
      generation.set("thinkingConfig", thinkingConfig(effort, model, schema));
    }
    if (!generation.isEmpty()) {
      out.set("generationConfig", generation);
    }
    return out;
  }

  /**
   * Gemini 3 models take a {@code thinkingLevel} (not every model every level; the upstream rejects
   * what a model lacks) and cannot turn thinking off; earlier models take a {@code thinkingBudget}
   * (0 turns it off where the model allows). The two must not be combined, so exactly one is sent.
   */
  private static ObjectNode thinkingConfig(ReasoningEffort effort, String model, String schema) {
    ObjectNode config = Json.MAPPER.createObjectNode();
    if (model.contains("gemini-3")) {
      if (effort == ReasoningEffort.NONE) {
        throw ChatRequest.unsupported(
            "reasoning_effort",
            "Gemini 3 models on " + schema + " cannot turn thinking off; use minimal or low.");
      }
      config.put("thinkingLevel", effort.name());
    } else {
      config.put("thinkingBudget", effort.budgetTokens());
    }
    return config;
  }

  private static void copy(ChatRequest request, String from, ObjectNode to, String name) {
    JsonNode value = request.number(from);
    if (value != null) {
      to.set(name, value);
    }
  }

  /**
   * Contents with roles user and model. A tool message carries only the call id, while Gemini's
   * {@code functionResponse} needs the function name: it is looked up from the assistant turn that
   * made the call.
   */
  private static ArrayNode contents(List<Message> messages, String schema) {
    Map<String, String> callNames = new HashMap<>();
    ArrayNode out = Json.MAPPER.createArrayNode();
    String lastRole = "";
    ArrayNode parts = Json.MAPPER.createArrayNode();
    for (Message message : messages) {
      String role = message instanceof ChatModel.Assistant ? "model" : "user";
      if (!role.equals(lastRole)) {
        ObjectNode content = out.addObject();
        content.put("role", role);
        parts = content.putArray("parts");
        lastRole = role;
      }
      switch (message) {
        case ChatModel.User u -> {
          for (Part p : u.parts()) {
            part(p, parts, schema);
          }
        }
        case ChatModel.Assistant a -> {
          for (Part p : a.parts()) {
            if (!(p instanceof ChatModel.Text t && t.text().isEmpty())) {
              part(p, parts, schema);
            }
          }
          for (ChatModel.ToolCall call : a.toolCalls()) {
            callNames.put(call.id(), call.name());
            ObjectNode part = parts.addObject();
            ObjectNode functionCall = part.putObject("functionCall");
            functionCall.put("name", call.name());
            functionCall.set("args", ToolArguments.parse(call.arguments()));
            String signature = ThoughtSignatures.decode(call.id());
            if (signature != null) {
              // back on the part it came on, as Gemini 3 requires
              part.put("thoughtSignature", signature);
            }
          }
        }
        case ChatModel.ToolResult r -> {
          String name = callNames.get(r.toolCallId());
          if (name == null) {
            throw ChatRequest.invalid(
                "messages",
                "The tool message for '"
                    + r.toolCallId()
                    + "' answers no tool call of an earlier assistant message.");
          }
          ObjectNode response = parts.addObject().putObject("functionResponse");
          response.put("name", name);
          response.set("response", functionResponse(r.content()));
        }
      }
    }
    return out;
  }

  /**
   * A tool result as Gemini's response object: a JSON object as is, anything else under {@code
   * output} (the key Google's API reference names for a function's output).
   */
  private static JsonNode functionResponse(String content) {
    try {
      JsonNode node = Json.MAPPER.readTree(content);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // not JSON: wrapped below
    }
    return Json.MAPPER.createObjectNode().put("output", content);
  }

  private static void part(Part part, ArrayNode parts, String schema) {
    switch (part) {
      case ChatModel.Text t -> parts.addObject().put("text", t.text());
      case ChatModel.InlineImage i ->
          parts
              .addObject()
              .putObject("inlineData")
              .put("mimeType", i.mediaType())
              .put("data", i.base64());
      case ChatModel.ImageUrl u -> {
        String mimeType = imageType(u.url());
        if (!u.url().startsWith("gs://") || mimeType == null || !schema.equals("gcp_vertex")) {
          throw ChatRequest.unsupported(
              "messages",
              schema
                  + " accepts images as base64 data URLs"
                  + (schema.equals("gcp_vertex")
                      ? " or gs:// URIs of .png/.jpg/.webp files."
                      : "."));
        }
        parts.addObject().putObject("fileData").put("mimeType", mimeType).put("fileUri", u.url());
      }
    }
  }

  private static String imageType(String url) {
    String lower = url.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".png")) {
      return "image/png";
    }
    if (lower.endsWith(".jpg") || lower.endsWith(".jpeg")) {
      return "image/jpeg";
    }
    if (lower.endsWith(".webp")) {
      return "image/webp";
    }
    return null;
  }
}
