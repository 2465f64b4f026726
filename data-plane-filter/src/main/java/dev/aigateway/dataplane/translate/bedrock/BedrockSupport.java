package dev.aigateway.dataplane.translate.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.ChatUsage;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** What translators to Bedrock's Converse API share: paths, stop reasons, usage and errors. */
public final class BedrockSupport {
  private BedrockSupport() {}

  /**
   * {@code /model/{modelId}/converse} or {@code converse-stream}; the model id is percent-encoded
   * once (ARNs and ids contain ':' and '/'), and SigV4 encodes the path again when signing.
   */
  public static String conversePath(ProviderConfig provider, String modelId, boolean stream) {
    return provider.pathPrefix()
        + "/model/"
        + URLEncoder.encode(modelId, StandardCharsets.UTF_8).replace("+", "%20")
        + (stream ? "/converse-stream" : "/converse");
  }

  /** Converse's {@code stopReason} as OpenAI's {@code finish_reason}. */
  public static String finishReason(@Nullable String stopReason) {
    if (stopReason == null) {
      return "stop";
    }
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> "length";
      case "tool_use" -> "tool_calls";
      case "guardrail_intervened", "content_filtered" -> "content_filter";
      default -> "stop"; // end_turn, stop_sequence
    };
  }

  /**
   * Converse usage in OpenAI's terms: {@code inputTokens} excludes the prompt-cache reads and
   * writes (the recorded {@code totalTokens} is the sum of all four), OpenAI's prompt tokens
   * include them.
   */
  public static ChatUsage usage(JsonNode usage) {
    long input = usage.path("inputTokens").asLong(0);
    long cacheRead = usage.path("cacheReadInputTokens").asLong(0);
    long cacheWrite = usage.path("cacheWriteInputTokens").asLong(0);
    return new ChatUsage(
        input + cacheRead + cacheWrite, usage.path("outputTokens").asLong(0), cacheRead, 0);
  }

  /**
   * A Bedrock error body ({@code {"message": "..."}}, the type is in the {@code x-amzn-ErrorType}
   * header) in OpenAI's shape; the type follows from the status as Bedrock documents its errors
   * (400 ValidationException, 403 AccessDeniedException, 404 ResourceNotFoundException, 429
   * ThrottlingException, 5xx).
   */
  public static byte[] errorBody(int status, byte[] body) {
    String message = "The upstream provider answered with HTTP " + status + ".";
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      JsonNode text = node.has("message") ? node.get("message") : node.path("Message");
      if (text.isTextual()) {
        message = text.asText();
      }
    } catch (IOException e) {
      // keep the generic message
    }
    return GatewayError.body(message, errorType(status), null, errorCode(status));
  }

  /**
   * The HTTP status Bedrock's API reference gives an exception that arrives inside a ConverseStream
   * ({@code :exception-type} names it in lower camel case).
   */
  static int exceptionStatus(String exceptionType) {
    return switch (exceptionType) {
      case "validationException" -> 400;
      case "throttlingException", "modelNotReadyException" -> 429;
      case "modelTimeoutException" -> 408;
      case "modelStreamErrorException", "modelErrorException" -> 424;
      case "serviceUnavailableException" -> 503;
      default -> 500; // internalServerException and types added later
    };
  }

  static String errorType(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 429 -> "rate_limit_error";
      case 408, 424 -> "server_error"; // the model timed out or failed, not the request
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }

  private static String errorCode(int status) {
    return switch (status) {
      case 400 -> "ValidationException";
      case 403 -> "AccessDeniedException";
      case 404 -> "ResourceNotFoundException";
      case 408 -> "ModelTimeoutException";
      case 424 -> "ModelErrorException";
      case 429 -> "ThrottlingException";
      case 500 -> "InternalServerException";
      case 503 -> "ServiceUnavailableException";
      default -> "upstream_" + status;
    };
  }
}
