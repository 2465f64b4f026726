package dev.aigateway.fakeprovider;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a chat request asks for, whatever its schema: the texts of its messages, the tools on offer
 * and how one must be chosen, the output limit. Each responder reads its schema into one; {@link
 * Answer#to} answers it.
 *
 * @param system the system text, counted as tokens without a per-message overhead
 * @param messages the text of each message (tool results included), oldest first
 * @param lastUserText the text of the last user message, which the answer quotes
 * @param endsWithToolResult whether the last message carries a tool result (then the model answers
 *     in text)
 * @param namedTool the tool the request forces, when it names one
 * @param maxTokens the output limit, null when the request sets none
 */
record Prompt(
    String system,
    List<String> messages,
    String lastUserText,
    boolean endsWithToolResult,
    List<Tool> tools,
    Choice choice,
    @Nullable String namedTool,
    @Nullable Integer maxTokens) {

  /** A tool on offer and the JSON schema of its arguments. */
  record Tool(String name, JsonNode parameters) {}

  /** How the request lets the model use tools. */
  enum Choice {
    AUTO,
    NONE,
    REQUIRED
  }

  Prompt {
    messages = List.copyOf(messages);
    tools = List.copyOf(tools);
  }
}
