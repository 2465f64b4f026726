package dev.aigateway.dataplane.processor;

import dev.aigateway.dataplane.error.ErrorShape;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.responses.StoredResponses;
import dev.aigateway.dataplane.usage.ClientText;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The client's request line as both processing points read it: {@code :path} still holds the
 * client's path at the attempt point, since only the attempt point rewrites it.
 *
 * @param path without the query and a trailing slash
 * @param query without the {@code ?}, empty when none
 * @param endpoint the generating API called, null for the model list, stored responses and unknown
 *     paths
 */
record ClientCall(
    String method,
    String path,
    String query,
    @Nullable Endpoint endpoint,
    @Nullable String clientRequestId) {

  static ClientCall of(Map<String, String> headers) {
    String id = headers.get("x-request-id");
    String fullPath = headers.getOrDefault(":path", "");
    int q = fullPath.indexOf('?');
    String path = q < 0 ? fullPath : fullPath.substring(0, q);
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return new ClientCall(
        headers.getOrDefault(":method", ""),
        path,
        q < 0 ? "" : fullPath.substring(q + 1),
        Endpoint.forPath(path),
        id == null || id.isBlank() ? null : ClientText.clean(id, ClientText.REQUEST_ID_MAX));
  }

  boolean modelList() {
    return path.equals("/v1/models");
  }

  boolean storedResponse() {
    return endpoint == null && StoredResponses.matches(path);
  }

  /**
   * The error shape of the API the client called: Anthropic's for its paths (also those this
   * gateway does not serve, such as {@code /v1/messages/count_tokens}), else OpenAI's.
   */
  ErrorShape errorShape() {
    if (endpoint != null) {
      return endpoint.errorShape();
    }
    return path.startsWith(Endpoint.MESSAGES.clientPath() + "/")
        ? ErrorShape.ANTHROPIC
        : ErrorShape.OPENAI;
  }

  /** The input API the client called, as the ledger records it. */
  @Nullable String inputApi() {
    if (endpoint != null) {
      return endpoint.inputApi();
    }
    if (modelList()) {
      return "models";
    }
    return storedResponse() ? "responses_stored" : null;
  }

  static long parseLong(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static String truncate(String value) {
    return value.length() > 64 ? value.substring(0, 64) + "..." : value;
  }
}
