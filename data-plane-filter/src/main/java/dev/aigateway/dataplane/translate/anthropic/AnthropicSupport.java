package dev.aigateway.dataplane.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.ChatUsage;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What every translator to Anthropic's Messages API shares: path, headers, usage, errors. */
public final class AnthropicSupport {
  /** The API version sent when the provider settings name none (docs/contracts.md). */
  public static final String DEFAULT_VERSION = "2023-06-01";

  private AnthropicSupport() {}

  public static String messagesPath(ProviderConfig provider) {
    return provider.pathPrefix() + "/v1/messages";
  }

  /** Headers besides the credential ({@code x-api-key}, set by the credential injector). */
  public static Map<String, String> headers(ProviderConfig provider) {
    return Map.of(
        "anthropic-version",
        provider.setting("anthropic_version", DEFAULT_VERSION),
        "content-type",
        "application/json");
  }

  /** Anthropic's {@code stop_reason} as OpenAI's {@code finish_reason}. */
  public static String finishReason(@Nullable String stopReason) {
    if (stopReason == null) {
      return "stop";
    }
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> "length";
      case "tool_use" -> "tool_calls";
      case "refusal" -> "content_filter";
      default -> "stop"; // end_turn, stop_sequence, pause_turn
    };
  }

  /**
   * Anthropic's usage in OpenAI's terms: Anthropic's {@code input_tokens} excludes the tokens read
   * from and written to the prompt cache, OpenAI's {@code prompt_tokens} includes them.
   */
  public static ChatUsage usage(JsonNode usage) {
    long input = usage.path("input_tokens").asLong(0);
    long cacheRead = usage.path("cache_read_input_tokens").asLong(0);
    long cacheWrite = usage.path("cache_creation_input_tokens").asLong(0);
    long output = usage.path("output_tokens").asLong(0);
    return new ChatUsage(input + cacheRead + cacheWrite, output, cacheRead, 0);
  }

  /**
   * An Anthropic error ({@code {"type":"error","error":{"type","message"}}}) in OpenAI's shape with
   * the same status; Anthropic's error type is kept as OpenAI's {@code type} (both use
   * invalid_request_error, authentication_error, permission_error, not_found_error,
   * rate_limit_error for the same cases) and as {@code code}.
   */
  public static byte[] errorBody(int status, byte[] body) {
    String type = status >= 500 ? "api_error" : "invalid_request_error";
    String message = "The upstream provider answered with HTTP " + status + ".";
    try {
      JsonNode error = Json.MAPPER.readTree(body).path("error");
      if (error.path("type").isTextual()) {
        type = error.get("type").asText();
      }
      if (error.path("message").isTextual()) {
        message = error.get("message").asText();
      }
    } catch (IOException e) {
      // not JSON: keep the generic message, the body may echo request content
    }
    return GatewayError.body(message, openAiType(type), null, type);
  }

  private static String openAiType(String anthropicType) {
    return switch (anthropicType) {
      case "api_error", "overloaded_error" -> "server_error";
      default -> anthropicType;
    };
  }
}
