package dev.aigateway.fakeprovider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the fake model says to a {@link Prompt}: text quoting the last user message, or a call of
 * one tool with arguments that fit its schema, and the tokens both took.
 */
record Answer(String text, @Nullable Call call, Stop stop, long inputTokens, long outputTokens) {

  /** A tool call; {@code id} carries the provider's prefix. */
  record Call(String id, String name, ObjectNode arguments) {}

  /** Why the answer ended, in neutral terms each schema spells its own way. */
  enum Stop {
    END,
    TOOL,
    LENGTH
  }

  /**
   * Answers {@code prompt}: a tool call when tools are offered (the named one, else the first)
   * unless the choice is none or a tool result came last; text cut to {@code maxTokens} otherwise.
   */
  static Answer to(Prompt prompt, String callIdPrefix) {
    long input = Synth.words(prompt.system());
    for (String message : prompt.messages()) {
      input += Synth.words(message) + Synth.MESSAGE_OVERHEAD;
    }
    Prompt.Tool tool = chooseTool(prompt);
    if (tool != null) {
      Call call = new Call(Synth.id(callIdPrefix), tool.name(), Synth.arguments(tool.parameters()));
      return new Answer("", call, Stop.TOOL, input, Synth.TOOL_CALL_TOKENS);
    }
    String text = Synth.reply(prompt.lastUserText());
    Integer max = prompt.maxTokens();
    if (max != null && Synth.words(text) > max) {
      List<String> words = List.of(text.split("\\s+"));
      return new Answer(
          String.join(" ", words.subList(0, Math.max(0, max))), null, Stop.LENGTH, input, max);
    }
    return new Answer(text, null, Stop.END, input, Synth.words(text));
  }

  private static Prompt.@Nullable Tool chooseTool(Prompt prompt) {
    if (prompt.tools().isEmpty()
        || prompt.choice() == Prompt.Choice.NONE
        || prompt.endsWithToolResult()) {
      return null;
    }
    for (Prompt.Tool tool : prompt.tools()) {
      if (tool.name().equals(prompt.namedTool())) {
        return tool;
      }
    }
    return prompt.tools().getFirst();
  }

  Reply.Usage usage() {
    return new Reply.Usage(inputTokens, outputTokens);
  }
}
