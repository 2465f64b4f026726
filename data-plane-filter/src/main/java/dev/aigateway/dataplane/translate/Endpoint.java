package dev.aigateway.dataplane.translate;

import dev.aigateway.dataplane.error.ErrorShape;
import org.jspecify.annotations.Nullable;

/**
 * The client-facing endpoints that carry a model and go upstream: OpenAI's, and Anthropic's
 * Messages API.
 */
public enum Endpoint {
  CHAT_COMPLETIONS("/v1/chat/completions", "/chat/completions", ErrorShape.OPENAI, "chat"),
  COMPLETIONS("/v1/completions", "/completions", ErrorShape.OPENAI, "completions"),
  EMBEDDINGS("/v1/embeddings", "/embeddings", ErrorShape.OPENAI, "embeddings"),
  /** OpenAI's Responses API (docs/providers.md). */
  RESPONSES("/v1/responses", "/responses", ErrorShape.OPENAI, "responses"),
  /** OpenAI's input token count of a Responses request: free, nothing generated. */
  RESPONSES_INPUT_TOKENS(
      "/v1/responses/input_tokens",
      "/responses/input_tokens",
      ErrorShape.OPENAI,
      "responses_input_tokens"),
  /** Anthropic's Messages API as an input API (docs/providers.md). */
  MESSAGES("/v1/messages", "/messages", ErrorShape.ANTHROPIC, "messages"),
  /** Anthropic's token count of a Messages request: free, nothing generated. */
  MESSAGES_COUNT_TOKENS(
      "/v1/messages/count_tokens",
      "/messages/count_tokens",
      ErrorShape.ANTHROPIC,
      "messages_count_tokens");

  private final String clientPath;
  private final String suffix;
  private final ErrorShape errorShape;
  private final String inputApi;

  Endpoint(String clientPath, String suffix, ErrorShape errorShape, String inputApi) {
    this.clientPath = clientPath;
    this.suffix = suffix;
    this.errorShape = errorShape;
    this.inputApi = inputApi;
  }

  /** The input API's name as the ledger records it (for example {@code responses}). */
  public String inputApi() {
    return inputApi;
  }

  /** Whether this endpoint only counts a request's input tokens (no generation, no quota use). */
  public boolean countsTokens() {
    return this == RESPONSES_INPUT_TOKENS || this == MESSAGES_COUNT_TOKENS;
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
