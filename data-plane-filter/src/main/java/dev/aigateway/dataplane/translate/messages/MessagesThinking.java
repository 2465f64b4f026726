package dev.aigateway.dataplane.translate.messages;

import static dev.aigateway.dataplane.translate.messages.MessagesRequests.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.chat.ReasoningEffort;
import org.jspecify.annotations.Nullable;

/**
 * Anthropic's extended {@code thinking} as chat completions' {@code reasoning_effort}: the level
 * whose budget ({@link ReasoningEffort}) is the smallest that covers the client's {@code
 * budget_tokens}, so each target's chat translator turns it back into its own budget or level.
 */
final class MessagesThinking {
  private MessagesThinking() {}

  static void toReasoningEffort(@Nullable JsonNode thinking, ObjectNode out) {
    if (thinking == null || thinking.isNull()) {
      return;
    }
    if (!thinking.isObject()) {
      throw invalid("thinking", "thinking must be an object.");
    }
    switch (thinking.path("type").asText()) {
      case "disabled" -> {}
      // Adaptive thinking lets the model choose its depth: the middle level.
      case "adaptive" -> out.put("reasoning_effort", ReasoningEffort.MEDIUM.wireName());
      case "enabled" -> {
        JsonNode budget = thinking.get("budget_tokens");
        if (budget == null || !budget.canConvertToLong() || budget.asLong() < 1) {
          throw invalid("thinking.budget_tokens", "budget_tokens must be a positive integer.");
        }
        out.put("reasoning_effort", level(budget.asLong()).wireName());
      }
      default ->
          throw invalid("thinking.type", "thinking.type must be enabled, adaptive or disabled.");
    }
  }

  static ReasoningEffort level(long budgetTokens) {
    for (ReasoningEffort effort : ReasoningEffort.values()) {
      if (effort != ReasoningEffort.NONE && budgetTokens <= effort.budgetTokens()) {
        return effort;
      }
    }
    return ReasoningEffort.HIGH;
  }
}
