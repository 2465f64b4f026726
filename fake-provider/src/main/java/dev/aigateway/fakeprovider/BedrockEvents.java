package dev.aigateway.fakeprovider;

import static dev.aigateway.fakeprovider.Synth.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * One answer as ConverseStream sends it, each event one message of the AWS event-stream encoding
 * (headers {@code :event-type}, {@code :content-type}, {@code :message-type}): {@code
 * messageStart}, then text deltas or a {@code toolUse} start and input deltas, {@code
 * contentBlockStop}, {@code messageStop}, {@code metadata} with usage. Payloads carry the {@code p}
 * padding field real Bedrock adds.
 */
final class BedrockEvents {
  private final List<byte[]> messages = new ArrayList<>();

  private BedrockEvents() {}

  static Reply reply(Answer answer) {
    BedrockEvents events = new BedrockEvents();
    events.add("messageStart", JSON.createObjectNode().put("role", "assistant"));
    Answer.Call call = answer.call();
    if (call != null) {
      ObjectNode start = JSON.createObjectNode().put("contentBlockIndex", 0);
      start
          .putObject("start")
          .putObject("toolUse")
          .put("name", call.name())
          .put("toolUseId", call.id());
      events.add("contentBlockStart", start);
      for (String fragment : Synth.fragments(call.arguments().toString())) {
        ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", 0);
        delta.putObject("delta").putObject("toolUse").put("input", fragment);
        events.add("contentBlockDelta", delta);
      }
    } else {
      for (String piece : Synth.pieces(answer.text())) {
        ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", 0);
        delta.putObject("delta").put("text", piece);
        events.add("contentBlockDelta", delta);
      }
    }
    events.add("contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", 0));
    events.add(
        "messageStop",
        JSON.createObjectNode().put("stopReason", BedrockResponder.stopReason(answer)));
    ObjectNode metadata = JSON.createObjectNode();
    metadata.putObject("metrics").put("latencyMs", 1);
    metadata.set("usage", BedrockResponder.usage(answer));
    events.add("metadata", metadata);
    return new Reply(
        200, "application/vnd.amazon.eventstream", Map.of(), events.messages, true, answer.usage());
  }

  private void add(String eventType, ObjectNode payload) {
    payload.put("p", "abcdefghijklmnopqrstuvwxyz".substring(0, 1 + messages.size() % 26));
    Map<String, HeaderValue> headers = new LinkedHashMap<>();
    headers.put(":event-type", HeaderValue.fromString(eventType));
    headers.put(":content-type", HeaderValue.fromString("application/json"));
    headers.put(":message-type", HeaderValue.fromString("event"));
    ByteBuffer encoded =
        new Message(headers, payload.toString().getBytes(StandardCharsets.UTF_8)).toByteBuffer();
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    messages.add(bytes);
  }
}
