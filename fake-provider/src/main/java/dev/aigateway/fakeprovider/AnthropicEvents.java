package dev.aigateway.fakeprovider;

import static dev.aigateway.fakeprovider.Synth.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One answer as Anthropic streams it: {@code message_start}, a {@code ping}, one content block
 * ({@code text_delta}s or {@code input_json_delta}s), {@code message_delta} with the stop reason
 * and usage, {@code message_stop}; each as {@code event: <type>} plus {@code data: <json>}.
 */
final class AnthropicEvents {
  private final AnthropicResponder.Answer answer;
  private final List<String> events = new ArrayList<>();

  AnthropicEvents(AnthropicResponder.Answer answer) {
    this.answer = answer;
  }

  List<String> events() {
    ObjectNode message = messageHead(answer);
    message.putArray("content");
    message.putNull("stop_reason").putNull("stop_sequence");
    message.set("usage", usage(answer.inputTokens(), 1).put("service_tier", "standard"));
    add(event("message_start").set("message", message));
    ObjectNode start = event("content_block_start").put("index", 0);
    if (answer.tool() != null) {
      start
          .putObject("content_block")
          .put("type", "tool_use")
          .put("id", answer.toolUseId())
          .put("name", answer.tool().path("name").asText())
          .putObject("input");
      add(start);
      add(event("ping"));
      for (String fragment : Synth.fragments(answer.toolInput().toString())) {
        ObjectNode delta = event("content_block_delta").put("index", 0);
        delta.putObject("delta").put("type", "input_json_delta").put("partial_json", fragment);
        add(delta);
      }
    } else {
      start.putObject("content_block").put("type", "text").put("text", "");
      add(start);
      add(event("ping"));
      for (String piece : Synth.pieces(answer.text())) {
        ObjectNode delta = event("content_block_delta").put("index", 0);
        delta.putObject("delta").put("type", "text_delta").put("text", piece);
        add(delta);
      }
    }
    add(event("content_block_stop").put("index", 0));
    ObjectNode messageDelta = event("message_delta");
    messageDelta
        .putObject("delta")
        .put("stop_reason", answer.stopReason())
        .putNull("stop_sequence");
    messageDelta.set("usage", usage(answer.inputTokens(), answer.outputTokens()));
    add(messageDelta);
    add(event("message_stop"));
    return List.copyOf(events);
  }

  /** The fields a message starts with: model, id, type, role. */
  static ObjectNode messageHead(AnthropicResponder.Answer answer) {
    return JSON.createObjectNode()
        .put("model", answer.model())
        .put("id", answer.id())
        .put("type", "message")
        .put("role", "assistant");
  }

  /** Usage as the Messages API reports it (no prompt caching in the fake). */
  static ObjectNode usage(long input, long output) {
    return JSON.createObjectNode()
        .put("input_tokens", input)
        .put("cache_creation_input_tokens", 0)
        .put("cache_read_input_tokens", 0)
        .put("output_tokens", output);
  }

  private static ObjectNode event(String type) {
    return JSON.createObjectNode().put("type", type);
  }

  private void add(ObjectNode data) {
    events.add("event: " + data.path("type").asText() + "\ndata: " + data + "\n\n");
  }
}
