package dev.aigateway.dataplane.translate.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.anthropic.AnthropicSupport;
import dev.aigateway.dataplane.translate.chat.SseReader;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads token usage from an Anthropic Messages event stream that passes to the client unchanged:
 * {@code message_start} carries the input usage, each {@code message_delta} cumulative values that
 * replace the fields it names.
 */
final class AnthropicStreamUsage {
  private final SseReader reader = new SseReader();
  private @Nullable ObjectNode usage;

  void feed(byte[] chunk, boolean endOfStream) {
    for (String data : reader.feed(chunk, endOfStream)) {
      if (!data.contains("\"usage\"")) {
        continue; // only message_start and message_delta carry usage; skip parsing the rest
      }
      JsonNode event;
      try {
        event = Json.MAPPER.readTree(data);
      } catch (IOException e) {
        continue;
      }
      switch (event.path("type").asText()) {
        case "message_start" -> {
          JsonNode start = event.path("message").path("usage");
          usage = start.isObject() ? ((ObjectNode) start).deepCopy() : null;
        }
        case "message_delta" -> merge(event.path("usage"));
        default -> {
          // no usage in other events
        }
      }
    }
  }

  private void merge(JsonNode delta) {
    if (!delta.isObject()) {
      return;
    }
    ObjectNode merged = usage == null ? Json.MAPPER.createObjectNode() : usage;
    delta
        .properties()
        .forEach(
            e -> {
              if (!e.getValue().isNull()) {
                merged.set(e.getKey(), e.getValue());
              }
            });
    usage = merged;
  }

  /** The usage seen so far, or null when the stream carried none. */
  @Nullable TokenUsage usage() {
    ObjectNode u = usage;
    return u == null ? null : AnthropicSupport.usage(u).toTokenUsage();
  }
}
