package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI's {@code reasoning_effort}, with the thinking-token budget each level stands for on
 * providers that take a budget instead of a level (Anthropic's {@code budget_tokens}, Gemini 2.5's
 * {@code thinkingBudget}). The budgets are the gateway's choice (OpenAI publishes none): 1024 is
 * Anthropic's documented minimum budget, 24576 Gemini 2.5 Flash's documented maximum.
 */
public enum ReasoningEffort {
  NONE(0),
  MINIMAL(1024),
  LOW(2048),
  MEDIUM(8192),
  HIGH(24576);

  private final long budgetTokens;

  ReasoningEffort(long budgetTokens) {
    this.budgetTokens = budgetTokens;
  }

  /** The thinking-token budget of this level (0 for {@link #NONE}). */
  public long budgetTokens() {
    return budgetTokens;
  }

  /** The request's {@code reasoning_effort}, or null when absent; other values are a 400. */
  public static @Nullable ReasoningEffort of(ChatRequest request) {
    JsonNode value = request.body().get("reasoning_effort");
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isTextual()) {
      for (ReasoningEffort effort : values()) {
        if (effort.name().toLowerCase(Locale.ROOT).equals(value.asText())) {
          return effort;
        }
      }
    }
    throw ChatRequest.invalid(
        "reasoning_effort", "reasoning_effort must be one of none, minimal, low, medium, high.");
  }

  /** The lower-case name OpenAI uses. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
