package dev.aigateway.dataplane.translate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import java.util.Set;

/** Checks and errors of a Responses API request that every translated target shares. */
final class ResponsesRequests {
  /**
   * OpenAI's built-in tools: OpenAI runs them on its side, so a translated target (which only calls
   * the client's functions) cannot.
   */
  static final Set<String> BUILT_IN_TOOLS =
      Set.of(
          "web_search",
          "web_search_preview",
          "web_search_preview_2025_03_11",
          "web_search_2025_08_26",
          "file_search",
          "code_interpreter",
          "computer_use_preview",
          "computer_use",
          "image_generation",
          "mcp",
          "local_shell",
          "shell",
          "apply_patch",
          "custom");

  private ResponsesRequests() {}

  static TranslationException invalid(String param, String message) {
    return new TranslationException(GatewayError.invalidRequest(param, message));
  }

  /** A 400 for a built-in tool the gateway cannot run for this target, in OpenAI's shape. */
  static TranslationException toolUnavailable(String param, String type, String schema) {
    return new TranslationException(
        new GatewayError(
            400,
            "invalid_request_error",
            "unsupported_tool",
            param,
            "Tools of type '"
                + type
                + "' are not supported for "
                + schema
                + " targets: only function tools can be translated (the provider would have to"
                + " run the tool).",
            java.util.Map.of()));
  }

  /** A text field, or null when absent; a non-text value is a 400 naming it. */
  static String text(JsonNode node, String at) {
    if (!node.isTextual()) {
      throw invalid(at, at + " must be a string.");
    }
    return node.asText();
  }
}
