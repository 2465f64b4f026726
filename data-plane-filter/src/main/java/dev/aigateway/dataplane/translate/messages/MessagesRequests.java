package dev.aigateway.dataplane.translate.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Translator.TranslationException;

/** Checks of an Anthropic Messages API request that every target needs. */
final class MessagesRequests {
  private MessagesRequests() {}

  /** {@code max_tokens}, which Anthropic requires and the gateway reserves against quotas. */
  static long maxTokens(ObjectNode body) {
    JsonNode max = body.get("max_tokens");
    if (max == null || max.isNull()) {
      throw invalid("max_tokens", "max_tokens: Field required.");
    }
    if (!max.canConvertToLong() || max.asLong() < 1) {
      throw invalid("max_tokens", "max_tokens must be a positive integer.");
    }
    return max.asLong();
  }

  /** The {@code messages} array, checked to be a non-empty array of objects. */
  static JsonNode messages(ObjectNode body) {
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw invalid("messages", "messages must be a non-empty array.");
    }
    for (int i = 0; i < messages.size(); i++) {
      if (!messages.get(i).isObject()) {
        throw invalid("messages[" + i + "]", "Each message must be an object.");
      }
    }
    return messages;
  }

  static TranslationException invalid(String param, String message) {
    return new TranslationException(GatewayError.invalidRequest(param, message));
  }
}
