package dev.aigateway.dataplane.translate;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * What goes upstream: the path (with query, if any), the body and headers the schema needs besides
 * credentials (for example {@code anthropic-version}).
 */
public record UpstreamRequest(String path, byte[] body, Map<String, String> headers) {
  public UpstreamRequest {
    requireNonNull(path, "path");
    requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }
}
