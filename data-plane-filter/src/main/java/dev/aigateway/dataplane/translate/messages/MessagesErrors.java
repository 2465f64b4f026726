package dev.aigateway.dataplane.translate.messages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.error.ErrorShape;
import dev.aigateway.dataplane.translate.Json;
import java.io.IOException;

/** OpenAI-shaped errors (from the upstream or a translator further down) in Anthropic's shape. */
final class MessagesErrors {
  private MessagesErrors() {}

  /** Anthropic's error body for an OpenAI error body; the type follows from the status. */
  static byte[] fromOpenAi(int status, byte[] openAiBody) {
    return ErrorShape.anthropicBody(ErrorShape.anthropicType(status), message(status, openAiBody));
  }

  /** The message of an OpenAI error body, or one naming only the status. */
  static String message(int status, byte[] openAiBody) {
    try {
      JsonNode message = Json.MAPPER.readTree(openAiBody).path("error").path("message");
      if (message.isTextual() && !message.asText().isBlank()) {
        return message.asText();
      }
    } catch (IOException e) {
      // not JSON: the body may echo request content, so only the status is named
    }
    return "The upstream provider answered with HTTP " + status + ".";
  }
}
