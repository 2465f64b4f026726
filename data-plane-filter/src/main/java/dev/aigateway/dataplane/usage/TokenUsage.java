package dev.aigateway.dataplane.usage;

/**
 * Token counts of one exchange; negative counts (a hostile or broken provider) read as zero.
 *
 * @param cachedInputTokens the part of {@code inputTokens} served from the provider's prompt cache
 */
public record TokenUsage(long inputTokens, long outputTokens, long cachedInputTokens) {
  public static final TokenUsage NONE = new TokenUsage(0, 0, 0);

  public TokenUsage {
    inputTokens = Math.max(0, inputTokens);
    outputTokens = Math.max(0, outputTokens);
    cachedInputTokens = Math.max(0, cachedInputTokens);
  }

  /** Input plus output, saturating at {@link Long#MAX_VALUE}. */
  public long totalTokens() {
    return Saturating.add(inputTokens, outputTokens);
  }
}
