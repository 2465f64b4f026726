package dev.aigateway.dataplane.translate;

import dev.aigateway.dataplane.error.ErrorShape;
import org.jspecify.annotations.Nullable;

/**
 * The client-facing endpoints that carry a model and go upstream: OpenAI's, and Anthropic's
 * Messages API.
 */
public enum Endpoint {
  CHAT_COMPLETIONS("/v1/chat/completions", "/chat/completions", ErrorShape.OPENAI),
  COMPLETIONS("/v1/completions", "/completions", ErrorShape.OPENAI),
  EMBEDDINGS("/v1/embeddings", "/embeddings", ErrorShape.OPENAI),
  /** Anthropic's Messages API as an input API (docs/providers.md). */
  MESSAGES("/v1/messages", "/messages", ErrorShape.ANTHROPIC);

  private final String clientPath;
  private final String suffix;
  private final ErrorShape errorShape;

  Endpoint(String clientPath, String suffix, ErrorShape errorShape) {
    this.clientPath = clientPath;
    this.suffix = suffix;
    this.errorShape = errorShape;
  }

  /** The shape the client's API gives its errors. */
  public ErrorShape errorShape() {
    return errorShape;
  }

  /** The path clients call, for example {@code /v1/chat/completions}. */
  public String clientPath() {
    return clientPath;
  }

  /** The path below an OpenAI-style API root, for example {@code /chat/completions}. */
  public String suffix() {
    return suffix;
  }

  /** The endpoint for a request path without its query, or null. */
  public static @Nullable Endpoint forPath(String path) {
    for (Endpoint e : values()) {
      if (e.clientPath.equals(path)) {
        return e;
      }
    }
    return null;
  }
}
