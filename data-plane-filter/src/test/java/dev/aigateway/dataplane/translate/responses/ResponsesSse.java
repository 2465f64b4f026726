package dev.aigateway.dataplane.translate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseStreamEvent;
import dev.aigateway.dataplane.translate.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Responses API event stream, checked the way OpenAI's reference defines it (every event named by
 * its type, {@code sequence_number} 0, 1, 2, ..., created and in_progress first, one terminal event
 * last) and each event read by the official OpenAI Java SDK.
 */
record ResponsesSse(List<JsonNode> events, Response last) {

  static ResponsesSse parse(byte[] sse) {
    String text = new String(sse, StandardCharsets.UTF_8);
    List<JsonNode> events = new ArrayList<>();
    for (String block : text.split("\n\n")) {
      if (block.isBlank()) {
        continue;
      }
      String[] lines = block.split("\n");
      assertThat(lines).hasSize(2);
      assertThat(lines[0]).startsWith("event: ");
      assertThat(lines[1]).startsWith("data: ");
      JsonNode event = tree(lines[1].substring(6));
      assertThat(event.path("type").asText()).isEqualTo(lines[0].substring(7));
      assertThat(event.path("sequence_number").asInt()).isEqualTo(events.size());
      try {
        ObjectMappers.jsonMapper()
            .readValue(lines[1].substring(6), ResponseStreamEvent.class)
            .validate();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      events.add(event);
    }
    assertThat(events).hasSizeGreaterThanOrEqualTo(3);
    assertThat(events.get(0).path("type").asText()).isEqualTo("response.created");
    assertThat(events.get(1).path("type").asText()).isEqualTo("response.in_progress");
    String terminal = events.getLast().path("type").asText();
    assertThat(terminal).isIn("response.completed", "response.incomplete", "response.failed");
    for (JsonNode event : events.subList(0, events.size() - 1)) {
      assertThat(event.path("type").asText())
          .isNotIn("response.completed", "response.incomplete", "response.failed");
    }
    return new ResponsesSse(events, response(events.getLast().get("response")));
  }

  List<String> types() {
    return events.stream().map(e -> e.path("type").asText()).toList();
  }

  /** The text the {@code response.output_text.delta} events add up to. */
  String deltaText() {
    StringBuilder text = new StringBuilder();
    events.stream()
        .filter(e -> e.path("type").asText().equals("response.output_text.delta"))
        .forEach(e -> text.append(e.path("delta").asText()));
    return text.toString();
  }

  /**
   * The arguments the {@code response.function_call_arguments.delta} events of an item add up to.
   */
  String deltaArguments(String itemId) {
    StringBuilder text = new StringBuilder();
    events.stream()
        .filter(e -> e.path("type").asText().equals("response.function_call_arguments.delta"))
        .filter(e -> e.path("item_id").asText().equals(itemId))
        .forEach(e -> text.append(e.path("delta").asText()));
    return text.toString();
  }

  static Response response(JsonNode json) {
    try {
      Response response = ObjectMappers.jsonMapper().treeToValue(json, Response.class);
      response.validate();
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Response response(byte[] json) {
    return response(tree(new String(json, StandardCharsets.UTF_8)));
  }

  static JsonNode tree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
