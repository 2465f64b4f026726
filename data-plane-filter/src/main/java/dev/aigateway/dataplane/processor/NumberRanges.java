package dev.aigateway.dataplane.processor;

import static dev.aigateway.dataplane.processor.NumberField.bool;
import static dev.aigateway.dataplane.processor.NumberField.decimal;
import static dev.aigateway.dataplane.processor.NumberField.integer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.ErrorShape;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.usage.ClientText;
import java.util.Iterator;
import java.util.Map;

/**
 * The sampling and shaping numbers a client sends (everything but the output limits, which {@link
 * OutputLimit} reads), checked to the ranges the client's API documents before the request goes
 * anywhere: a provider answers an out-of-range value with its own error at best, and the gateway's
 * own arithmetic (thinking budgets, embedding sizes) must never see one. Ranges are per input API:
 * OpenAI's chat and legacy completions, its Responses API and embeddings, Anthropic's Messages API.
 */
final class NumberRanges {
  /** OpenAI's documented maximum of {@code top_logprobs}. */
  static final long MAX_TOP_LOGPROBS = 20;

  /** OpenAI's documented maximum of legacy completions' {@code logprobs}. */
  static final long MAX_LEGACY_LOGPROBS = 5;

  /** OpenAI's documented range of a {@code logit_bias} value. */
  static final double MAX_LOGIT_BIAS = 100;

  /**
   * The largest {@code dimensions} accepted: above every embedding model's size (OpenAI's largest
   * is 3,072), small enough that no provider or buffer is asked for an absurd vector.
   */
  static final long MAX_DIMENSIONS = 65_536;

  /** The largest token count in any field: OpenAI's schema types them as 32-bit integers. */
  static final long MAX_TOKENS = Integer.MAX_VALUE;

  private NumberRanges() {}

  /**
   * Checks every numeric field of {@code body} for {@code endpoint}.
   *
   * @throws TranslationException a 400 in the endpoint's error shape naming the first bad field
   */
  static void check(ObjectNode body, Endpoint endpoint) {
    ErrorShape shape = endpoint.errorShape();
    switch (endpoint) {
      case CHAT_COMPLETIONS -> {
        openAiSampling(body, shape);
        bool(body.get("logprobs"), "logprobs", shape);
        integer(body.get("top_logprobs"), "top_logprobs", 0, MAX_TOP_LOGPROBS, shape);
        // Not OpenAI's, but OpenAI-compatible servers take it (vLLM: -1 means every token).
        integer(body.get("top_k"), "top_k", -1, MAX_TOKENS, shape);
      }
      case COMPLETIONS -> {
        openAiSampling(body, shape);
        integer(body.get("logprobs"), "logprobs", 0, MAX_LEGACY_LOGPROBS, shape);
        bool(body.get("echo"), "echo", shape);
      }
      case RESPONSES, RESPONSES_INPUT_TOKENS -> {
        decimal(body.get("temperature"), "temperature", 0, 2, shape);
        decimal(body.get("top_p"), "top_p", 0, 1, shape);
        integer(body.get("top_logprobs"), "top_logprobs", 0, MAX_TOP_LOGPROBS, shape);
        integer(body.get("max_tool_calls"), "max_tool_calls", 0, MAX_TOKENS, shape);
      }
      case MESSAGES, MESSAGES_COUNT_TOKENS -> {
        decimal(body.get("temperature"), "temperature", 0, 1, shape);
        decimal(body.get("top_p"), "top_p", 0, 1, shape);
        integer(body.get("top_k"), "top_k", 0, MAX_TOKENS, shape);
        JsonNode thinking = body.get("thinking");
        if (thinking != null && thinking.isObject()) {
          integer(thinking.get("budget_tokens"), "thinking.budget_tokens", 1, MAX_TOKENS, shape);
        }
      }
      case EMBEDDINGS -> integer(body.get("dimensions"), "dimensions", 1, MAX_DIMENSIONS, shape);
    }
  }

  /** What chat and legacy completions share: OpenAI's sampling parameters. */
  private static void openAiSampling(ObjectNode body, ErrorShape shape) {
    decimal(body.get("temperature"), "temperature", 0, 2, shape);
    decimal(body.get("top_p"), "top_p", 0, 1, shape);
    decimal(body.get("presence_penalty"), "presence_penalty", -2, 2, shape);
    decimal(body.get("frequency_penalty"), "frequency_penalty", -2, 2, shape);
    integer(body.get("seed"), "seed", Long.MIN_VALUE, Long.MAX_VALUE, shape);
    logitBias(body.get("logit_bias"), shape);
  }

  /** Token ids (non-negative integers, as object keys) to a bias from -100 to 100. */
  private static void logitBias(JsonNode node, ErrorShape shape) {
    if (node == null || node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      throw NumberField.wrongType("logit_bias", "an object", node, shape);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String token = entry.getKey();
      if (token.isEmpty() || token.length() > 10 || !token.chars().allMatch(Character::isDigit)) {
        throw NumberField.invalid(
            "logit_bias",
            "invalid_value",
            "Invalid key in 'logit_bias': "
                + ClientText.clean(token, 20)
                + ". You should only be submitting non-negative integers.");
      }
      decimal(entry.getValue(), "logit_bias", -MAX_LOGIT_BIAS, MAX_LOGIT_BIAS, shape);
    }
  }
}
