package dev.aigateway.dataplane.usage;

/**
 * Token counts of one exchange.
 *
 * @param cachedInputTokens the part of {@code inputTokens} served from the provider's prompt cache
 */
public record TokenUsage(long inputTokens, long outputTokens, long cachedInputTokens) {
  public static final TokenUsage NONE = new TokenUsage(0, 0, 0);

  public long totalTokens() {
    return inputTokens + outputTokens;
  }
}
