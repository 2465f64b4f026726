package dev.aigateway.dataplane.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The generated text a client received, kept so it can be counted when the provider reports no
 * usage (a stream the client cut, a server that never sends usage). Reads the client-facing bytes:
 * server-sent events line by line (each {@code data:} JSON as it completes), or one JSON body; only
 * the string values of fields that carry generated text are kept, up to a cap.
 */
public final class DeliveredText {
  /** Field names whose string values are generated text, in the OpenAI and Anthropic shapes. */
  private static final Set<String> TEXT_FIELDS =
      Set.of(
          "content",
          "text",
          "arguments",
          "partial_json",
          "thinking",
          "reasoning_content",
          "refusal");

  /** About a million tokens; a longer reply is counted as this much. */
  private static final int MAX_CHARS = 4 << 20;

  /** A JSON body or an unfinished event line is held at most this long. */
  private static final int MAX_PENDING_BYTES = 16 << 20;

  private static final JsonFactory JSON = new JsonFactory();

  private final StringBuilder text = new StringBuilder();
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private final boolean events;

  /**
   * @param events true for a server-sent event stream, false for one JSON body
   */
  public DeliveredText(boolean events) {
    this.events = events;
  }

  /** Takes the next bytes the client received. */
  public void accept(byte[] chunk) {
    if (pending.size() + chunk.length > MAX_PENDING_BYTES) {
      pending.reset(); // a line this long is not an event worth reading
      return;
    }
    if (!events) {
      pending.writeBytes(chunk);
      return;
    }
    int start = 0;
    for (int i = 0; i < chunk.length; i++) {
      if (chunk[i] == '\n') {
        pending.write(chunk, start, i - start);
        line(pending.toByteArray());
        pending.reset();
        start = i + 1;
      }
    }
    pending.write(chunk, start, chunk.length - start);
  }

  /** The text received so far (a JSON body is read now). */
  public String text() {
    if (!events && pending.size() > 0) {
      collect(pending.toByteArray(), 0);
      pending.reset();
    }
    return text.toString();
  }

  private void line(byte[] line) {
    String head = new String(line, 0, Math.min(line.length, 5), StandardCharsets.US_ASCII);
    if (head.equals("data:")) {
      collect(line, 5);
    }
  }

  private void collect(byte[] json, int offset) {
    try (JsonParser p = JSON.createParser(json, offset, json.length - offset)) {
      String field = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME) {
          field = p.currentName();
        } else if (t == JsonToken.VALUE_STRING && field != null && TEXT_FIELDS.contains(field)) {
          append(p.getText());
        }
        if (t != JsonToken.FIELD_NAME) {
          field = null;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not JSON (a "[DONE]" marker, a torn event): nothing to count in it.
    }
  }

  private void append(String s) {
    int room = MAX_CHARS - text.length();
    if (room > 0) {
      text.append(s, 0, Math.min(room, s.length()));
    }
  }
}
