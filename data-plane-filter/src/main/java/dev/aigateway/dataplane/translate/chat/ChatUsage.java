package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.usage.TokenUsage;

/**
 * Usage in OpenAI's terms: {@code promptTokens} includes the cached part, {@code completionTokens}
 * includes reasoning tokens. Provider translators convert to these meanings.
 */
public record ChatUsage(
    long promptTokens, long completionTokens, long cachedTokens, long reasoningTokens) {
  public static final ChatUsage NONE = new ChatUsage(0, 0, 0, 0);

  public TokenUsage toTokenUsage() {
    return new TokenUsage(promptTokens, completionTokens, cachedTokens);
  }

  public ObjectNode toJson() {
    ObjectNode usage = Json.MAPPER.createObjectNode();
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", completionTokens);
    usage.put("total_tokens", promptTokens + completionTokens);
    usage.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
    usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoningTokens);
    return usage;
  }
}
