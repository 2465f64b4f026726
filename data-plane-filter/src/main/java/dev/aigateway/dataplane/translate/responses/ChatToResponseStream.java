package dev.aigateway.dataplane.translate.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.SseReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns an OpenAI {@code chat.completion.chunk} stream into the Responses API's typed event stream:
 * {@code response.created}, {@code response.in_progress}, per output item {@code
 * response.output_item.added}, its deltas ({@code response.output_text.delta}, {@code
 * response.function_call_arguments.delta}, {@code response.reasoning_summary_text.delta}) and done
 * events, {@code response.output_item.done}, then {@code response.completed} (or {@code
 * response.incomplete} when the output limit or a content filter cut the answer, {@code
 * response.failed} on an error event), each with a {@code sequence_number} counting from 0.
 */
final class ChatToResponseStream {
  private final SseReader reader = new SseReader();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ResponseEnvelope envelope;
  private final String fallbackModel;

  /** Chat tool-call index to the function_call item it builds. */
  private final Map<Integer, ObjectNode> calls = new HashMap<>();

  private final Map<Integer, Integer> callOutputIndex = new HashMap<>();
  private @Nullable ObjectNode response;
  private String upstreamId = "";
  private int sequence;
  private boolean stopped;
  private @Nullable ObjectNode open;
  private int openIndex = -1;
  private final StringBuilder openText = new StringBuilder();
  private String finishReason = "stop";
  private @Nullable JsonNode usage;

  ChatToResponseStream(ResponseEnvelope envelope, String fallbackModel) {
    this.envelope = envelope;
    this.fallbackModel = fallbackModel;
  }

  /** The Responses events for this chunk of the chat stream (possibly none). */
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
      stop(); // the upstream ended without [DONE]: close the response as far as it got
    }
    byte[] bytes = out.toByteArray();
    out.reset();
    return bytes;
  }

  private void onChunk(JsonNode chunk) {
    start(chunk);
    if (chunk.has("error")) {
      fail(chunk.path("error"));
      return;
    }
    if (chunk.path("usage").isObject()) {
      usage = chunk.get("usage");
    }
    for (JsonNode choice : chunk.path("choices")) {
      JsonNode delta = choice.path("delta");
      String reasoning = ResponseItems.reasoningText(delta);
      if (!reasoning.isEmpty()) {
        reasoning(reasoning);
      }
      String text = delta.path("content").asText("");
      if (!text.isEmpty()) {
        text(text, false);
      }
      String refusal = delta.path("refusal").asText("");
      if (!refusal.isEmpty()) {
        text(refusal, true);
      }
      for (JsonNode call : delta.path("tool_calls")) {
        toolCall(call);
      }
      if (choice.path("finish_reason").isTextual()) {
        finishReason = choice.get("finish_reason").asText();
        closeOpen();
      }
    }
  }

  private void start(JsonNode chunk) {
    if (response != null) {
      return;
    }
    upstreamId = chunk.path("id").asText("");
    ObjectNode r =
        envelope.response(
            ResponseEnvelope.id("resp_", upstreamId),
            chunk.path("created").asLong(Instant.now().getEpochSecond()),
            chunk.path("model").asText(fallbackModel),
            "in_progress");
    response = r;
    emit("response.created", event().set("response", r.deepCopy()));
    emit("response.in_progress", event().set("response", r.deepCopy()));
  }

  private ArrayNode output() {
    return (ArrayNode) requireResponse().get("output");
  }

  private ObjectNode requireResponse() {
    ObjectNode r = response;
    if (r == null) {
      throw new IllegalStateException("no response started");
    }
    return r;
  }

  private void reasoning(String delta) {
    if (open == null || !"reasoning".equals(open.path("type").asText())) {
      closeOpen();
      ObjectNode item = ResponseItems.reasoning(ResponseEnvelope.id("rs_", upstreamId));
      openItem(item);
      ObjectNode added = itemEvent().put("summary_index", 0);
      added.set("part", ResponseItems.summaryText(""));
      emit("response.reasoning_summary_part.added", added);
    }
    openText.append(delta);
    emit(
        "response.reasoning_summary_text.delta",
        itemEvent().put("summary_index", 0).put("delta", delta));
  }

  private void text(String delta, boolean refusal) {
    ObjectNode current = open;
    boolean sameKind =
        current != null
            && "message".equals(current.path("type").asText())
            && refusal == current.path("refusal").asBoolean(false);
    if (!sameKind) {
      closeOpen();
      ObjectNode item =
          ResponseItems.message(
              ResponseEnvelope.id("msg_", upstreamId)
                  + (output().isEmpty() ? "" : "_" + output().size()),
              "in_progress");
      openItem(item);
      if (refusal) {
        item.put("refusal", true); // removed again when the item closes
      }
      ObjectNode added = itemEvent().put("content_index", 0);
      added.set("part", refusal ? ResponseItems.refusal("") : ResponseItems.outputText(""));
      emit("response.content_part.added", added);
    }
    openText.append(delta);
    ObjectNode event = itemEvent().put("content_index", 0).put("delta", delta);
    if (refusal) {
      emit("response.refusal.delta", event);
    } else {
      event.putArray("logprobs");
      emit("response.output_text.delta", event);
    }
  }

  private void toolCall(JsonNode call) {
    int index = call.path("index").asInt(0);
    ObjectNode item = calls.get(index);
    if (item == null) {
      closeOpen();
      item =
          ResponseItems.functionCall(
              ResponseEnvelope.id("fc_", upstreamId) + "_" + index,
              call.path("id").asText(""),
              call.path("function").path("name").asText(""),
              "",
              "in_progress");
      openItem(item);
      calls.put(index, item);
      callOutputIndex.put(index, openIndex);
    }
    String arguments = call.path("function").path("arguments").asText("");
    if (!arguments.isEmpty()) {
      item.put("arguments", item.path("arguments").asText() + arguments);
      ObjectNode event = event();
      event.put("item_id", item.path("id").asText());
      event.put("output_index", callOutputIndex.get(index));
      event.put("delta", arguments);
      emit("response.function_call_arguments.delta", event);
    }
  }

  private void openItem(ObjectNode item) {
    openIndex = output().size();
    open = item;
    openText.setLength(0);
    ObjectNode added = event().put("output_index", openIndex);
    added.set("item", item.deepCopy());
    emit("response.output_item.added", added);
  }

  /** An event about the open item: its id and output index. */
  private ObjectNode itemEvent() {
    ObjectNode current = open;
    ObjectNode event = event();
    event.put("item_id", current == null ? "" : current.path("id").asText());
    event.put("output_index", openIndex);
    return event;
  }

  private void closeOpen() {
    ObjectNode item = open;
    if (item == null) {
      return;
    }
    String text = openText.toString();
    switch (item.path("type").asText()) {
      case "reasoning" -> {
        emit(
            "response.reasoning_summary_text.done",
            itemEvent().put("summary_index", 0).put("text", text));
        ObjectNode done = itemEvent().put("summary_index", 0);
        done.set("part", ResponseItems.summaryText(text));
        emit("response.reasoning_summary_part.done", done);
        ((ArrayNode) item.get("summary")).add(ResponseItems.summaryText(text));
      }
      case "message" -> {
        boolean refusal = item.path("refusal").asBoolean(false);
        item.remove("refusal");
        ObjectNode part = refusal ? ResponseItems.refusal(text) : ResponseItems.outputText(text);
        ObjectNode done = itemEvent().put("content_index", 0);
        if (refusal) {
          emit("response.refusal.done", done.put("refusal", text));
        } else {
          done.put("text", text).putArray("logprobs");
          emit("response.output_text.done", done);
        }
        ObjectNode partDone = itemEvent().put("content_index", 0);
        partDone.set("part", part);
        emit("response.content_part.done", partDone);
        ((ArrayNode) item.get("content")).add(part);
        item.put("status", "completed");
      }
      default -> {
        ObjectNode done = itemEvent();
        done.put("name", item.path("name").asText());
        done.put("arguments", item.path("arguments").asText());
        emit("response.function_call_arguments.done", done);
        item.put("status", "completed");
      }
    }
    ObjectNode done = event().put("output_index", openIndex);
    done.set("item", item);
    emit("response.output_item.done", done);
    output().add(item);
    open = null;
    openIndex = -1;
  }

  private void fail(JsonNode error) {
    closeOpen();
    ObjectNode r = requireResponse();
    r.put("status", "failed");
    r.putObject("error")
        .put("code", error.path("code").asText("server_error"))
        .put("message", error.path("message").asText("The upstream stream failed."));
    r.set("usage", usage == null ? null : ResponsesUsage.fromChat(usage));
    emit("response.failed", event().set("response", r));
    stopped = true;
  }

  private void stop() {
    if (stopped) {
      return;
    }
    if (response == null) {
      start(Json.MAPPER.createObjectNode());
      ObjectNode error = Json.MAPPER.createObjectNode();
      error.put("code", "server_error").put("message", "The upstream stream ended empty.");
      fail(error);
      return;
    }
    stopped = true;
    closeOpen();
    ObjectNode r = requireResponse();
    ResponseEnvelope.finish(r, finishReason);
    // No usage chunk (a server that ignores include_usage): the response says none, not zero.
    r.set("usage", usage == null ? null : ResponsesUsage.fromChat(usage));
    String type =
        r.path("status").asText().equals("completed")
            ? "response.completed"
            : "response.incomplete";
    emit(type, event().set("response", r));
  }

  private ObjectNode event() {
    return Json.MAPPER.createObjectNode();
  }

  private void emit(String type, JsonNode body) {
    ObjectNode event = Json.MAPPER.createObjectNode().put("type", type);
    event.put("sequence_number", sequence++);
    event.setAll((ObjectNode) body);
    try {
      out.writeBytes(("event: " + type + "\ndata: ").getBytes(StandardCharsets.UTF_8));
      out.writeBytes(Json.MAPPER.writeValueAsBytes(event));
      out.writeBytes("\n\n".getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
