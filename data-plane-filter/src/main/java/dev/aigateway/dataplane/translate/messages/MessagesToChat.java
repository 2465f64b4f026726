package dev.aigateway.dataplane.translate.messages;

import static dev.aigateway.dataplane.translate.messages.MessagesRequests.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.translate.chat.ChainedRequests;
import java.util.Map;
import java.util.Set;

/**
 * Builds an OpenAI chat completions request from an Anthropic Messages API request. Fields and
 * content blocks chat completions cannot express are a 400 that names them (docs/providers.md).
 */
final class MessagesToChat {
  private static final Set<String> SUPPORTED =
      Set.of(
          "model",
          "messages",
          "max_tokens",
          "system",
          "metadata",
          "stop_sequences",
          "stream",
          "temperature",
          "top_p",
          "tools",
          "tool_choice",
          "thinking");

  /**
   * Fields that only advise Anthropic (sampling cut-off, tier, context management): a target
   * without them answers the same question, so they are dropped rather than refused.
   */
  private static final Set<String> ADVISORY = Set.of("top_k", "service_tier", "context_management");

  private MessagesToChat() {}

  /**
   * The chat request; {@code schema} is the target's, which picks the name of the output limit
   * (OpenAI's reasoning models accept only {@code max_completion_tokens}, many OpenAI-compatible
   * servers only {@code max_tokens}).
   */
  static ObjectNode convert(ObjectNode body, ProviderSchema schema) {
    rejectUnsupported(body, schema);
    long maxTokens = MessagesRequests.maxTokens(body);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("model", body.get("model"));
    ArrayNode messages = out.putArray("messages");
    system(body.get("system"), messages);
    JsonNode in = MessagesRequests.messages(body);
    for (int i = 0; i < in.size(); i++) {
      message(in.get(i), "messages[" + i + "]", messages);
    }
    out.put(
        schema == ProviderSchema.OPENAI_COMPATIBLE ? "max_tokens" : "max_completion_tokens",
        maxTokens);
    ChainedRequests.copyNumber(body, "temperature", out);
    ChainedRequests.copyNumber(body, "top_p", out);
    JsonNode stop = body.get("stop_sequences");
    if (stop != null && !stop.isNull()) {
      if (!stop.isArray()) {
        throw invalid("stop_sequences", "stop_sequences must be an array of strings.");
      }
      out.set("stop", stop);
    }
    ArrayNode tools = MessagesTools.tools(body.get("tools"));
    if (!tools.isEmpty()) {
      out.set("tools", tools);
    }
    MessagesTools.toolChoice(body.get("tool_choice"), !tools.isEmpty(), out);
    MessagesThinking.toReasoningEffort(body.get("thinking"), out);
    JsonNode metadata = body.get("metadata");
    if (metadata != null && !metadata.isNull()) {
      metadata(metadata, out);
    }
    if (body.path("stream").asBoolean(false)) {
      out.put("stream", true);
      // Chat completions report usage only when asked; the gateway meters every request.
      out.putObject("stream_options").put("include_usage", true);
    }
    return out;
  }

  private static void rejectUnsupported(ObjectNode body, ProviderSchema schema) {
    for (Map.Entry<String, JsonNode> field : body.properties()) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (!SUPPORTED.contains(name) && !ADVISORY.contains(name) && !value.isNull()) {
        throw invalid(
            name,
            "The parameter '" + name + "' is not supported by " + schema.wireName() + " targets.");
      }
    }
  }

  private static void metadata(JsonNode metadata, ObjectNode out) {
    if (!metadata.isObject()) {
      throw invalid("metadata", "metadata must be an object.");
    }
    for (Map.Entry<String, JsonNode> field : metadata.properties()) {
      // Other metadata only labels the request for Anthropic: dropped.
      if (field.getKey().equals("user_id") && field.getValue().isTextual()) {
        out.put("user", field.getValue().asText());
      }
    }
  }

  private static void system(JsonNode system, ArrayNode messages) {
    if (system == null || system.isNull()) {
      return;
    }
    if (system.isTextual()) {
      if (!system.asText().isEmpty()) {
        messages.addObject().put("role", "system").put("content", system.asText());
      }
      return;
    }
    if (!system.isArray()) {
      throw invalid("system", "system must be a string or an array of text blocks.");
    }
    ArrayNode parts = Json.MAPPER.createArrayNode();
    for (int i = 0; i < system.size(); i++) {
      parts.add(MessagesContent.text(system.get(i), "system[" + i + "]"));
    }
    if (!parts.isEmpty()) {
      messages.addObject().put("role", "system").set("content", parts);
    }
  }

  private static void message(JsonNode message, String at, ArrayNode out) {
    JsonNode content = message.get("content");
    if (content == null || !(content.isTextual() || content.isArray())) {
      throw invalid(at + ".content", "content must be a string or an array of content blocks.");
    }
    switch (message.path("role").asText()) {
      case "user" -> MessagesContent.user(content, at + ".content", out);
      case "assistant" -> MessagesContent.assistant(content, at + ".content", out);
      default ->
          throw invalid(
              at + ".role",
              "Unexpected role '"
                  + message.path("role").asText()
                  + "' (expected: user, assistant).");
    }
  }

  /** An error of a translator further down, with OpenAI's parameter names in Anthropic's terms. */
  static TranslationException renamed(TranslationException e) {
    return ChainedRequests.renamed(
        e,
        param ->
            switch (param) {
              case "user" -> "metadata.user_id";
              case "stop" -> "stop_sequences";
              case "max_completion_tokens", "max_tokens" -> "max_tokens";
              case "parallel_tool_calls" -> "tool_choice.disable_parallel_tool_use";
              case "reasoning_effort" -> "thinking";
              default -> null;
            });
  }
}
