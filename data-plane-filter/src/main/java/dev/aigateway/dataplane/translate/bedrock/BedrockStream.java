package dev.aigateway.dataplane.translate.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.CarriedBlocks;
import dev.aigateway.dataplane.translate.chat.ChatUsage;
import dev.aigateway.dataplane.translate.chat.ChunkWriter;
import dev.aigateway.dataplane.translate.chat.JsonToolMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/**
 * Turns a ConverseStream response ({@code application/vnd.amazon.eventstream}, decoded with the AWS
 * SDK's event-stream codec, which checks each message's CRCs) into OpenAI chunks. Bedrock sends
 * {@code messageStop} before the {@code metadata} event that carries usage, so the finish chunk
 * waits for the metadata (or the end of the stream).
 */
public final class BedrockStream {
  private final MessageDecoder decoder = new MessageDecoder();
  private final ChunkWriter writer;
  private final @Nullable JsonToolMode jsonMode;
  private final String id;
  private final String model;
  private final long created;

  /** Converse content-block index to OpenAI tool-call index (-1: the JSON-mode tool). */
  private final Map<Integer, Integer> toolIndex = new HashMap<>();

  private int toolCount;

  /** Reasoning blocks since the last tool call, rebuilt from their deltas (see CarriedBlocks). */
  private ArrayNode reasoning = Json.MAPPER.createArrayNode();

  private final Map<Integer, ObjectNode> reasoningByIndex = new HashMap<>();
  private final Map<Integer, StringBuilder> reasoningText = new HashMap<>();
  private @Nullable String stopReason;
  private @Nullable ChatUsage usage;

  public BedrockStream(
      boolean includeUsage,
      @Nullable JsonToolMode jsonMode,
      String id,
      String model,
      long created) {
    this.writer = new ChunkWriter(includeUsage);
    this.jsonMode = jsonMode;
    this.id = id;
    this.model = model;
    this.created = created;
  }

  public byte @Nullable [] feed(byte[] chunk, boolean endOfStream) {
    if (!writer.finished()) {
      try {
        decoder.feed(chunk);
      } catch (RuntimeException e) {
        // A corrupt frame (CRC mismatch): nothing after it can be trusted.
        writer.start(id, model, created);
        writer.error(GatewayError.badGateway("The upstream event stream was corrupt.").body());
        return writer.drain();
      }
      List<Message> messages = decoder.getDecodedMessages();
      for (Message message : messages) {
        onMessage(message);
      }
    }
    if (endOfStream && !writer.finished()) {
      writer.start(id, model, created);
      writer.finish(finish(), usage == null ? ChatUsage.NONE : usage);
    }
    return writer.drain();
  }

  public @Nullable ChatUsage usage() {
    return usage;
  }

  private String finish() {
    return jsonMode != null && "tool_use".equals(stopReason)
        ? "stop"
        : BedrockSupport.finishReason(stopReason);
  }

  private void onMessage(Message message) {
    Map<String, HeaderValue> headers = message.getHeaders();
    String messageType = header(headers, ":message-type");
    JsonNode payload;
    try {
      payload = Json.MAPPER.readTree(new String(message.getPayload(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return;
    }
    if (!"event".equals(messageType)) {
      // exception messages: :exception-type names the error, the payload has its message
      writer.start(id, model, created);
      String type = header(headers, ":exception-type");
      writer.error(
          BedrockSupport.errorBody(BedrockSupport.exceptionStatus(type), payloadBytes(payload)));
      return;
    }
    switch (header(headers, ":event-type")) {
      case "messageStart" -> writer.start(id, model, created);
      case "contentBlockStart" -> {
        JsonNode use = payload.path("start").path("toolUse");
        if (use.isObject()) {
          int index = payload.path("contentBlockIndex").asInt();
          if (jsonMode != null && jsonMode.toolName().equals(use.path("name").asText())) {
            toolIndex.put(index, -1);
          } else {
            int openAiIndex = toolCount++;
            toolIndex.put(index, openAiIndex);
            writer.toolCallStart(
                openAiIndex,
                CarriedBlocks.attach(use.path("toolUseId").asText(), reasoning),
                use.path("name").asText());
            reasoning = Json.MAPPER.createArrayNode();
          }
        }
      }
      case "contentBlockDelta" -> {
        JsonNode delta = payload.path("delta");
        if (delta.has("text")) {
          writer.content(delta.get("text").asText());
        } else if (delta.has("toolUse")) {
          Integer index = toolIndex.get(payload.path("contentBlockIndex").asInt());
          String fragment = delta.get("toolUse").path("input").asText("");
          if (index != null && index == -1) {
            writer.content(fragment);
          } else if (index != null) {
            writer.toolCallArguments(index, fragment);
          }
        }
        if (delta.has("reasoningContent")) {
          reasoningDelta(payload.path("contentBlockIndex").asInt(), delta.get("reasoningContent"));
        }
      }
      case "contentBlockStop" -> {
        int index = payload.path("contentBlockIndex").asInt();
        StringBuilder text = reasoningText.remove(index);
        ObjectNode block = reasoningByIndex.get(index);
        if (text != null && block != null) {
          child(child(block, "reasoningContent"), "reasoningText").put("text", text.toString());
        }
      }
      case "messageStop" -> stopReason = payload.path("stopReason").asText(null);
      case "metadata" -> {
        usage = BedrockSupport.usage(payload.path("usage"));
        writer.start(id, model, created);
        writer.finish(finish(), usage);
      }
      default -> {
        // events added later
      }
    }
  }

  /** Rebuilds a reasoningContent block from its text, signature and redactedContent deltas. */
  private void reasoningDelta(int index, JsonNode delta) {
    ObjectNode block = reasoningByIndex.get(index);
    if (block == null) {
      block = Json.MAPPER.createObjectNode();
      block.putObject("reasoningContent");
      reasoningByIndex.put(index, block);
      reasoning.add(block);
    }
    ObjectNode content = (ObjectNode) block.get("reasoningContent");
    if (delta.has("redactedContent")) {
      content.set("redactedContent", delta.get("redactedContent"));
      return;
    }
    if (delta.has("text")) {
      reasoningText
          .computeIfAbsent(index, i -> new StringBuilder())
          .append(delta.get("text").asText());
      child(content, "reasoningText");
    }
    if (delta.has("signature")) {
      child(content, "reasoningText").put("signature", delta.get("signature").asText());
    }
  }

  private static ObjectNode child(ObjectNode parent, String name) {
    JsonNode child = parent.get(name);
    return child instanceof ObjectNode object ? object : parent.putObject(name);
  }

  private static byte[] payloadBytes(JsonNode payload) {
    return payload.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String header(Map<String, HeaderValue> headers, String name) {
    HeaderValue value = headers.get(name);
    return value == null ? "" : value.getString();
  }
}
