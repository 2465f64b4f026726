package dev.aigateway.dataplane.translate.messages;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.ObjectMappers;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RawMessageStreamEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An Anthropic Messages event stream read with the official Anthropic Java SDK: every event parsed
 * into its model class, validated and accumulated into the final message, as SDK clients do.
 *
 * @param names the SSE {@code event:} names in order
 */
record AnthropicSse(List<String> names, List<RawMessageStreamEvent> events, Message message) {

  static AnthropicSse parse(byte[] sse) {
    List<String> names = new ArrayList<>();
    List<RawMessageStreamEvent> events = new ArrayList<>();
    MessageAccumulator accumulator = MessageAccumulator.create();
    for (String block : new String(sse, StandardCharsets.UTF_8).split("\n\n")) {
      if (block.isBlank()) {
        continue;
      }
      String name = null;
      String data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      assertThat(name).as("event name of %s", block).isNotNull();
      assertThat(data).as("data of %s", block).isNotNull();
      if (name.equals("ping")) {
        names.add(name);
        continue; // not a RawMessageStreamEvent variant; the SDK skips it
      }
      RawMessageStreamEvent event;
      try {
        event = ObjectMappers.jsonMapper().readValue(data, RawMessageStreamEvent.class);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      event.validate();
      names.add(name);
      events.add(event);
      accumulator.accumulate(event);
    }
    return new AnthropicSse(names, events, accumulator.message());
  }

  /** The text of all text blocks. */
  String text() {
    StringBuilder text = new StringBuilder();
    message.content().forEach(b -> b.text().ifPresent(t -> text.append(t.text())));
    return text.toString();
  }
}
