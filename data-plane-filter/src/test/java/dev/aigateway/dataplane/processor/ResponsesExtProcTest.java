package dev.aigateway.dataplane.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.Response;
import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionRequest;
import dev.aigateway.dataplane.admission.AdmissionTicket;
import dev.aigateway.dataplane.testing.Cassette;
import dev.aigateway.dataplane.testing.EnvoyLikeClient;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.ClientRequest;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.Exchange;
import dev.aigateway.dataplane.testing.FakeUpstream;
import dev.aigateway.dataplane.testing.GatewayHarness;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.dataplane.testing.TestConfig.IssuedKey;
import dev.aigateway.dataplane.translate.chat.Fixtures;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /v1/responses}, the token-count endpoints and the Anthropic model list, driven the way
 * Envoy drives the ext_proc: pass-through to an OpenAI target, translation for an Anthropic one,
 * errors in OpenAI's shape, and the input API in every usage record.
 */
@ExtendWith(PostgresExtension.class)
class ResponsesExtProcTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<AdmissionRequest> admitted = new CopyOnWriteArrayList<>();
  private static final Admission ADMISSION =
      request -> {
        admitted.add(request);
        return new AdmissionDecision.Admitted(new AdmissionTicket() {});
      };
  private static GatewayHarness gateway;
  private static FakeUpstream openAi;
  private static FakeUpstream anthropic;
  private static IssuedKey key;

  @BeforeAll
  static void start(Database db) {
    gateway = new GatewayHarness(db, ADMISSION, 1 << 20);
    openAi = new FakeUpstream(json(200, fixture("text.json")));
    anthropic =
        new FakeUpstream(
            json(
                200,
                Fixtures.responseBody(
                    Fixtures.interaction(
                        "anthropic-recordings/pydantic-ai/test_anthropic_model_instructions.yaml",
                        0))));
    UUID gpt =
        gateway.config.provider(
            "openai-main", "openai", openAi.baseUri() + "/v1", "{}", "sk-openai-upstream");
    UUID claude =
        gateway.config.provider(
            "claude-main", "anthropic", anthropic.baseUri().toString(), "{}", "sk-ant-upstream");
    gateway.route("openai-main", openAi.baseUri());
    gateway.route("claude-main", anthropic.baseUri());
    gateway.config.model("gpt", TestConfig.target(gpt, "gpt-5-nano"));
    gateway.config.model("claude", TestConfig.target(claude, "claude-haiku-4-5"));
    key = gateway.config.key("responses");
    gateway.awaitConfig();
  }

  @AfterAll
  static void stop() {
    openAi.close();
    anthropic.close();
    gateway.close();
  }

  @BeforeEach
  void clear() {
    gateway.usage.clear();
    admitted.clear();
  }

  static byte[] fixture(String name) {
    try (InputStream in =
        ResponsesExtProcTest.class.getResourceAsStream("/fixtures/openai-responses/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Cassette.Response json(int status, byte[] body) {
    return new Cassette.Response(status, Map.of("content-type", "application/json"), body);
  }

  private static Exchange send(ClientRequest request, int chunkSize) {
    try (EnvoyLikeClient client = gateway.client()) {
      return client.send(request, chunkSize);
    }
  }

  private static Exchange post(String path, String body) {
    return send(ClientRequest.postJson(path, key.secret(), body), 64);
  }

  @Test
  void anOpenAiTargetGetsTheResponsesRequestAndItsAnswerPassesUnchanged() {
    openAi.answerWith(json(200, fixture("text.json")));
    String body =
        "{\"model\":\"gpt\",\"input\":\"Capital of France?\",\"max_output_tokens\":500,"
            + "\"previous_response_id\":\"resp_prev\",\"store\":true}";

    Exchange exchange = post("/v1/responses", body);

    assertThat(exchange.status()).isEqualTo(200);
    assertThat(exchange.body()).isEqualTo(fixture("text.json"));
    FakeUpstream.Received upstream = openAi.last();
    assertThat(upstream.uri().getPath()).isEqualTo("/v1/responses");
    assertThat(upstream.bodyText())
        .isEqualTo(body.replace("\"gpt\"", "\"gpt-5-nano\""))
        .contains("previous_response_id");
    assertThat(upstream.headers()).containsEntry("authorization", "Bearer sk-openai-upstream");
    assertThat(admitted.getLast().maxOutputTokens()).isEqualTo(500L);
    UsageRecord record = gateway.nextUsage();
    assertThat(record.inputApi()).isEqualTo("responses");
    assertThat(record.usage()).isEqualTo(new TokenUsage(24, 84, 8));
  }

  @Test
  void aStreamedAnswerOfAnOpenAiTargetIsMeteredFromItsCompletedEvent() {
    openAi.answerWith(
        new Cassette.Response(
            200, Map.of("content-type", "text/event-stream"), fixture("function-call.sse")));

    Exchange exchange =
        post("/v1/responses", "{\"model\":\"gpt\",\"input\":\"Weather?\",\"stream\":true}");

    assertThat(exchange.status()).isEqualTo(200);
    assertThat(exchange.bodyText())
        .isEqualTo(new String(fixture("function-call.sse"), StandardCharsets.UTF_8));
    UsageRecord record = gateway.nextUsage();
    assertThat(record.streamed()).isTrue();
    assertThat(record.usage()).isEqualTo(new TokenUsage(63, 21, 0));
  }

  @Test
  void anAnthropicTargetAnswersAResponseTheOpenAiSdkReads() throws Exception {
    Exchange exchange =
        post(
            "/v1/responses",
            "{\"model\":\"claude\",\"instructions\":\"Be brief.\",\"input\":\"Hello!\","
                + "\"max_output_tokens\":200}");

    assertThat(exchange.status()).isEqualTo(200);
    Response response = ObjectMappers.jsonMapper().readValue(exchange.body(), Response.class);
    response.validate();
    assertThat(response.output()).isNotEmpty();
    assertThat(response.instructions()).isPresent();
    FakeUpstream.Received upstream = anthropic.last();
    assertThat(upstream.uri().getPath()).isEqualTo("/v1/messages");
    JsonNode sent = JSON.readTree(upstream.bodyText());
    assertThat(sent.path("model").asText()).isEqualTo("claude-haiku-4-5");
    assertThat(sent.path("max_tokens").asLong()).isEqualTo(200);
    assertThat(sent.path("system").toString()).contains("Be brief.");
    UsageRecord record = gateway.nextUsage();
    assertThat(record.inputApi()).isEqualTo("responses");
    assertThat(record.usage().outputTokens())
        .isEqualTo(response.usage().orElseThrow().outputTokens());
  }

  @Test
  void aToolTheTargetCannotRunIsA400InOpenAisShapeThatNeverGoesUpstream() throws Exception {
    int before = anthropic.received().size();

    Exchange exchange =
        post(
            "/v1/responses",
            "{\"model\":\"claude\",\"input\":\"News?\",\"tools\":[{\"type\":\"web_search\"}]}");

    assertThat(exchange.status()).isEqualTo(400);
    JsonNode error = JSON.readTree(exchange.body()).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("param").asText()).isEqualTo("tools[0].type");
    assertThat(error.path("code").asText()).isEqualTo("unsupported_tool");
    assertThat(error.path("message").asText()).contains("web_search");
    assertThat(anthropic.received()).hasSize(before);
    UsageRecord record = gateway.nextUsage();
    assertThat(record.status()).isEqualTo(400);
    assertThat(record.inputApi()).isEqualTo("responses");
  }

  @Test
  void anthropicTargetsCountTokensThemselvesAndNothingIsReservedForIt() throws Exception {
    anthropic.answerWith(json(200, "{\"input_tokens\":14}".getBytes(StandardCharsets.UTF_8)));
    try {
      Exchange exchange =
          send(
              anthropicRequest(
                  "/v1/messages/count_tokens",
                  "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
              64);

      assertThat(exchange.status()).isEqualTo(200);
      assertThat(exchange.bodyText()).isEqualTo("{\"input_tokens\":14}");
      assertThat(anthropic.last().uri().getPath()).isEqualTo("/v1/messages/count_tokens");
      assertThat(anthropic.last().headers()).containsEntry("x-api-key", "sk-ant-upstream");
      assertThat(admitted).isEmpty();
      UsageRecord record = gateway.nextUsage();
      assertThat(record.inputApi()).isEqualTo("messages_count_tokens");
      assertThat(record.usage()).isEqualTo(TokenUsage.NONE);
    } finally {
      anthropic.answerWith(
          json(
              200,
              Fixtures.responseBody(
                  Fixtures.interaction(
                      "anthropic-recordings/pydantic-ai/test_anthropic_model_instructions.yaml",
                      0))));
    }
  }

  @Test
  void targetsThatCannotCountGetTheGatewaysEstimateMarkedAsSuch() throws Exception {
    int before = openAi.received().size() + anthropic.received().size();
    String prompt = "The quick brown fox jumps over the lazy dog, again and again.";

    Exchange messages =
        send(
            anthropicRequest(
                "/v1/messages/count_tokens",
                "{\"model\":\"gpt\",\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\""
                    + prompt
                    + "\"}]}"),
            64);
    Exchange responses =
        post(
            "/v1/responses/input_tokens",
            "{\"model\":\"claude\",\"instructions\":\"Be brief.\",\"input\":[{\"role\":\"user\","
                + "\"content\":\""
                + prompt
                + "\"}]}");

    for (Exchange exchange : List.of(messages, responses)) {
      assertThat(exchange.status()).isEqualTo(200);
      assertThat(exchange.headers()).containsEntry("x-gateway-token-count", "estimate");
      JsonNode count = JSON.readTree(exchange.body());
      assertThat(count.path("estimated").asBoolean()).isTrue();
      // 14 words of prompt and 3 of system: more than that many tokens, less than twice as many
      assertThat(count.path("input_tokens").asLong()).isBetween(17L, 40L);
    }
    assertThat(JSON.readTree(responses.body()).path("object").asText())
        .isEqualTo("response.input_tokens");
    assertThat(openAi.received().size() + anthropic.received().size()).isEqualTo(before);
    assertThat(gateway.nextUsage().inputApi()).isEqualTo("messages_count_tokens");
    assertThat(gateway.nextUsage().inputApi()).isEqualTo("responses_input_tokens");
  }

  @Test
  void theModelListTakesAnthropicsShapeWhenAnAnthropicClientAsks() throws Exception {
    Map<String, String> headers = new HashMap<>();
    headers.put("x-api-key", key.secret());
    headers.put("anthropic-version", "2023-06-01");

    Exchange anthropicList =
        send(new ClientRequest("GET", "/v1/models?limit=1", headers, new byte[0]), 64);
    Exchange page2 =
        send(new ClientRequest("GET", "/v1/models?after_id=claude", headers, new byte[0]), 64);
    Exchange openAiList = send(ClientRequest.get("/v1/models", key.secret()), 64);

    JsonNode first = JSON.readTree(anthropicList.body());
    assertThat(first.path("data")).hasSize(1);
    assertThat(first.path("data").get(0).path("type").asText()).isEqualTo("model");
    assertThat(first.path("data").get(0).path("id").asText()).isEqualTo("claude");
    assertThat(first.path("data").get(0).path("created_at").asText()).endsWith("Z");
    assertThat(first.path("has_more").asBoolean()).isTrue();
    assertThat(first.path("first_id").asText()).isEqualTo("claude");
    JsonNode second = JSON.readTree(page2.body());
    assertThat(second.path("data").get(0).path("id").asText()).isEqualTo("gpt");
    assertThat(second.path("has_more").asBoolean()).isFalse();
    assertThat(JSON.readTree(openAiList.body()).path("object").asText()).isEqualTo("list");
    for (JsonNode model : first.path("data")) {
      // each entry is what the official Anthropic SDK reads as a model
      com.anthropic.core.ObjectMappers.jsonMapper()
          .treeToValue(model, com.anthropic.models.models.ModelInfo.class)
          .validate();
    }
    assertThat(gateway.nextUsage().inputApi()).isEqualTo("models");
  }

  @Test
  void storedResponsesAreFetchedAndDeletedAtTheProviderThatKeepsThem() throws Exception {
    openAi.answerWith(json(200, fixture("text.json")));
    ClientRequest get = ClientRequest.get("/v1/responses/resp_68b9a1c3", key.secret());
    ClientRequest items =
        ClientRequest.get("/v1/responses/resp_68b9a1c3/input_items?limit=5", key.secret());
    ClientRequest delete =
        new ClientRequest(
            "DELETE", "/v1/responses/resp_68b9a1c3?model=gpt", get.headers(), new byte[0]);

    Exchange fetched = send(get, 64);
    FakeUpstream.Received fetchedUpstream = openAi.last();
    send(items, 64);
    FakeUpstream.Received itemsUpstream = openAi.last();
    send(delete, 64);
    FakeUpstream.Received deleteUpstream = openAi.last();

    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.body()).isEqualTo(fixture("text.json"));
    assertThat(fetchedUpstream.method()).isEqualTo("GET");
    assertThat(fetchedUpstream.uri().getPath()).isEqualTo("/v1/responses/resp_68b9a1c3");
    assertThat(fetchedUpstream.headers())
        .containsEntry("authorization", "Bearer sk-openai-upstream");
    assertThat(itemsUpstream.uri().toString())
        .endsWith("/v1/responses/resp_68b9a1c3/input_items?limit=5");
    assertThat(deleteUpstream.method()).isEqualTo("DELETE");
    assertThat(deleteUpstream.uri().toString()).endsWith("/v1/responses/resp_68b9a1c3");
    UsageRecord record = gateway.nextUsage();
    assertThat(record.inputApi()).isEqualTo("responses_stored");
    assertThat(record.provider()).isEqualTo("openai-main");
    // Its tokens were metered when it was created.
    assertThat(record.usage()).isEqualTo(TokenUsage.NONE);
  }

  @Test
  void storedResponsesOfAKeyWithoutAnOpenAiModelAreNotFoundAndWrongMethodsAre405()
      throws Exception {
    IssuedKey claudeOnly = gateway.config.key("claude-only", "claude");
    gateway.awaitConfig();

    Exchange none = send(ClientRequest.get("/v1/responses/resp_1", claudeOnly.secret()), 64);
    Exchange put =
        send(
            new ClientRequest(
                "PUT",
                "/v1/responses/resp_1",
                Map.of("authorization", "Bearer " + key.secret()),
                new byte[0]),
            64);
    Exchange unknownModel =
        send(ClientRequest.get("/v1/responses/resp_1?model=claude", key.secret()), 64);

    assertThat(none.status()).isEqualTo(404);
    assertThat(JSON.readTree(none.body()).path("error").path("message").asText())
        .contains("keeps none");
    assertThat(put.status()).isEqualTo(405);
    assertThat(unknownModel.status()).isEqualTo(404);
  }

  private static ClientRequest anthropicRequest(String path, String body) {
    Map<String, String> headers = new HashMap<>();
    headers.put("content-type", "application/json");
    headers.put("x-api-key", key.secret());
    headers.put("anthropic-version", "2023-06-01");
    return new ClientRequest("POST", path, headers, body.getBytes(StandardCharsets.UTF_8));
  }
}
