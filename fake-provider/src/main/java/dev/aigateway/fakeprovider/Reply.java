package dev.aigateway.fakeprovider;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a responder answers: a status, headers and either one body or, when {@code streamed}, parts
 * written and flushed one at a time (SSE events or event-stream messages). {@code usage} is the
 * token usage the answer reports, kept by {@link FakeProvider#reportedUsage()}.
 */
record Reply(
    int status,
    String contentType,
    Map<String, String> headers,
    List<byte[]> parts,
    boolean streamed,
    @Nullable Usage usage) {

  /** Token counts as the fake reported them in the schema's own usage fields. */
  record Usage(long inputTokens, long outputTokens) {}

  Reply {
    headers = Map.copyOf(headers);
    parts = List.copyOf(parts);
  }

  static Reply json(int status, String body) {
    return json(status, body, null);
  }

  static Reply json(int status, String body, @Nullable Usage usage) {
    return new Reply(status, "application/json", Map.of(), List.of(utf8(body)), false, usage);
  }

  /** A {@code text/event-stream} answer; each event already ends with a blank line. */
  static Reply sse(List<String> events, @Nullable Usage usage) {
    return new Reply(
        200,
        "text/event-stream; charset=utf-8",
        Map.of("cache-control", "no-cache"),
        events.stream().map(Reply::utf8).toList(),
        true,
        usage);
  }

  Reply withHeaders(Map<String, String> extra) {
    return new Reply(status, contentType, extra, parts, streamed, usage);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
