package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Writes OpenAI {@code chat.completion.chunk} server-sent events in the order OpenAI guarantees:
 * the role first, then content and indexed tool-call deltas, one chunk with the finish reason, the
 * usage-only chunk when the client asked for it, and {@code [DONE]}. One instance per response.
 */
public final class ChunkWriter {
  private final boolean includeUsage;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private String id = "";
  private String model = "";
  private long created;
  private boolean started;
  private boolean finished;

  public ChunkWriter(boolean includeUsage) {
    this.includeUsage = includeUsage;
  }

  /** Sets the response identity and sends the role chunk (once). */
  public void start(String id, String model, long created) {
    if (started) {
      return;
    }
    this.id = id;
    this.model = model;
    this.created = created;
    started = true;
    ObjectNode delta = Json.MAPPER.createObjectNode().put("role", "assistant").put("content", "");
    write(delta, null);
  }

  public boolean started() {
    return started;
  }

  public boolean finished() {
    return finished;
  }

  public void content(String text) {
    if (text.isEmpty()) {
      return;
    }
    write(Json.MAPPER.createObjectNode().put("content", text), null);
  }

  /** The first chunk of a tool call: id, name and empty arguments. */
  public void toolCallStart(int index, String callId, String name) {
    ObjectNode delta = Json.MAPPER.createObjectNode();
    ObjectNode call = delta.putArray("tool_calls").addObject();
    call.put("index", index);
    call.put("id", callId);
    call.put("type", "function");
    call.putObject("function").put("name", name).put("arguments", "");
    write(delta, null);
  }

  public void toolCallArguments(int index, String fragment) {
    if (fragment.isEmpty()) {
      return;
    }
    ObjectNode delta = Json.MAPPER.createObjectNode();
    ObjectNode call = delta.putArray("tool_calls").addObject();
    call.put("index", index);
    call.putObject("function").put("arguments", fragment);
    write(delta, null);
  }

  /** The finish chunk, the usage chunk if asked for, and {@code [DONE]}. */
  public void finish(String finishReason, ChatUsage usage) {
    if (finished) {
      return;
    }
    finished = true;
    write(Json.MAPPER.createObjectNode(), finishReason);
    if (includeUsage) {
      ObjectNode chunk = envelope();
      chunk.putArray("choices");
      chunk.set("usage", usage.toJson());
      event(chunk);
    }
    done();
  }

  /** An error inside a stream, as OpenAI sends it: an event with an {@code error} object. */
  public void error(byte[] openAiErrorBody) {
    finished = true;
    out.writeBytes("data: ".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(openAiErrorBody);
    out.writeBytes("\n\n".getBytes(StandardCharsets.UTF_8));
    done();
  }

  private void done() {
    out.writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
  }

  /** The bytes written since the last call, or null when there are none. */
  public byte @Nullable [] drain() {
    if (out.size() == 0) {
      return null;
    }
    byte[] bytes = out.toByteArray();
    out.reset();
    return bytes;
  }

  private void write(ObjectNode delta, @Nullable String finishReason) {
    ObjectNode chunk = envelope();
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason);
    event(chunk);
  }

  private ObjectNode envelope() {
    ObjectNode chunk = Json.MAPPER.createObjectNode();
    chunk.put("id", id);
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", created);
    chunk.put("model", model);
    return chunk;
  }

  private void event(ObjectNode chunk) {
    try {
      out.writeBytes("data: ".getBytes(StandardCharsets.UTF_8));
      out.writeBytes(Json.MAPPER.writeValueAsBytes(chunk));
      out.writeBytes("\n\n".getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
