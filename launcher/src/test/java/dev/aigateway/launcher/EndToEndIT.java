package dev.aigateway.launcher;

import static dev.aigateway.launcher.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.aigateway.fakeprovider.FakeProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway started as users start it ({@code java -jar gateway.jar run}), configured through the
 * admin REST API, used with the official OpenAI Java SDK against fake upstream providers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {
  private static final String ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef0123456789";

  @TempDir static Path dataDir;
  static FakeProvider primary;
  static FakeProvider secondary;
  static GatewayProcess gateway;
  static AdminClient admin;
  static int proxyPort;
  static String keySecret;
  static String keyId;
  static OpenAIClient client;

  @BeforeAll
  static void startGateway() throws Exception {
    primary = FakeProvider.start(0, Duration.ofMillis(5));
    secondary = FakeProvider.start(0, Duration.ZERO);
    proxyPort = GatewayProcess.freePort();
    gateway = GatewayProcess.startReady(dataDir, ADMIN_TOKEN, proxyPort);
    admin = new AdminClient(gateway.adminPort, ADMIN_TOKEN);

    admin.create("/providers", provider("fake-primary", primary));
    admin.create("/providers", provider("fake-secondary", secondary));
    admin.create(
        "/models",
        Map.of(
            "name", "gpt-e2e",
            "targets",
                List.of(
                    Map.of(
                        "provider",
                        "fake-primary",
                        "model",
                        "fake-model",
                        "weight",
                        1,
                        "priority",
                        0)),
            "pricing", Map.of("input_per_million", 1.0, "output_per_million", 2.0)));
    admin.create(
        "/models",
        Map.of(
            "name",
            "embed-e2e",
            "targets",
            List.of(
                Map.of(
                    "provider",
                    "fake-primary",
                    "model",
                    "fake-embedding",
                    "weight",
                    1,
                    "priority",
                    0))));
    admin.create("/teams", Map.of("name", "e2e"));
    JsonNode key = admin.createKey("e2e-key", "e2e");
    keySecret = key.path("key").asText();
    keyId = key.path("id").asText();
    client = client(keySecret);
    awaitRoutable();
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.terminate(Duration.ofSeconds(30));
      gateway.close();
    }
    if (primary != null) {
      primary.close();
    }
    if (secondary != null) {
      secondary.close();
    }
  }

  private static Map<String, Object> provider(String name, FakeProvider fake) {
    return Map.of(
        "name",
        name,
        "schema",
        "openai_compatible",
        "base_url",
        fake.baseUrl() + "/v1",
        "credentials",
        List.of(Map.of("kind", "api_key", "api_key", "sk-upstream-" + name)));
  }

  private static OpenAIClient client(String apiKey) {
    return Sdk.openAi(proxyPort, apiKey);
  }

  private static ChatCompletionCreateParams.Builder chat(String text) {
    return ChatCompletionCreateParams.builder().model("gpt-e2e").addUserMessage(text);
  }

  /** The proxy gets its listener and routes over xDS shortly after the admin changes. */
  private static void awaitRoutable() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        client.chat().completions().create(chat("warm up").build());
        return;
      } catch (RuntimeException e) {
        last = e;
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("gateway never routed a request:\n" + gateway.output(), last);
  }

  @Test
  @Order(1)
  void aChatCompletionReachesTheProviderWithTheProvidersCredential() {
    primary.clearReceived();
    ChatCompletion completion = client.chat().completions().create(chat("hello gateway").build());

    assertThat(completion.choices().get(0).message().content()).contains("You said: hello gateway");
    assertThat(completion.usage().orElseThrow().totalTokens()).isPositive();
    FakeProvider.ReceivedRequest upstream = primary.received().getLast();
    assertThat(upstream.path()).isEqualTo("/v1/chat/completions");
    assertThat(upstream.headers().get("authorization"))
        .isEqualTo("Bearer sk-upstream-fake-primary");
    assertThat(upstream.body()).contains("\"model\":\"fake-model\"").doesNotContain(keySecret);
  }

  @Test
  @Order(2)
  void aStreamedChatArrivesChunkByChunk() {
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(chat("one two three four").build())) {
      stream.stream().forEach(chunks::add);
    }
    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    assertThat(text.toString()).isEqualTo("You said: one two three four");
    assertThat(chunks).hasSizeGreaterThan(3);
    // The client did not ask for usage, so the gateway's own usage chunk is not shown.
    assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
  }

  @Test
  @Order(3)
  void toolCallsComeBackAsTheSdkExpects() {
    ChatCompletion completion =
        client
            .chat()
            .completions()
            .create(
                chat("what is the weather?")
                    .addTool(
                        ChatCompletionFunctionTool.builder()
                            .function(
                                FunctionDefinition.builder()
                                    .name("get_weather")
                                    .parameters(
                                        FunctionParameters.builder()
                                            .putAdditionalProperty("type", JsonValue.from("object"))
                                            .build())
                                    .build())
                            .build())
                    .build());

    assertThat(
            completion
                .choices()
                .get(0)
                .message()
                .toolCalls()
                .orElseThrow()
                .get(0)
                .asFunction()
                .function()
                .name())
        .isEqualTo("get_weather");
  }

  @Test
  @Order(4)
  void embeddingsAndTheModelList() {
    var embeddings =
        client
            .embeddings()
            .create(EmbeddingCreateParams.builder().model("embed-e2e").input("text").build());
    assertThat(embeddings.data()).hasSize(1);

    List<String> models = client.models().list().data().stream().map(Model::id).toList();
    assertThat(models).contains("gpt-e2e", "embed-e2e");
  }

  @Test
  @Order(5)
  void anUnknownModelIs404AndABadKeyIs401() {
    assertThatThrownBy(
            () ->
                client
                    .chat()
                    .completions()
                    .create(
                        ChatCompletionCreateParams.builder()
                            .model("no-such-model")
                            .addUserMessage("x")
                            .build()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(
            () -> client("sk-gw-not-a-real-key").chat().completions().create(chat("x").build()))
        .isInstanceOf(UnauthorizedException.class);
  }

  @Test
  @Order(6)
  void repointingAModelRoutesToTheNewProviderWithinOneSecond() throws Exception {
    JsonNode model = admin.get("/models/gpt-e2e");
    secondary.clearReceived();
    admin.send(
        "PATCH",
        "/models/" + model.path("id").asText(),
        Map.of(
            "version", model.path("version").asLong(),
            "targets",
                List.of(
                    Map.of(
                        "provider",
                        "fake-secondary",
                        "model",
                        "fake-model",
                        "weight",
                        1,
                        "priority",
                        0))));
    long changed = System.nanoTime();

    awaitTrue(
        Duration.ofSeconds(1),
        () -> {
          client.chat().completions().create(chat("where am I routed?").build());
          return !secondary.received().isEmpty();
        });
    assertThat(Duration.ofNanos(System.nanoTime() - changed)).isLessThan(Duration.ofSeconds(2));
  }

  /**
   * Header hygiene through the whole gateway (control plane xDS, proxy, ext_proc): what the SDK
   * sends about the client's own OpenAI account, its cookies and Envoy routing headers never reach
   * the provider, and the provider's account headers never reach the client.
   */
  @Test
  @Order(0)
  void clientAndProviderAccountHeadersStayOnTheirSide() throws Exception {
    primary.accountHeaders(
        Map.of(
            "openai-organization", "org-shared-upstream",
            "openai-project", "proj_shared_upstream",
            "set-cookie", "__cf_bm=upstream-session; path=/; HttpOnly",
            "x-ratelimit-remaining-tokens", "149999000",
            "cf-ray", "8f0000000000-IAD"));
    primary.clearReceived();
    OpenAIClient sdk =
        Sdk.openAiBuilder(proxyPort, keySecret)
            .organization("org-client-own")
            .project("proj_client_own")
            .build();
    try {
      var raw =
          sdk.chat()
              .completions()
              .withRawResponse()
              .create(
                  chat("hello")
                      .putAdditionalHeader("cookie", "session=client-secret")
                      .putAdditionalHeader("x-envoy-retry-on", "5xx,reset")
                      .putAdditionalHeader("x-envoy-max-retries", "5")
                      .build());

      assertThat(raw.statusCode()).isEqualTo(200);
      assertThat(raw.parse().choices()).isNotEmpty();
      Map<String, String> sent = primary.received().getLast().headers();
      assertThat(sent)
          .doesNotContainKeys(
              "cookie",
              "openai-project",
              "openai-organization",
              "x-envoy-retry-on",
              "x-envoy-max-retries");
      assertThat(sent.values()).noneMatch(v -> v.contains(keySecret));
      assertThat(sent).containsEntry("accept-encoding", "identity");
      assertThat(raw.headers().values("openai-organization")).isEmpty();
      assertThat(raw.headers().values("openai-project")).isEmpty();
      assertThat(raw.headers().values("set-cookie")).isEmpty();
      assertThat(raw.headers().values("cf-ray")).isEmpty();
      assertThat(raw.headers().values("x-ratelimit-remaining-tokens")).doesNotContain("149999000");
    } finally {
      primary.accountHeaders(Map.of());
      sdk.close();
    }
  }

  @Test
  @Order(7)
  void overQuotaIs429WithRateLimitHeaders() throws Exception {
    admin.create(
        "/quotas",
        Map.of(
            "scope",
            "key",
            "scope_id",
            keyId,
            "metric",
            "total_tokens",
            "window",
            "minute",
            "limit",
            60));
    awaitTrue(
        Duration.ofSeconds(5),
        () -> {
          try {
            client
                .chat()
                .completions()
                .create(chat("spend some tokens ".repeat(5)).maxCompletionTokens(10).build());
            return false;
          } catch (RateLimitException e) {
            assertThat(e.headers().values("retry-after")).isNotEmpty();
            return true;
          }
        });
  }

  @Test
  @Order(8)
  void aRevokedKeyIsRefusedWithinOneSecond() throws Exception {
    OpenAIClient other;
    JsonNode key =
        admin.create(
            "/keys", Map.of("name", "to-revoke", "team", "e2e", "allowed_models", List.of()));
    other = client(key.path("key").asText());
    awaitTrue(
        Duration.ofSeconds(5),
        () -> {
          other.models().list();
          return true;
        });
    admin.create("/keys/" + key.path("id").asText() + "/revoke", Map.of());
    awaitTrue(
        Duration.ofSeconds(1),
        () -> {
          try {
            other.models().list();
            return false;
          } catch (UnauthorizedException e) {
            return true;
          }
        });
  }

  @Test
  @Order(9)
  void theLedgerHoldsOneRecordPerRequest() throws Exception {
    JsonNode key =
        admin.create("/keys", Map.of("name", "ledger", "team", "e2e", "allowed_models", List.of()));
    OpenAIClient counted = client(key.path("key").asText());
    String keyId = key.path("id").asText();
    awaitTrue(
        Duration.ofSeconds(5),
        () -> {
          counted.models().list();
          return true;
        });
    for (int i = 0; i < 3; i++) {
      counted.chat().completions().create(chat("count me " + i).build());
    }
    try (StreamResponse<ChatCompletionChunk> stream =
        counted.chat().completions().createStreaming(chat("count me streamed").build())) {
      stream.stream().forEach(c -> {});
    }
    assertThatThrownBy(
            () ->
                counted
                    .chat()
                    .completions()
                    .create(
                        ChatCompletionCreateParams.builder()
                            .model("no-such-model")
                            .addUserMessage("x")
                            .build()))
        .isInstanceOf(NotFoundException.class);

    // Six requests with this key: the model list (answered by the gateway itself, no tokens),
    // three chats, one streamed chat and one for an unknown model. A refused key is not this key.
    awaitTrue(
        Duration.ofSeconds(10),
        () -> admin.get("/usage/requests?key=" + keyId).path("total").asInt() >= 6);
    Thread.sleep(1000);
    JsonNode ledger = admin.get("/usage/requests?key=" + keyId + "&limit=50");
    List<Integer> statuses = new ArrayList<>();
    ledger.path("items").forEach(item -> statuses.add(item.path("status").asInt()));
    assertThat(statuses).containsExactlyInAnyOrder(200, 200, 200, 200, 200, 404);
    assertThat(ledger.path("items"))
        .filteredOn(item -> item.path("streamed").asBoolean())
        .hasSize(1)
        .allSatisfy(item -> assertThat(item.path("output_tokens").asLong()).isPositive());
    assertThat(ledger.path("items").get(0).path("team").asText()).isEqualTo("e2e");
  }
}
