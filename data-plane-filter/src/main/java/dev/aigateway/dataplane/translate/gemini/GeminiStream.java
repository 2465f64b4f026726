package dev.aigateway.dataplane.translate.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.ChatModel.ToolCall;
import dev.aigateway.dataplane.translate.chat.ChatUsage;
import dev.aigateway.dataplane.translate.chat.ChunkWriter;
import dev.aigateway.dataplane.translate.chat.SseReader;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@code streamGenerateContent?alt=sse} events into OpenAI chunks. Each event is a whole
 * {@code GenerateContentResponse}: text parts are deltas, a function call arrives complete in one
 * part, and {@code usageMetadata} (in some or all events) is cumulative, so the last one counts.
 * Events may follow the one with the finish reason (for example one carrying only a thought
 * signature), so the finish chunk is written when the upstream stream ends.
 */
public final class GeminiStream {
  private final SseReader reader = new SseReader();
  private final ChunkWriter writer;
  private final String fallbackId;
  private final String model;
  private final long created;
  private int toolCount;
  private @Nullable String finishReason;
  private boolean blocked;
  private @Nullable ChatUsage usage;

  public GeminiStream(boolean includeUsage, String fallbackId, String model, long created) {
    this.writer = new ChunkWriter(includeUsage);
    this.fallbackId = fallbackId;
    this.model = model;
    this.created = created;
  }

  public byte @Nullable [] feed(byte[] chunk, boolean endOfStream) {
    for (String data : reader.feed(chunk, endOfStream)) {
      JsonNode event;
      try {
        event = Json.MAPPER.readTree(data);
      } catch (IOException e) {
        continue;
      }
      onEvent(event);
    }
    if (endOfStream && !writer.finished()) {
      writer.start(fallbackId, model, created);
      String finish =
          blocked ? "content_filter" : GeminiSupport.finishReason(finishReason, toolCount > 0);
      writer.finish(finish, usage == null ? ChatUsage.NONE : usage);
    }
    return writer.drain();
  }

  public @Nullable ChatUsage usage() {
    return usage;
  }

  private void onEvent(JsonNode event) {
    if (event.has("error")) {
      writer.start(fallbackId, model, created);
      writer.error(
          GeminiSupport.errorBody(
              event.path("error").path("code").asInt(500), event.toString().getBytes()));
      return;
    }
    writer.start(
        event.path("responseId").asText(fallbackId),
        event.path("modelVersion").asText(model),
        created);
    if (event.has("usageMetadata")) {
      usage = GeminiSupport.usage(event.get("usageMetadata"));
    }
    if (event.path("promptFeedback").has("blockReason")) {
      blocked = true;
    }
    JsonNode candidate = event.path("candidates").path(0);
    for (JsonNode part : candidate.path("content").path("parts")) {
      if (part.path("thought").asBoolean(false)) {
        continue;
      }
      if (part.has("text")) {
        writer.content(part.get("text").asText());
      } else if (part.has("functionCall")) {
        ToolCall call = GeminiResponses.toolCall(part);
        int index = toolCount++;
        writer.toolCallStart(index, call.id(), call.name());
        writer.toolCallArguments(index, call.arguments());
      }
    }
    if (candidate.path("finishReason").isTextual()) {
      finishReason = candidate.get("finishReason").asText();
    }
  }
}
