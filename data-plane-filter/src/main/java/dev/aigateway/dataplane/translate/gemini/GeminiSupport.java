package dev.aigateway.dataplane.translate.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.ChatUsage;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** What the Gemini API and Vertex AI translators share: paths, finish reasons, usage, errors. */
public final class GeminiSupport {
  private GeminiSupport() {}

  /** The generateContent path of either schema (docs/contracts.md). */
  public static String path(ProviderConfig provider, String model, boolean stream) {
    String method = stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
    String m = encode(model);
    if (provider.schema() == ProviderSchema.GCP_VERTEX) {
      return provider.pathPrefix()
          + "/v1/projects/"
          + encode(provider.setting("project", ""))
          + "/locations/"
          + encode(provider.setting("location", ""))
          + "/publishers/google/models/"
          + m
          + method;
    }
    return provider.pathPrefix() + "/v1beta/models/" + m + method;
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Gemini's {@code finishReason} as OpenAI's; a normal stop with function calls is {@code
   * tool_calls}, as OpenAI reports it.
   */
  public static String finishReason(@Nullable String reason, boolean hasToolCalls) {
    if (reason == null) {
      return hasToolCalls ? "tool_calls" : "stop";
    }
    return switch (reason) {
      case "MAX_TOKENS" -> "length";
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" ->
          "content_filter";
      default -> hasToolCalls ? "tool_calls" : "stop";
    };
  }

  /**
   * {@code usageMetadata} in OpenAI's terms: the prompt count includes the cached part; thoughts
   * are counted apart from candidates by Gemini but inside completion tokens by OpenAI.
   */
  public static ChatUsage usage(JsonNode usage) {
    long thoughts = usage.path("thoughtsTokenCount").asLong(0);
    return new ChatUsage(
        usage.path("promptTokenCount").asLong(0) + usage.path("toolUsePromptTokenCount").asLong(0),
        usage.path("candidatesTokenCount").asLong(0) + thoughts,
        usage.path("cachedContentTokenCount").asLong(0),
        thoughts);
  }

  /**
   * Google's error ({@code {"error":{"code","message","status"}}}) in OpenAI's shape; the canonical
   * status (INVALID_ARGUMENT, NOT_FOUND, ...) becomes the code.
   */
  public static byte[] errorBody(int status, byte[] body) {
    String message = "The upstream provider answered with HTTP " + status + ".";
    String code = "upstream_" + status;
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      JsonNode error = node.isArray() ? node.path(0).path("error") : node.path("error");
      if (error.path("message").isTextual()) {
        message = error.get("message").asText();
      }
      if (error.path("status").isTextual()) {
        code = error.get("status").asText();
      }
    } catch (IOException e) {
      // keep the generic message
    }
    String type =
        switch (status) {
          case 401 -> "authentication_error";
          case 403 -> "permission_error";
          case 404 -> "not_found_error";
          case 429 -> "rate_limit_error";
          default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    return GatewayError.body(message, type, null, code);
  }
}
