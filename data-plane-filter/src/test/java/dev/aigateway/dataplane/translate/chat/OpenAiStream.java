package dev.aigateway.dataplane.translate.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.translate.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A translated OpenAI stream, parsed and reassembled the way OpenAI clients do, after checking the
 * ordering OpenAI guarantees: role first, one finish chunk, then the optional usage-only chunk,
 * then [DONE] last.
 */
public record OpenAiStream(
    List<JsonNode> chunks,
    String content,
    Map<Integer, String[]> toolCalls,
    String finishReason,
    @Nullable JsonNode usage) {

  /** Tool call {@code index}: {id, name, arguments}. */
  public String[] toolCall(int index) {
    return toolCalls.get(index);
  }

  public static OpenAiStream parse(byte[] sse) {
    String text = new String(sse, StandardCharsets.UTF_8);
    assertThat(text).endsWith("data: [DONE]\n\n");
    List<JsonNode> chunks = new ArrayList<>();
    for (String event : text.split("\n\n")) {
      assertThat(event).startsWith("data: ");
      String data = event.substring(6);
      if (data.equals("[DONE]")) {
        continue;
      }
      try {
        chunks.add(Json.MAPPER.readTree(data));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertThat(chunks).isNotEmpty();
    assertThat(chunks.getFirst().path("choices").path(0).path("delta").path("role").asText())
        .isEqualTo("assistant");
    StringBuilder content = new StringBuilder();
    Map<Integer, String[]> calls = new TreeMap<>();
    String finish = null;
    JsonNode usage = null;
    for (JsonNode chunk : chunks) {
      assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
      JsonNode choices = chunk.path("choices");
      if (choices.isEmpty()) {
        assertThat(finish).as("usage chunk after the finish chunk").isNotNull();
        usage = chunk.get("usage");
        continue;
      }
      assertThat(finish).as("no delta after the finish chunk").isNull();
      JsonNode choice = choices.get(0);
      JsonNode delta = choice.path("delta");
      content.append(delta.path("content").asText(""));
      for (JsonNode call : delta.path("tool_calls")) {
        int index = call.path("index").asInt();
        String[] acc = calls.get(index);
        if (acc == null) {
          assertThat(call.path("id").isTextual())
              .as("first delta of a tool call has its id")
              .isTrue();
          acc =
              new String[] {
                call.get("id").asText(), call.path("function").path("name").asText(), ""
              };
          calls.put(index, acc);
        }
        acc[2] += call.path("function").path("arguments").asText("");
      }
      if (choice.path("finish_reason").isTextual()) {
        finish = choice.get("finish_reason").asText();
      }
    }
    assertThat(finish).as("a chunk with finish_reason").isNotNull();
    return new OpenAiStream(chunks, content.toString(), calls, finish, usage);
  }

  /** Feeds a translator-like function in small pieces, as Envoy may split the upstream body. */
  public static byte[] feedInPieces(
      byte[] upstream, int piece, java.util.function.BiFunction<byte[], Boolean, byte[]> feed) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int at = 0; at < upstream.length; at += piece) {
      int end = Math.min(upstream.length, at + piece);
      byte[] result =
          feed.apply(java.util.Arrays.copyOfRange(upstream, at, end), end == upstream.length);
      if (result != null) {
        out.writeBytes(result);
      }
    }
    if (upstream.length == 0) {
      byte[] result = feed.apply(new byte[0], true);
      if (result != null) {
        out.writeBytes(result);
      }
    }
    return out.toByteArray();
  }
}
