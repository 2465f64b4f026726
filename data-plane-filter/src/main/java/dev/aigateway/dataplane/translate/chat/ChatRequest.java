package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads an OpenAI chat completions request for translators to non-OpenAI schemas, and rejects the
 * fields a provider cannot honour with a 400 that names the field (never a silent drop).
 */
public final class ChatRequest {
  /** Fields every translator handles (or that only concern the gateway). */
  private static final Set<String> COMMON =
      Set.of(
          "model",
          "messages",
          "stream",
          "stream_options",
          "max_tokens",
          "max_completion_tokens",
          "temperature",
          "top_p",
          "stop",
          "tools",
          "tool_choice",
          "parallel_tool_calls",
          "response_format",
          "n");

  /**
   * Fields that only advise the provider (attribution, retention, tiers, caching keys, latency
   * hints): a provider without them answers the same question, so they are dropped rather than
   * refused (docs/providers.md, "Optional features").
   */
  private static final Set<String> ADVISORY =
      Set.of(
          "user",
          "safety_identifier",
          "metadata",
          "store",
          "service_tier",
          "prompt_cache_key",
          "prompt_cache_retention",
          "verbosity",
          "prediction");

  private final ObjectNode body;

  public ChatRequest(ObjectNode body) {
    this.body = body;
  }

  public ObjectNode body() {
    return body;
  }

  /**
   * Rejects every present, non-null field outside the common set and {@code extra}, except those
   * whose value is the OpenAI default (for example {@code "logprobs": false}), which asks for
   * nothing.
   */
  public void rejectUnsupported(String schema, Set<String> extra) {
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (COMMON.contains(name)
          || extra.contains(name)
          || ADVISORY.contains(name)
          || value.isNull()
          || isDefault(name, value)) {
        continue;
      }
      throw unsupported(name, "The parameter '" + name + "' is not supported by " + schema + ".");
    }
    JsonNode n = body.get("n");
    if (n != null && !n.isNull() && n.asInt(1) != 1) {
      throw unsupported("n", "Only n=1 is supported by " + schema + ".");
    }
  }

  private static boolean isDefault(String name, JsonNode value) {
    return switch (name) {
      case "logprobs", "store" -> value.isBoolean() && !value.asBoolean();
      case "presence_penalty", "frequency_penalty" -> value.isNumber() && value.asDouble() == 0;
      case "service_tier" -> "auto".equals(value.asText());
      case "modalities" ->
          value.isArray() && value.size() == 1 && "text".equals(value.get(0).asText());
      default -> false;
    };
  }

  public static TranslationException unsupported(String param, String message) {
    return new TranslationException(GatewayError.invalidRequest(param, message));
  }

  public static TranslationException invalid(String param, String message) {
    return new TranslationException(GatewayError.invalidRequest(param, message));
  }

  public boolean stream() {
    return body.path("stream").asBoolean(false);
  }

  /** Whether the client asked for the final usage chunk of a stream. */
  public boolean includeUsage() {
    return body.path("stream_options").path("include_usage").asBoolean(false);
  }

  /**
   * The name of the token-limit field the client sent ({@code max_completion_tokens} by default).
   */
  public String maxTokensField() {
    JsonNode v = body.get("max_completion_tokens");
    return (v == null || v.isNull()) && body.hasNonNull("max_tokens")
        ? "max_tokens"
        : "max_completion_tokens";
  }

  /** {@code max_completion_tokens}, else the deprecated {@code max_tokens}, else null. */
  public @Nullable Long maxTokens() {
    for (String name : new String[] {"max_completion_tokens", "max_tokens"}) {
      JsonNode v = body.get(name);
      if (v != null && !v.isNull()) {
        if (!v.canConvertToLong() || v.asLong() < 1) {
          throw invalid(name, name + " must be a positive integer.");
        }
        return v.asLong();
      }
    }
    return null;
  }

  /** A numeric sampling field, or null when absent. */
  public @Nullable JsonNode number(String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw invalid(name, name + " must be a number.");
    }
    return v;
  }

  /** {@code stop} as a list (it may be one string or an array of strings). */
  public java.util.List<String> stop() {
    JsonNode v = body.get("stop");
    if (v == null || v.isNull()) {
      return java.util.List.of();
    }
    if (v.isTextual()) {
      return java.util.List.of(v.asText());
    }
    if (v.isArray()) {
      java.util.List<String> out = new java.util.ArrayList<>();
      for (JsonNode s : v) {
        if (!s.isTextual()) {
          throw invalid("stop", "stop must be a string or an array of strings.");
        }
        out.add(s.asText());
      }
      return out;
    }
    throw invalid("stop", "stop must be a string or an array of strings.");
  }

  /** The messages array, checked to be a non-empty array of objects with a role. */
  public JsonNode messages() {
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw invalid("messages", "messages must be a non-empty array.");
    }
    for (int i = 0; i < messages.size(); i++) {
      if (!messages.get(i).isObject() || !messages.get(i).path("role").isTextual()) {
        throw invalid("messages[" + i + "]", "Each message must be an object with a role.");
      }
    }
    return messages;
  }

  /** {@code parallel_tool_calls}; true (OpenAI's default) when absent. */
  public boolean parallelToolCalls() {
    return body.path("parallel_tool_calls").asBoolean(true);
  }
}
