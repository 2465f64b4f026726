package dev.aigateway.fakeprovider;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/** vcrpy cassettes of the non-OpenAI providers are read and replayed byte for byte. */
class CassetteReplayTest {
  private FakeProvider provider;

  @BeforeEach
  void start() throws Exception {
    provider = FakeProvider.start(0, Duration.ZERO);
  }

  @AfterEach
  void stop() {
    provider.close();
  }

  private static Cassette fixture(String path) throws Exception {
    return Cassette.read(Path.of(System.getProperty("gateway.fixtures"), path));
  }

  @Test
  void aRecordedBedrockEventStreamIsReplayedMessageByMessage() throws Exception {
    Cassette cassette =
        fixture(
            "bedrock-recordings/opentelemetry-python-contrib/"
                + "test_converse_stream_with_content_tool_call.yaml");
    Cassette.Interaction recorded = cassette.interactions().getFirst();
    provider.replay(cassette);

    HttpResponse<byte[]> response = post("/model/m/converse-stream");
    MessageDecoder decoder = new MessageDecoder();
    decoder.feed(ByteBuffer.wrap(response.body()));
    List<Message> messages = decoder.getDecodedMessages();

    assertThat(recorded.path()).isEqualTo("/model/amazon.nova-micro-v1%3A0/converse-stream");
    assertThat(response.body()).isEqualTo(recorded.responseBytes());
    assertThat(response.headers().firstValue("content-type"))
        .contains("application/vnd.amazon.eventstream");
    assertThat(messages.getFirst().getHeaders().get(":event-type").getString())
        .isEqualTo("messageStart");
    assertThat(messages.getLast().getHeaders().get(":event-type").getString())
        .isEqualTo("metadata");
  }

  @Test
  void aRecordedAnthropicStreamIsReplayedAsRecorded() throws Exception {
    Cassette cassette =
        fixture("anthropic-recordings/openllmetry/test_anthropic_tools_streaming_legacy.yaml");
    provider.replay(cassette);

    HttpResponse<byte[]> response = post("/v1/messages");

    assertThat(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(cassette.interactions().getFirst().responseBody())
        .startsWith("event: message_start");
  }

  @Test
  void parsedBodiesOfPydanticAiCassettesBecomeJson() throws Exception {
    Cassette cassette = fixture("gemini-recordings/pydantic-ai/test_google_model.yaml");

    String body = cassette.interactions().getFirst().responseBody();

    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).has("candidates"))
        .isTrue();
  }

  private HttpResponse<byte[]> post(String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create(provider.baseUrl() + path))
              .POST(HttpRequest.BodyPublishers.ofString("{}"))
              .build(),
          HttpResponse.BodyHandlers.ofByteArray());
    }
  }
}
