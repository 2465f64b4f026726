package dev.aigateway.dataplane.error;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An error the gateway answers itself, in OpenAI's shape {@code
 * {"error":{"message","type","param","code"}}}. Messages never contain keys, secrets or prompts.
 *
 * @param headers extra response headers (for example {@code retry-after} on 429)
 */
public record GatewayError(
    int status,
    String type,
    @Nullable String code,
    @Nullable String param,
    String message,
    Map<String, String> headers) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public GatewayError {
    requireNonNull(type, "type");
    requireNonNull(message, "message");
    headers = Map.copyOf(headers);
  }

  public static GatewayError invalidRequest(@Nullable String param, String message) {
    return new GatewayError(400, "invalid_request_error", null, param, message, Map.of());
  }

  public static GatewayError invalidApiKey(String message) {
    return new GatewayError(
        401, "invalid_request_error", "invalid_api_key", null, message, Map.of());
  }

  public static GatewayError modelNotAllowed(String model) {
    return new GatewayError(
        403,
        "permission_denied",
        "model_not_allowed",
        "model",
        "This API key is not allowed to use the model '" + model + "'.",
        Map.of());
  }

  public static GatewayError modelNotFound(String model) {
    return new GatewayError(
        404,
        "invalid_request_error",
        "model_not_found",
        "model",
        "The model '" + model + "' does not exist or you do not have access to it.",
        Map.of());
  }

  public static GatewayError notFound(String message) {
    return new GatewayError(404, "invalid_request_error", "not_found", null, message, Map.of());
  }

  public static GatewayError methodNotAllowed(String message) {
    return new GatewayError(
        405, "invalid_request_error", "method_not_allowed", null, message, Map.of());
  }

  public static GatewayError tooLarge(long limit) {
    return new GatewayError(
        413,
        "invalid_request_error",
        "request_too_large",
        null,
        "The request body is larger than the limit of " + limit + " bytes.",
        Map.of());
  }

  public static GatewayError unsupportedMediaType(String message) {
    return new GatewayError(
        415, "invalid_request_error", "unsupported_media_type", null, message, Map.of());
  }

  public static GatewayError badGateway(String message) {
    return new GatewayError(502, "upstream_error", "bad_gateway", null, message, Map.of());
  }

  public static GatewayError unavailable(String message) {
    return new GatewayError(503, "server_error", "service_unavailable", null, message, Map.of());
  }

  /** A bug or an unexpected failure while processing; its details go to the log, not here. */
  public static GatewayError internalError() {
    return new GatewayError(
        500,
        "server_error",
        "internal_error",
        null,
        "The gateway failed to process the request.",
        Map.of());
  }

  /** Every worker that may block is busy: the client should come back shortly. */
  public static GatewayError overloaded() {
    return new GatewayError(
        503,
        "server_error",
        "overloaded",
        null,
        "The gateway is overloaded; retry shortly.",
        Map.of("retry-after", "1"));
  }

  /** The JSON body clients receive. */
  public byte[] body() {
    return body(message, type, param, code);
  }

  /** OpenAI's error body for arbitrary values (also used to wrap non-JSON upstream errors). */
  public static byte[] body(
      String message, String type, @Nullable String param, @Nullable String code) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }
}
