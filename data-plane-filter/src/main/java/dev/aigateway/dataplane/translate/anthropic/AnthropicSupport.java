package dev.aigateway.dataplane.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.ChatModel;
import dev.aigateway.dataplane.translate.chat.ChatModel.Chat;
import dev.aigateway.dataplane.translate.chat.ChatRequest;
import dev.aigateway.dataplane.translate.chat.ChatUsage;
import dev.aigateway.dataplane.translate.chat.JsonToolMode;
import dev.aigateway.dataplane.translate.chat.ReasoningEffort;
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

  /**
   * Claude's extended thinking for an OpenAI {@code reasoning_effort} (Anthropic's Messages API,
   * and Claude models on Bedrock through {@code additionalModelRequestFields}).
   *
   * @param budgetTokens {@code thinking.budget_tokens}
   * @param maxTokens the request's token limit: the client's, or the budget plus the default answer
   *     allowance when it sent none
   */
  public record Thinking(long budgetTokens, long maxTokens) {
    public ObjectNode toJson() {
      ObjectNode thinking = Json.MAPPER.createObjectNode();
      thinking.put("type", "enabled").put("budget_tokens", budgetTokens);
      return thinking;
    }
  }

  /**
   * The thinking for a request, or null when it asks for none; checks the constraints Anthropic
   * documents for extended thinking (budget at least 1024 and below {@code max_tokens}; no
   * temperature other than 1; top_p only from 0.95 to 1; no forced tool use, so neither a required
   * or named tool_choice nor JSON output through a forced tool) as 400s that name the field.
   */
  public static @Nullable Thinking thinking(
      ChatRequest request, Chat chat, @Nullable JsonToolMode jsonMode, String schema) {
    ReasoningEffort effort = ReasoningEffort.of(request);
    if (effort == null || effort == ReasoningEffort.NONE) {
      return null;
    }
    String because = " with reasoning_effort (Claude's extended thinking) on " + schema + ".";
    JsonNode temperature = request.number("temperature");
    if (temperature != null && temperature.asDouble() != 1) {
      throw ChatRequest.unsupported("temperature", "temperature must be unset or 1" + because);
    }
    JsonNode topP = request.number("top_p");
    if (topP != null && topP.asDouble() < 0.95) {
      throw ChatRequest.unsupported("top_p", "top_p must be from 0.95 to 1" + because);
    }
    if (jsonMode != null) {
      throw ChatRequest.unsupported(
          "response_format",
          "response_format with JSON output needs a forced tool call, which is not allowed"
              + because);
    }
    if (chat.toolChoice() instanceof ChatModel.Required
        || chat.toolChoice() instanceof ChatModel.Named) {
      throw ChatRequest.unsupported("tool_choice", "tool_choice must be auto or none" + because);
    }
    long budget = effort.budgetTokens();
    Long max = request.maxTokens();
    if (max == null) {
      return new Thinking(budget, budget + AnthropicRequests.DEFAULT_MAX_TOKENS);
    }
    if (max <= budget) {
      String field = request.maxTokensField();
      throw ChatRequest.invalid(
          field,
          field
              + " must be greater than the thinking budget of reasoning_effort '"
              + effort.wireName()
              + "' ("
              + budget
              + " tokens)"
              + because);
    }
    return new Thinking(budget, max);
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
