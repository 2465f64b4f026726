package dev.aigateway.dataplane.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.Message;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionRequest;
import dev.aigateway.dataplane.admission.AdmissionTicket;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.testing.Cassette;
import dev.aigateway.dataplane.testing.EnvoyLikeClient;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.ClientRequest;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.Exchange;
import dev.aigateway.dataplane.testing.FakeUpstream;
import dev.aigateway.dataplane.testing.GatewayHarness;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.dataplane.testing.TestConfig.IssuedKey;
import dev.aigateway.dataplane.translate.chat.Fixtures;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /v1/messages} driven the way Envoy drives the ext_proc, for both kinds of target. */
@ExtendWith(PostgresExtension.class)
class MessagesExtProcTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HELLO =
      "{\"model\":\"claude\",\"max_tokens\":200,\"temperature\":0.70,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
  private static final List<AdmissionRequest> admitted = new CopyOnWriteArrayList<>();
  private static GatewayHarness gateway;
  private static FakeUpstream anthropic;
  private static FakeUpstream openAi;
  private static IssuedKey key;

  private static final Admission ADMISSION =
      request -> {
        admitted.add(request);
        if (request.model().equals("limited")) {
          return new AdmissionDecision.Rejected(
              new GatewayError(
                  429,
                  "rate_limit_exceeded",
                  "quota_exceeded",
                  null,
                  "Token quota exceeded.",
                  Map.of("retry-after", "30")));
        }
        return new AdmissionDecision.Admitted(new AdmissionTicket() {});
      };

  @BeforeAll
  static void start(Database db) {
    gateway = new GatewayHarness(db, ADMISSION, 1 << 20);
    anthropic =
        new FakeUpstream(anthropicJson("pydantic-ai/test_anthropic_model_instructions.yaml"));
    openAi = new FakeUpstream(Cassette.openAi("chat-basic.yaml").first().response());
    UUID claude =
        gateway.config.provider(
            "claude-main", "anthropic", anthropic.baseUri().toString(), "{}", "sk-ant-upstream");
    UUID gpt =
        gateway.config.provider(
            "openai-main", "openai", openAi.baseUri() + "/v1", "{}", "sk-openai-upstream");
    gateway.route("claude-main", anthropic.baseUri());
    gateway.route("openai-main", openAi.baseUri());
    gateway.config.model("claude", TestConfig.target(claude, "claude-haiku-4-5"));
    gateway.config.model("gpt", TestConfig.target(gpt, "gpt-5-nano"));
    gateway.config.model("limited", TestConfig.target(gpt, "gpt-5-nano"));
    key = gateway.config.key("messages");
    gateway.awaitConfig();
  }

  @AfterAll
  static void stop() {
    anthropic.close();
    openAi.close();
    gateway.close();
  }

  private static Cassette.Response anthropicJson(String cassette) {
    JsonNode interaction = Fixtures.interaction("anthropic-recordings/" + cassette, 0);
    return new Cassette.Response(
        200, Map.of("content-type", "application/json"), Fixtures.responseBody(interaction));
  }

  /** A request as the Anthropic SDK sends it: {@code x-api-key} and {@code anthropic-version}. */
  private static ClientRequest messages(String apiKey, String body) {
    Map<String, String> headers = new HashMap<>();
    headers.put("content-type", "application/json");
    headers.put("x-api-key", apiKey);
    headers.put("anthropic-version", "2023-06-01");
    return new ClientRequest(
        "POST", "/v1/messages", headers, body.getBytes(StandardCharsets.UTF_8));
  }

  private static Exchange send(ClientRequest request, int chunkSize) {
    try (EnvoyLikeClient client = gateway.client()) {
      return client.send(request, chunkSize);
    }
  }

  @Test
  void anthropicTargetGetsTheBodyWithOnlyTheModelReplacedAndTheAnswerPassesUnchanged()
      throws Exception {
    Cassette.Response recorded =
        anthropicJson("pydantic-ai/test_anthropic_model_instructions.yaml");
    anthropic.answerWith(recorded);
    gateway.usage.clear();
    ClientRequest request = messages(key.secret(), HELLO);
    request.headers().put("anthropic-beta", "prompt-caching-2024-07-31");

    Exchange exchange = send(request, 100_000);

    assertThat(exchange.protocolErrors()).isEmpty();
    assertThat(exchange.status()).isEqualTo(200);
    assertThat(exchange.body()).isEqualTo(recorded.body());
    FakeUpstream.Received upstream = anthropic.last();
    assertThat(upstream.uri().getPath()).isEqualTo("/v1/messages");
    assertThat(upstream.bodyText()).isEqualTo(HELLO.replace("\"claude\"", "\"claude-haiku-4-5\""));
    assertThat(upstream.headers())
        .containsEntry("x-api-key", "sk-ant-upstream")
        .containsEntry("anthropic-version", "2023-06-01")
        .containsEntry("anthropic-beta", "prompt-caching-2024-07-31");
    assertThat(upstream.headers().values()).noneMatch(v -> v.contains(key.secret()));
    assertThat(admitted.getLast().maxOutputTokens()).isEqualTo(200L);

    UsageRecord usage = gateway.nextUsage();
    JsonNode recordedUsage = JSON.readTree(recorded.body()).path("usage");
    assertThat(usage.usageReported()).isTrue();
    assertThat(usage.usage().outputTokens())
        .isEqualTo(recordedUsage.path("output_tokens").asLong());
    assertThat(usage.provider()).isEqualTo("claude-main");
  }

  @Test
  void anthropicStreamPassesUnchangedInChunksAndIsMetered() {
    Cassette.Response recorded =
        Cassette.read(
                Fixtures.path(
                    "anthropic-recordings/openllmetry/test_anthropic_message_streaming_legacy.yaml"))
            .first()
            .response();
    anthropic.answerWith(recorded);
    gateway.usage.clear();

    Exchange exchange =
        send(messages(key.secret(), HELLO.replace("{\"model\"", "{\"stream\":true,\"model\"")), 64);

    assertThat(exchange.status()).isEqualTo(200);
    assertThat(exchange.responseChunks()).isGreaterThan(2);
    assertThat(exchange.bodyText()).isEqualTo(recorded.bodyText());
    UsageRecord usage = gateway.nextUsage();
    assertThat(usage.streamed()).isTrue();
    assertThat(usage.usage().inputTokens()).isPositive();
    assertThat(usage.usage().outputTokens()).isPositive();
  }

  @Test
  void openAiTargetAnswersAsAnAnthropicMessage() throws Exception {
    openAi.answerWith(Cassette.openAi("chat-basic.yaml").first().response());
    gateway.usage.clear();

    Exchange exchange =
        send(messages(key.secret(), HELLO.replace("\"claude\"", "\"gpt\"")), 100_000);

    assertThat(exchange.status()).isEqualTo(200);
    assertThat(exchange.headers().get("content-length"))
        .isEqualTo(Integer.toString(exchange.body().length));
    Message message = ObjectMappers.jsonMapper().readValue(exchange.body(), Message.class);
    message.validate();
    assertThat(message.content().get(0).asText().text()).isNotEmpty();
    JsonNode sent = JSON.readTree(openAi.last().body());
    assertThat(openAi.last().uri().getPath()).isEqualTo("/v1/chat/completions");
    assertThat(openAi.last().headers()).containsEntry("authorization", "Bearer sk-openai-upstream");
    assertThat(sent.path("max_completion_tokens").asLong()).isEqualTo(200);
    assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("Hello!");
    UsageRecord usage = gateway.nextUsage();
    assertThat(usage.usage().outputTokens()).isEqualTo(message.usage().outputTokens());
  }

  @Test
  void openAiTargetStreamsAnthropicEvents() throws Exception {
    Cassette.Response recorded = Cassette.openAi("chat-streaming.yaml").first().response();
    openAi.answerWith(recorded);

    Exchange exchange =
        send(messages(key.secret(), HELLO.replace("\"claude\"", "\"gpt\",\"stream\":true")), 37);

    assertThat(exchange.status()).isEqualTo(200);
    assertThat(exchange.headers().get("content-type")).startsWith("text/event-stream");
    String sse = exchange.bodyText();
    assertThat(sse)
        .startsWith("event: message_start\n")
        .endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    assertThat(sse).contains("\"type\":\"text_delta\"").doesNotContain("chat.completion.chunk");
    JsonNode sent = JSON.readTree(openAi.last().body());
    assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @Test
  void gatewayErrorsUseAnthropicsShapeAndNeverGoUpstream() throws Exception {
    int before = anthropic.received().size() + openAi.received().size();
    IssuedKey gptOnly = gateway.config.key("gpt-only", "gpt");
    gateway.awaitConfig();
    assertError(send(messages("sk-gw-not-a-key", HELLO), 100), 401, "authentication_error");
    assertError(send(messages(gptOnly.secret(), HELLO), 100), 403, "permission_error");
    assertError(
        send(messages(key.secret(), HELLO.replace("\"claude\"", "\"nope\"")), 100),
        404,
        "not_found_error");
    assertError(send(messages(key.secret(), "{not json"), 100), 400, "invalid_request_error");
    Exchange limited =
        send(messages(key.secret(), HELLO.replace("\"claude\"", "\"limited\"")), 100);
    assertError(limited, 429, "rate_limit_error");
    assertThat(limited.headers()).containsEntry("retry-after", "30");
    Exchange topK =
        send(
            messages(key.secret(), HELLO.replace("\"claude\"", "\"gpt\",\"container\":\"c1\"")),
            100);
    assertError(topK, 400, "invalid_request_error");
    assertThat(JSON.readTree(topK.body()).path("error").path("message").asText())
        .contains("container");
    assertThat(anthropic.received().size() + openAi.received().size()).isEqualTo(before);
  }

  @Test
  void upstreamErrorsOfOpenAiTargetsReachTheClientInAnthropicsShape() throws Exception {
    Cassette.Response recorded = Cassette.openAi("chat-bad-request.yaml").first().response();
    openAi.answerWith(recorded);

    Exchange exchange = send(messages(key.secret(), HELLO.replace("\"claude\"", "\"gpt\"")), 100);

    assertError(exchange, recorded.status(), "invalid_request_error");
    assertThat(exchange.headers().get("content-length"))
        .isEqualTo(Integer.toString(exchange.body().length));
  }

  private static void assertError(Exchange exchange, int status, String type) throws Exception {
    assertThat(exchange.protocolErrors()).isEmpty();
    assertThat(exchange.status()).as(exchange.bodyText()).isEqualTo(status);
    JsonNode body = JSON.readTree(exchange.body());
    assertThat(body.path("type").asText()).isEqualTo("error");
    assertThat(body.path("error").path("type").asText()).isEqualTo(type);
    assertThat(body.path("error").path("message").asText()).isNotBlank();
  }
}
