package dev.aigateway.dataplane.translate.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.ErrorShape;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.SseReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns an OpenAI {@code chat.completion.chunk} stream into Anthropic's Messages event stream:
 * {@code message_start}, per content block {@code content_block_start}, {@code content_block_delta}
 * ({@code text_delta} or {@code input_json_delta}) and {@code content_block_stop}, then {@code
 * message_delta} with the stop reason and usage, and {@code message_stop}. Chat completions report
 * usage only at the end, so {@code message_start} carries zero tokens and {@code message_delta} the
 * totals (which Anthropic's clients take as cumulative).
 */
final class ChatToMessageStream {
  private final SseReader reader = new SseReader();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final String fallbackModel;

  /** OpenAI tool-call index to Anthropic content-block index. */
  private final Map<Integer, Integer> toolBlocks = new HashMap<>();

  private boolean started;
  private boolean stopped;
  private int nextBlock;
  private int openBlock = -1;
  private boolean openIsText;
  private @Nullable String finishReason;
  private JsonNode usage = Json.MAPPER.createObjectNode();

  ChatToMessageStream(String fallbackModel) {
    this.fallbackModel = fallbackModel;
  }

  /** The Anthropic events for this chunk of the OpenAI stream (possibly none). */
  byte[] feed(byte[] chunk, boolean endOfStream) {
    for (String data : reader.feed(chunk, endOfStream)) {
      if (stopped) {
        break;
      }
      if (data.equals("[DONE]")) {
        stop();
        continue;
      }
      JsonNode event;
      try {
        event = Json.MAPPER.readTree(data);
      } catch (IOException e) {
        continue; // not an event this translator knows
      }
      onChunk(event);
    }
    if (endOfStream && !stopped) {
      stop(); // the upstream ended without [DONE]: close the message as far as it got
    }
    byte[] bytes = out.toByteArray();
    out.reset();
    return bytes;
  }

  private void onChunk(JsonNode chunk) {
    if (chunk.has("error")) {
      JsonNode error = chunk.path("error");
      int status = "server_error".equals(error.path("type").asText()) ? 500 : 400;
      ObjectNode event = Json.MAPPER.createObjectNode().put("type", "error");
      event
          .putObject("error")
          .put("type", ErrorShape.anthropicType(status))
          .put("message", error.path("message").asText("The upstream stream failed."));
      write("error", event);
      stopped = true;
      return;
    }
    start(chunk);
    if (chunk.path("usage").isObject()) {
      usage = chunk.get("usage");
    }
    for (JsonNode choice : chunk.path("choices")) {
      JsonNode delta = choice.path("delta");
      String text = delta.path("content").asText("");
      if (text.isEmpty()) {
        text = delta.path("refusal").asText("");
      }
      if (!text.isEmpty()) {
        text(text);
      }
      for (JsonNode call : delta.path("tool_calls")) {
        toolCall(call);
      }
      if (choice.path("finish_reason").isTextual()) {
        finishReason = choice.get("finish_reason").asText();
        closeBlock();
      }
    }
  }

  private void start(JsonNode chunk) {
    if (started) {
      return;
    }
    started = true;
    ObjectNode message = Json.MAPPER.createObjectNode();
    message.put("id", chunk.path("id").asText(""));
    message.put("type", "message");
    message.put("role", "assistant");
    message.put("model", chunk.path("model").asText(fallbackModel));
    message.putArray("content");
    message.putNull("stop_reason");
    message.putNull("stop_sequence");
    message.set("usage", ChatToMessage.usage(Json.MAPPER.createObjectNode()));
    ObjectNode event = Json.MAPPER.createObjectNode().put("type", "message_start");
    event.set("message", message);
    write("message_start", event);
    write("ping", Json.MAPPER.createObjectNode().put("type", "ping"));
  }

  private void text(String text) {
    if (openBlock < 0 || !openIsText) {
      closeBlock();
      ObjectNode block = Json.MAPPER.createObjectNode().put("type", "text").put("text", "");
      openBlock(block, true);
    }
    ObjectNode delta = Json.MAPPER.createObjectNode().put("type", "text_delta").put("text", text);
    delta(openBlock, delta);
  }

  private void toolCall(JsonNode call) {
    int index = call.path("index").asInt(0);
    Integer block = toolBlocks.get(index);
    if (block == null) {
      closeBlock();
      ObjectNode toolUse = Json.MAPPER.createObjectNode().put("type", "tool_use");
      toolUse.put("id", call.path("id").asText(""));
      toolUse.put("name", call.path("function").path("name").asText(""));
      toolUse.putObject("input");
      block = openBlock(toolUse, false);
      toolBlocks.put(index, block);
    }
    String arguments = call.path("function").path("arguments").asText("");
    if (!arguments.isEmpty()) {
      ObjectNode delta = Json.MAPPER.createObjectNode().put("type", "input_json_delta");
      delta.put("partial_json", arguments);
      delta(block, delta);
    }
  }

  private int openBlock(ObjectNode contentBlock, boolean text) {
    int index = nextBlock++;
    ObjectNode event = Json.MAPPER.createObjectNode().put("type", "content_block_start");
    event.put("index", index);
    event.set("content_block", contentBlock);
    write("content_block_start", event);
    openBlock = index;
    openIsText = text;
    return index;
  }

  private void delta(int index, ObjectNode delta) {
    ObjectNode event = Json.MAPPER.createObjectNode().put("type", "content_block_delta");
    event.put("index", index);
    event.set("delta", delta);
    write("content_block_delta", event);
  }

  private void closeBlock() {
    if (openBlock < 0) {
      return;
    }
    ObjectNode event = Json.MAPPER.createObjectNode().put("type", "content_block_stop");
    write("content_block_stop", event.put("index", openBlock));
    openBlock = -1;
  }

  private void stop() {
    if (stopped || !started) {
      stopped = true;
      return;
    }
    stopped = true;
    closeBlock();
    ObjectNode event = Json.MAPPER.createObjectNode().put("type", "message_delta");
    event
        .putObject("delta")
        .put("stop_reason", ChatToMessage.stopReason(finishReason))
        .putNull("stop_sequence");
    event.set("usage", ChatToMessage.usage(usage));
    write("message_delta", event);
    write("message_stop", Json.MAPPER.createObjectNode().put("type", "message_stop"));
  }

  private void write(String name, ObjectNode event) {
    try {
      out.writeBytes(("event: " + name + "\ndata: ").getBytes(StandardCharsets.UTF_8));
      out.writeBytes(Json.MAPPER.writeValueAsBytes(event));
      out.writeBytes("\n\n".getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
