package dev.aigateway.dataplane.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.ErrorShape;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.translate.chat.ReasoningEffort;
import dev.aigateway.dataplane.usage.Saturating;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import org.jspecify.annotations.Nullable;

/**
 * The most output a request can make the provider generate, read from the fields the provider
 * honours, each checked to the range the API allows (a {@code max_tokens} of 2^63 once wrapped a
 * quota counter negative).
 *
 * @param perChoice the largest of the token-limit fields the client sent (a provider may honour
 *     either of {@code max_tokens} and {@code max_completion_tokens}), or null for none
 * @param choices how many completions the provider generates ({@code n}, {@code best_of})
 */
record OutputLimit(@Nullable Long perChoice, long choices) {
  /** The largest token limit accepted: OpenAI's schema types these fields as 32-bit integers. */
  static final long MAX_TOKENS = Integer.MAX_VALUE;

  /** OpenAI's documented maximum of {@code n}. */
  static final long MAX_CHOICES = 128;

  /** OpenAI's documented maximum of {@code best_of} (legacy completions). */
  static final long MAX_BEST_OF = 20;

  /**
   * Reads and checks the request's limits.
   *
   * @throws TranslationException with a 400 in the API's shape for a value of the wrong type or
   *     outside the API's range
   */
  static OutputLimit read(ObjectNode body, Endpoint endpoint) {
    return switch (endpoint) {
      case CHAT_COMPLETIONS ->
          new OutputLimit(
              max(
                  integer(body, "max_tokens", 1, MAX_TOKENS),
                  integer(body, "max_completion_tokens", 1, MAX_TOKENS)),
              orOne(integer(body, "n", 1, MAX_CHOICES)));
      case COMPLETIONS ->
          new OutputLimit(
              integer(body, "max_tokens", 0, MAX_TOKENS),
              Math.max(
                  orOne(integer(body, "n", 1, MAX_CHOICES)),
                  orOne(integer(body, "best_of", 0, MAX_BEST_OF))));
      case MESSAGES -> new OutputLimit(integer(body, "max_tokens", 1, MAX_TOKENS), 1);
      case RESPONSES -> new OutputLimit(integer(body, "max_output_tokens", 1, MAX_TOKENS), 1);
      // Token counts generate nothing.
      case EMBEDDINGS, RESPONSES_INPUT_TOKENS, MESSAGES_COUNT_TOKENS -> new OutputLimit(null, 1);
    };
  }

  /** What to reserve: every choice at the limit, or at {@code ceiling} when there is none. */
  long reservation(long ceiling) {
    return Saturating.multiply(perChoice != null ? perChoice : ceiling, choices);
  }

  /**
   * The limit to set when the gateway imposes one: {@code ceiling} for the answer plus the thinking
   * budget the request asks for. The provider is then held to the sum (OpenAI's and Gemini's output
   * limits count reasoning tokens, Anthropic's {@code max_tokens} must exceed {@code
   * budget_tokens}), and the sum is what is reserved; with the ceiling alone a reasoning request
   * was either refused (budget above the limit) or, left without a limit, overshot its reservation
   * by the budget. Null when {@code ceiling} is.
   */
  static @Nullable Long withThinking(@Nullable Long ceiling, ObjectNode body, Endpoint endpoint) {
    if (ceiling == null) {
      return null;
    }
    long budget =
        switch (endpoint) {
          case CHAT_COMPLETIONS -> effortBudget(body.get("reasoning_effort"));
          case RESPONSES -> effortBudget(body.path("reasoning").get("effort"));
          case MESSAGES -> thinkingBudget(body.get("thinking"));
          case COMPLETIONS, EMBEDDINGS, RESPONSES_INPUT_TOKENS, MESSAGES_COUNT_TOKENS -> 0;
        };
    return Math.min(MAX_TOKENS, Saturating.add(ceiling, budget));
  }

  /**
   * The budget of an OpenAI effort level ({@link ReasoningEffort}); a level this gateway does not
   * know is given the largest, since a provider may still honour it.
   */
  private static long effortBudget(@Nullable JsonNode effort) {
    if (effort == null || effort.isNull()) {
      return 0;
    }
    for (ReasoningEffort level : ReasoningEffort.values()) {
      if (level.wireName().equals(effort.asText())) {
        return level.budgetTokens();
      }
    }
    return ReasoningEffort.HIGH.budgetTokens();
  }

  /**
   * Anthropic's {@code thinking}: its {@code budget_tokens}, or the level that covers it when that
   * is larger (a target behind the chat translators gets the level's budget); adaptive as the
   * middle level.
   */
  private static long thinkingBudget(@Nullable JsonNode thinking) {
    if (thinking == null || !thinking.isObject()) {
      return 0;
    }
    return switch (thinking.path("type").asText()) {
      case "enabled" -> {
        long asked = Math.max(0, thinking.path("budget_tokens").asLong(0));
        for (ReasoningEffort level : ReasoningEffort.values()) {
          if (asked <= level.budgetTokens()) {
            yield level.budgetTokens();
          }
        }
        yield asked;
      }
      case "adaptive" -> ReasoningEffort.MEDIUM.budgetTokens();
      default -> 0;
    };
  }

  /**
   * The field to set when the gateway imposes a limit the client did not: the one the target
   * honours (OpenAI's reasoning models accept only {@code max_completion_tokens}, many
   * OpenAI-compatible servers only {@code max_tokens}; the translators to other schemas read
   * either). Null when the endpoint has no output limit.
   */
  static @Nullable String field(Endpoint endpoint, @Nullable ProviderSchema schema) {
    return switch (endpoint) {
      case CHAT_COMPLETIONS ->
          schema == ProviderSchema.OPENAI_COMPATIBLE ? "max_tokens" : "max_completion_tokens";
      case COMPLETIONS, MESSAGES -> "max_tokens";
      case RESPONSES -> "max_output_tokens";
      case EMBEDDINGS, RESPONSES_INPUT_TOKENS, MESSAGES_COUNT_TOKENS -> null;
    };
  }

  private static @Nullable Long max(@Nullable Long a, @Nullable Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.max(a, b);
  }

  private static long orOne(@Nullable Long value) {
    return value == null ? 1 : Math.max(1, value);
  }

  private static @Nullable Long integer(ObjectNode body, String name, long min, long max) {
    // OpenAI's wording on every API, Anthropic's included: these messages predate NumberRanges.
    return NumberField.integer(body.get(name), name, min, max, ErrorShape.OPENAI);
  }
}
