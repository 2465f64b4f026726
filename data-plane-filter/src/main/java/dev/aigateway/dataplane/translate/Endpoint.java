package dev.aigateway.dataplane.translate;

import org.jspecify.annotations.Nullable;

/** The client-facing OpenAI endpoints that carry a model and go upstream. */
public enum Endpoint {
  CHAT_COMPLETIONS("/v1/chat/completions", "/chat/completions"),
  COMPLETIONS("/v1/completions", "/completions"),
  EMBEDDINGS("/v1/embeddings", "/embeddings");

  private final String clientPath;
  private final String suffix;

  Endpoint(String clientPath, String suffix) {
    this.clientPath = clientPath;
    this.suffix = suffix;
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
