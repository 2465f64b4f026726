package dev.aigateway.dataplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseUsageFilterTest {
  private static final String STREAM =
      "data: {\"id\":\"1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}\r\n\r\n"
          + "data: {\"id\":\"1\",\"choices\":[],\"usage\": {\"prompt_tokens\":12,\"completion_tokens\":3,"
          + "\"prompt_tokens_details\":{\"cached_tokens\":4}}}\r\n\r\n"
          + "data: [DONE]\r\n\r\n";

  private static String run(SseUsageFilter filter, String stream, int chunk) {
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int at = 0; at < bytes.length; at += chunk) {
      int end = Math.min(bytes.length, at + chunk);
      byte[] part = java.util.Arrays.copyOfRange(bytes, at, end);
      byte[] result = filter.apply(part, end == bytes.length);
      out.writeBytes(result == null ? part : result);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void usageIsReadWhateverTheChunkBoundariesAndCrLfEvents() {
    for (int chunk = 1; chunk <= STREAM.length(); chunk++) {
      SseUsageFilter filter = new SseUsageFilter(false);
      assertThat(run(filter, STREAM, chunk)).isEqualTo(STREAM);
      assertThat(filter.usage().inputTokens()).isEqualTo(12);
      assertThat(filter.usage().outputTokens()).isEqualTo(3);
      assertThat(filter.usage().cachedInputTokens()).isEqualTo(4);
    }
  }

  @Test
  void strippingRemovesExactlyWhatIncludeUsageAddedWhateverTheChunkBoundaries() {
    String expected =
        "data: {\"id\":\"1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\r\n\r\n"
            + "data: [DONE]\r\n\r\n";
    for (int chunk = 1; chunk <= STREAM.length(); chunk++) {
      SseUsageFilter filter = new SseUsageFilter(true);
      assertThat(run(filter, STREAM, chunk)).as("chunk size %d", chunk).isEqualTo(expected);
      assertThat(filter.usage().inputTokens()).isEqualTo(12);
    }
  }

  @Test
  void aStreamWithoutUsagePassesUnchangedAndReportsNone() {
    String plain = "data: {\"choices\":[{\"text\":\"a\"}]}\n\ndata: [DONE]\n\n";
    SseUsageFilter filter = new SseUsageFilter(true);
    assertThat(run(filter, plain, 1000)).isEqualTo(plain);
    assertThat(filter.apply(plain.getBytes(StandardCharsets.UTF_8), false)).isNull();
    assertThat(filter.usage()).isNull();
  }
}
