package dev.aigateway.dataplane.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.usage.Saturating;
import java.math.BigInteger;
import java.util.Map;
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
    JsonNode node = body.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber()) {
      throw invalid(
          name,
          "invalid_type",
          "Invalid type for '"
              + name
              + "': expected an integer, but got "
              + typeOf(node)
              + " instead.");
    }
    BigInteger value = node.bigIntegerValue();
    if (value.compareTo(BigInteger.valueOf(min)) < 0) {
      throw invalid(
          name,
          "integer_below_min_value",
          "Invalid '"
              + name
              + "': integer below minimum value. Expected a value >= "
              + min
              + ", but got "
              + shortNumber(value)
              + " instead.");
    }
    if (value.compareTo(BigInteger.valueOf(max)) > 0) {
      throw invalid(
          name,
          "integer_above_max_value",
          "Invalid '"
              + name
              + "': integer above maximum value. Expected a value <= "
              + max
              + ", but got "
              + shortNumber(value)
              + " instead.");
    }
    return value.longValueExact();
  }

  /** A number as the client sent it, unless it is absurdly long (it goes into the message). */
  private static String shortNumber(BigInteger value) {
    String s = value.toString();
    return s.length() > 40 ? s.substring(0, 20) + "..." : s;
  }

  private static String typeOf(JsonNode node) {
    return switch (node.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a decimal number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> "another type";
    };
  }

  private static TranslationException invalid(String param, String code, String message) {
    return new TranslationException(
        new GatewayError(400, "invalid_request_error", code, param, message, Map.of()));
  }
}
