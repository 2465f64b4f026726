package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * What the input APIs translated through chat completions (Anthropic's Messages, OpenAI's
 * Responses) share when they build a chat request and pass on its translator's errors.
 */
public final class ChainedRequests {
  private ChainedRequests() {}

  /** Copies a numeric sampling field; a non-number is a 400 naming it. */
  public static void copyNumber(ObjectNode body, String name, ObjectNode out) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return;
    }
    if (!value.isNumber()) {
      throw ChatRequest.invalid(name, name + " must be a number.");
    }
    out.set(name, value);
  }

  /**
   * An error of the chat translator further down, with its parameter named in the client API's
   * terms; {@code names} gives the client's name of a chat parameter, or null to keep it.
   */
  public static TranslationException renamed(
      TranslationException e, UnaryOperator<@Nullable String> names) {
    String param = e.error().param();
    String renamed = names.apply(param == null ? "" : param);
    if (param == null || renamed == null) {
      return e;
    }
    GatewayError error = e.error();
    return new TranslationException(
        new GatewayError(
            error.status(),
            error.type(),
            error.code(),
            renamed,
            error.message().replace("'" + param + "'", "'" + renamed + "'"),
            error.headers()));
  }
}
