package dev.aigateway.dataplane.processor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.error.ErrorShape;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Json;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Envoy's own error replies (no route, no healthy upstream, a body over the buffer limit) in the
 * error shape of the API the client called. They reach the router point without any attempt.
 */
final class LocalReplies {
  private LocalReplies() {}

  /** The body to send instead, or null to keep it (not an error, or already in the shape). */
  static byte @Nullable [] reshape(int status, byte[] body, ClientCall call, long maxBodyBytes) {
    if (status < 400) {
      return null;
    }
    ErrorShape shape = call.errorShape();
    if (status == 413) {
      // A body (without content-length) exceeded the listener's buffer limit, which is the
      // gateway's body limit plus headroom.
      return shape.body(GatewayError.tooLarge(maxBodyBytes));
    }
    try {
      JsonNode error = Json.MAPPER.readTree(body);
      boolean anthropicShape = error.path("type").asText().equals("error");
      if (error.path("error").isObject() && anthropicShape == (shape == ErrorShape.ANTHROPIC)) {
        return null;
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: wrapped below
    }
    return shape.body(
        status,
        "The gateway could not reach an upstream (HTTP " + status + ").",
        "upstream_error",
        null,
        "upstream_" + status);
  }
}
