package dev.aigateway.dataplane.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The error body format of the API a client called: OpenAI's {@code
 * {"error":{"message","type","param","code"}}} or Anthropic's {@code
 * {"type":"error","error":{"type","message"}}}. Statuses are the same in both.
 */
public enum ErrorShape {
  OPENAI,
  ANTHROPIC;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The body of a gateway error in this shape. */
  public byte[] body(GatewayError error) {
    return body(error.status(), error.message(), error.type(), error.param(), error.code());
  }

  /**
   * An error body in this shape; the OpenAI type, param and code are used only by the OpenAI shape
   * (Anthropic's type follows from the status).
   */
  public byte[] body(
      int status,
      String message,
      String openAiType,
      @Nullable String param,
      @Nullable String code) {
    return switch (this) {
      case OPENAI -> GatewayError.body(message, openAiType, param, code);
      case ANTHROPIC -> anthropicBody(anthropicType(status), message);
    };
  }

  /** Anthropic's error body with an explicit error type. */
  public static byte[] anthropicBody(String type, String message) {
    ObjectNode root = JSON.createObjectNode();
    root.put("type", "error");
    root.putObject("error").put("type", type).put("message", message);
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Anthropic's error type for a status, per its API reference: any other 4xx is an {@code
   * invalid_request_error}; 503 (nothing available right now) reads as {@code overloaded_error},
   * other 5xx as {@code api_error}.
   */
  public static String anthropicType(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, 529 -> "overloaded_error";
      default -> status >= 500 ? "api_error" : "invalid_request_error";
    };
  }
}
