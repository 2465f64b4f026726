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
  private final Answer answer;
  private final String id;
  private final String model;
  private final List<String> events = new ArrayList<>();

  AnthropicEvents(Answer answer, String id, String model) {
    this.answer = answer;
    this.id = id;
    this.model = model;
  }

  List<String> events() {
    ObjectNode message = messageHead(id, model);
    message.putArray("content");
    message.putNull("stop_reason").putNull("stop_sequence");
    message.set("usage", usage(answer.inputTokens(), 1).put("service_tier", "standard"));
    add(event("message_start").set("message", message));
    ObjectNode start = event("content_block_start").put("index", 0);
    Answer.Call call = answer.call();
    if (call != null) {
      start
          .putObject("content_block")
          .put("type", "tool_use")
          .put("id", call.id())
          .put("name", call.name())
          .putObject("input");
      add(start);
      add(event("ping"));
      for (String fragment : Synth.fragments(call.arguments().toString())) {
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
        .put("stop_reason", AnthropicResponder.stopReason(answer))
        .putNull("stop_sequence");
    messageDelta.set("usage", usage(answer.inputTokens(), answer.outputTokens()));
    add(messageDelta);
    add(event("message_stop"));
    return List.copyOf(events);
  }

  /** The fields a message starts with: model, id, type, role. */
  static ObjectNode messageHead(String id, String model) {
    return JSON.createObjectNode()
        .put("model", model)
        .put("id", id)
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
