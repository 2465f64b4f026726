package dev.aigateway.dataplane.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.CarriedBlocks;
import dev.aigateway.dataplane.translate.chat.ChatUsage;
import dev.aigateway.dataplane.translate.chat.ChunkWriter;
import dev.aigateway.dataplane.translate.chat.JsonToolMode;
import dev.aigateway.dataplane.translate.chat.SseReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns Anthropic's streamed Messages events into OpenAI chunks. Anthropic reports input usage in
 * {@code message_start} and cumulative output usage in {@code message_delta}; a tool call's
 * arguments arrive as {@code input_json_delta} fragments of the block that {@code
 * content_block_start} opened.
 */
public final class AnthropicStream {
  private final SseReader reader = new SseReader();
  private final ChunkWriter writer;
  private final @Nullable JsonToolMode jsonMode;
  private final String fallbackModel;
  private final long created;

  /** Anthropic content-block index to OpenAI tool-call index (-1: the JSON-mode tool). */
  private final Map<Integer, Integer> toolIndex = new HashMap<>();

  private int toolCount;

  /** Thinking blocks since the last tool call, rebuilt from their deltas (see CarriedBlocks). */
  private ArrayNode thinking = Json.MAPPER.createArrayNode();

  private final Map<Integer, ObjectNode> thinkingByIndex = new HashMap<>();
  private final Map<Integer, StringBuilder> thinkingText = new HashMap<>();
  private JsonNode startUsage = Json.MAPPER.createObjectNode();
  private @Nullable String stopReason;
  private ChatUsage usage = ChatUsage.NONE;
  private boolean sawUsage;

  public AnthropicStream(
      boolean includeUsage, @Nullable JsonToolMode jsonMode, String fallbackModel, long created) {
    this.writer = new ChunkWriter(includeUsage);
    this.jsonMode = jsonMode;
    this.fallbackModel = fallbackModel;
    this.created = created;
  }

  /** The OpenAI bytes for this chunk of the upstream stream, or null when it yields none yet. */
  public byte @Nullable [] feed(byte[] chunk, boolean endOfStream) {
    for (String data : reader.feed(chunk, endOfStream)) {
      JsonNode event;
      try {
        event = Json.MAPPER.readTree(data);
      } catch (IOException e) {
        continue; // not an event this translator knows
      }
      onEvent(event);
    }
    if (endOfStream && !writer.finished()) {
      // The upstream ended without message_stop (cut off): close the stream OpenAI's way.
      writer.start("", fallbackModel, created);
      writer.finish(AnthropicSupport.finishReason(stopReason), usage);
    }
    return writer.drain();
  }

  /** Usage once the stream reported any, else null. */
  public @Nullable ChatUsage usage() {
    return sawUsage ? usage : null;
  }

  private void onEvent(JsonNode event) {
    switch (event.path("type").asText()) {
      case "message_start" -> {
        JsonNode message = event.path("message");
        startUsage =
            message.path("usage").isObject()
                ? message.path("usage")
                : Json.MAPPER.createObjectNode();
        usage = AnthropicSupport.usage(startUsage);
        sawUsage = true;
        writer.start(
            message.path("id").asText(""), message.path("model").asText(fallbackModel), created);
      }
      case "content_block_start" -> {
        JsonNode block = event.path("content_block");
        int index = event.path("index").asInt();
        String type = block.path("type").asText();
        if ("thinking".equals(type) || "redacted_thinking".equals(type)) {
          ObjectNode copy = ((ObjectNode) block).deepCopy();
          thinking.add(copy);
          thinkingByIndex.put(index, copy);
          if ("thinking".equals(type)) {
            thinkingText.put(index, new StringBuilder(block.path("thinking").asText("")));
          }
        } else if ("tool_use".equals(type)) {
          if (jsonMode != null && jsonMode.toolName().equals(block.path("name").asText())) {
            toolIndex.put(index, -1);
          } else {
            int openAiIndex = toolCount++;
            toolIndex.put(index, openAiIndex);
            writer.toolCallStart(
                openAiIndex,
                CarriedBlocks.attach(block.path("id").asText(), thinking),
                block.path("name").asText());
            thinking = Json.MAPPER.createArrayNode();
          }
        } else if ("text".equals(block.path("type").asText())) {
          writer.content(block.path("text").asText(""));
        }
      }
      case "content_block_delta" -> {
        JsonNode delta = event.path("delta");
        switch (delta.path("type").asText()) {
          case "text_delta" -> writer.content(delta.path("text").asText(""));
          case "input_json_delta" -> {
            Integer index = toolIndex.get(event.path("index").asInt());
            String fragment = delta.path("partial_json").asText("");
            if (index != null && index == -1) {
              writer.content(fragment);
            } else if (index != null) {
              writer.toolCallArguments(index, fragment);
            }
          }
          case "thinking_delta" -> {
            StringBuilder text = thinkingText.get(event.path("index").asInt());
            if (text != null) {
              text.append(delta.path("thinking").asText(""));
            }
          }
          case "signature_delta" -> {
            ObjectNode block = thinkingByIndex.get(event.path("index").asInt());
            if (block != null) {
              block.put("signature", delta.path("signature").asText(""));
            }
          }
          default -> {
            // citations_delta and others: no place in chat chunks
          }
        }
      }
      case "content_block_stop" -> {
        // a thinking block is complete: its text goes into the block carried with the next call
        StringBuilder text = thinkingText.remove(event.path("index").asInt());
        ObjectNode block = thinkingByIndex.get(event.path("index").asInt());
        if (text != null && block != null) {
          block.put("thinking", text.toString());
        }
      }
      case "message_delta" -> {
        stopReason = event.path("delta").path("stop_reason").asText(null);
        // message_delta's usage is cumulative; fields it omits keep their message_start value.
        ObjectNode merged = ((ObjectNode) startUsage).deepCopy();
        event
            .path("usage")
            .properties()
            .forEach(
                e -> {
                  if (!e.getValue().isNull()) {
                    merged.set(e.getKey(), e.getValue());
                  }
                });
        usage = AnthropicSupport.usage(merged);
        sawUsage = true;
      }
      case "message_stop" -> {
        String finish =
            jsonMode != null && "tool_use".equals(stopReason)
                ? "stop"
                : AnthropicSupport.finishReason(stopReason);
        writer.finish(finish, usage);
      }
      case "error" -> {
        int status =
            "overloaded_error".equals(event.path("error").path("type").asText()) ? 529 : 500;
        writer.error(AnthropicSupport.errorBody(status, event.toString().getBytes()));
      }
      default -> {
        // ping and unknown events
      }
    }
  }
}
