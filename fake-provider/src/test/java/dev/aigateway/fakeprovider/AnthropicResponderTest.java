package dev.aigateway.fakeprovider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.RateLimitException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fake's Messages API is good enough for the official Anthropic SDK. */
class AnthropicResponderTest {
  static FakeProvider provider;
  static AnthropicClient client;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    provider = FakeProvider.start(0, Duration.ZERO);
    client =
        AnthropicOkHttpClient.builder()
            .baseUrl(provider.baseUrl())
            .apiKey("sk-ant-upstream")
            .maxRetries(0)
            .build();
  }

  @AfterAll
  static void stop() {
    provider.close();
  }

  private static MessageCreateParams.Builder ask(String text) {
    return MessageCreateParams.builder()
        .model("claude-sonnet-4-5")
        .maxTokens(100)
        .addUserMessage(text);
  }

  private static Tool weatherTool() {
    return Tool.builder()
        .name("get_weather")
        .inputSchema(
            Tool.InputSchema.builder()
                .properties(
                    JsonValue.from(
                        Map.of(
                            "city", Map.of("type", "string"), "days", Map.of("type", "integer"))))
                .build())
        .build();
  }

  @Test
  void aMessageQuotesTheUserAndReportsUsage() {
    Message message = client.messages().create(ask("hello there").build());

    assertThat(message.content().get(0).asText().text()).isEqualTo("You said: hello there");
    assertThat(message.stopReason()).contains(StopReason.END_TURN);
    assertThat(message.usage().inputTokens()).isEqualTo(2 + 4);
    assertThat(message.usage().outputTokens()).isEqualTo(4);
    assertThat(provider.reportedUsage().getLast()).isEqualTo(new FakeProvider.Usage(6, 4));
    assertThat(provider.received().getLast().headers()).containsKey("anthropic-version");
  }

  @Test
  void aStreamAccumulatesToTheSameMessage() {
    MessageAccumulator accumulator = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream =
        client.messages().createStreaming(ask("one two three").build())) {
      stream.stream().forEach(accumulator::accumulate);
    }
    Message message = accumulator.message();

    assertThat(message.content().get(0).asText().text()).isEqualTo("You said: one two three");
    assertThat(message.stopReason()).contains(StopReason.END_TURN);
    assertThat(message.usage().outputTokens()).isEqualTo(5);
  }

  @Test
  void offeredToolsAreUsedWithArgumentsFromTheirSchema() {
    Message message = client.messages().create(ask("weather?").addTool(weatherTool()).build());

    ToolUseBlock toolUse = message.content().get(0).asToolUse();
    assertThat(toolUse.name()).isEqualTo("get_weather");
    assertThat(toolUse.id()).startsWith("toolu_");
    assertThat(toolUse._input().convert(Map.class)).isEqualTo(Map.of("city", "fake", "days", 1));
    assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
  }

  @Test
  void aStreamedToolUseArrivesAsInputJsonDeltas() throws Exception {
    MessageAccumulator accumulator = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream =
        client.messages().createStreaming(ask("weather?").addTool(weatherTool()).build())) {
      stream.stream().forEach(accumulator::accumulate);
    }
    ToolUseBlock toolUse = accumulator.message().content().get(0).asToolUse();

    assertThat(toolUse.name()).isEqualTo("get_weather");
    assertThat(toolUse._input().convert(Map.class)).isEqualTo(Map.of("city", "fake", "days", 1));
  }

  @Test
  void streamEventsHaveAnthropicsNamesAndOrder() throws Exception {
    HttpResponse<String> response =
        post(
            Map.of("x-api-key", "k", "anthropic-version", "2023-06-01"),
            "{\"model\":\"m\",\"max_tokens\":10,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    List<String> names = new ArrayList<>();
    for (String block : response.body().split("\n\n")) {
      String name = block.lines().findFirst().orElseThrow().substring("event: ".length());
      JsonNode data = JSON.readTree(block.lines().skip(1).findFirst().orElseThrow().substring(6));
      assertThat(data.path("type").asText()).isEqualTo(name);
      names.add(name);
    }

    assertThat(response.headers().firstValue("content-type").orElseThrow())
        .startsWith("text/event-stream");
    assertThat(names)
        .containsExactly(
            "message_start",
            "content_block_start",
            "ping",
            "content_block_delta",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop");
  }

  @Test
  void anXApiKeyIsAccepted() throws Exception {
    HttpResponse<String> response =
        post(
            Map.of("x-api-key", "sk-ant-gateway", "anthropic-version", "2023-06-01"),
            "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).path("type").asText()).isEqualTo("message");
  }

  @Test
  void missingApiKeyIsAnAuthenticationError() throws Exception {
    HttpResponse<String> response =
        post(
            Map.of("anthropic-version", "2023-06-01"),
            "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(response.statusCode()).isEqualTo(401);
    JsonNode error = JSON.readTree(response.body()).path("error");
    assertThat(error.path("type").asText()).isEqualTo("authentication_error");
    assertThat(error.path("message").asText()).contains("x-api-key");
  }

  @Test
  void missingVersionAndMaxTokensAreInvalidRequests() throws Exception {
    HttpResponse<String> noVersion =
        post(
            Map.of("x-api-key", "k"),
            "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    HttpResponse<String> noMaxTokens =
        post(
            Map.of("x-api-key", "k", "anthropic-version", "2023-06-01"),
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

    assertThat(noVersion.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(noVersion.body()).path("error").path("message").asText())
        .contains("anthropic-version");
    assertThat(noMaxTokens.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(noMaxTokens.body());
    assertThat(error.path("type").asText()).isEqualTo("error");
    assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("request_id").asText()).startsWith("req_");
  }

  @Test
  void failuresOnDemandHaveAnthropicsErrorShape() {
    provider.failNext(429, "slow down");
    assertThatThrownBy(() -> client.messages().create(ask("x").build()))
        .isInstanceOfSatisfying(
            RateLimitException.class,
            e -> assertThat(e.getMessage()).contains("rate_limit_error").contains("slow down"));
  }

  private static HttpResponse<String> post(Map<String, String> headers, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/v1/messages"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }
}
