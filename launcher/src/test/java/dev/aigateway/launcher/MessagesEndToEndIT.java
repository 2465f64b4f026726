package dev.aigateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Anthropic Java SDK against {@code /v1/messages} of the gateway started as users
 * start it ({@code java -jar gateway.jar run}): served natively by an {@code anthropic} provider
 * and translated for an {@code openai} one, both fake upstreams.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MessagesEndToEndIT {
  private static final String ADMIN_TOKEN = "e2e-admin-token-messages-0123456789abcdef01";
  private static final String CLAUDE = "claude-e2e";
  private static final String GPT = "gpt-e2e";

  @TempDir static Path dataDir;
  static FakeProvider upstream;
  static GatewayProcess gateway;
  static AdminClient admin;
  static int proxyPort;
  static String keyId;
  static AnthropicClient client;

  @BeforeAll
  static void startGateway() throws Exception {
    upstream = FakeProvider.start(0, Duration.ofMillis(5));
    proxyPort = GatewayProcess.freePort();
    gateway = GatewayProcess.startReady(dataDir, ADMIN_TOKEN, proxyPort);
    admin = new AdminClient(gateway.adminPort, ADMIN_TOKEN);

    // One fake serves both schemas: Anthropic's /v1/messages and OpenAI's /v1/chat/completions.
    admin.create("/providers", provider("fake-anthropic", "anthropic"));
    admin.create("/providers", provider("fake-openai", "openai"));
    admin.create("/models", model(CLAUDE, "fake-anthropic", "fake-claude"));
    admin.create("/models", model(GPT, "fake-openai", "fake-gpt"));
    admin.create("/teams", Map.of("name", "messages-e2e"));
    JsonNode key =
        admin.create(
            "/keys",
            Map.of("name", "messages-key", "team", "messages-e2e", "allowed_models", List.of()));
    keyId = key.path("id").asText();
    client = client(key.path("key").asText());
    awaitRoutable();
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.terminate(Duration.ofSeconds(30));
      gateway.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  private static Map<String, Object> provider(String name, String schema) {
    return Map.of(
        "name",
        name,
        "schema",
        schema,
        "base_url",
        // The OpenAI SDK's form: the API root, with its version.
        schema.equals("openai") ? upstream.baseUrl() + "/v1" : upstream.baseUrl(),
        "credentials",
        List.of(Map.of("kind", "api_key", "api_key", "sk-upstream-" + name)));
  }

  private static Map<String, Object> model(String name, String provider, String upstreamModel) {
    return Map.of(
        "name",
        name,
        "targets",
        List.of(Map.of("provider", provider, "model", upstreamModel, "weight", 1, "priority", 0)));
  }

  private static AnthropicClient client(String apiKey) {
    return AnthropicOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + proxyPort)
        .apiKey(apiKey)
        .maxRetries(0)
        .timeout(Duration.ofSeconds(20))
        .build();
  }

  private static MessageCreateParams.Builder params(String model, String text) {
    return MessageCreateParams.builder().model(model).maxTokens(200L).addUserMessage(text);
  }

  private static void awaitRoutable() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        client.messages().create(params(CLAUDE, "warm up").build());
        client.messages().create(params(GPT, "warm up").build());
        return;
      } catch (RuntimeException e) {
        last = e;
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("gateway never routed a request:\n" + gateway.output(), last);
  }

  private static String text(Message message) {
    StringBuilder text = new StringBuilder();
    message.content().forEach(b -> b.text().ifPresent(t -> text.append(t.text())));
    return text.toString();
  }

  private static Message streamed(MessageCreateParams params, List<String> types) {
    MessageAccumulator accumulator = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
      stream.stream()
          .forEach(
              event -> {
                types.add(typeOf(event));
                accumulator.accumulate(event);
              });
    }
    return accumulator.message();
  }

  private static String typeOf(RawMessageStreamEvent event) {
    if (event.isMessageStart()) return "message_start";
    if (event.isContentBlockStart()) return "content_block_start";
    if (event.isContentBlockDelta()) return "content_block_delta";
    if (event.isContentBlockStop()) return "content_block_stop";
    if (event.isMessageDelta()) return "message_delta";
    return event.isMessageStop() ? "message_stop" : "?";
  }

  @ParameterizedTest
  @ValueSource(strings = {CLAUDE, GPT})
  @Order(1)
  void aMessageComesBackAsTheSdkExpects(String model) {
    upstream.clearReceived();
    Message message = client.messages().create(params(model, "hello gateway").build());

    assertThat(text(message)).contains("You said: hello gateway");
    assertThat(message.stopReason()).contains(StopReason.END_TURN);
    assertThat(message.usage().inputTokens()).isPositive();
    assertThat(message.usage().outputTokens()).isPositive();
    FakeProvider.ReceivedRequest received = upstream.received().getLast();
    if (model.equals(CLAUDE)) {
      assertThat(received.rawPath()).isEqualTo("/v1/messages");
      assertThat(received.headers().get("x-api-key")).isEqualTo("sk-upstream-fake-anthropic");
      assertThat(received.json().path("model").asText()).isEqualTo("fake-claude");
    } else {
      assertThat(received.rawPath()).isEqualTo("/v1/chat/completions");
      assertThat(received.headers().get("authorization"))
          .isEqualTo("Bearer sk-upstream-fake-openai");
      assertThat(received.json().path("model").asText()).isEqualTo("fake-gpt");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {CLAUDE, GPT})
  @Order(2)
  void aStreamedMessageArrivesEventByEvent(String model) {
    List<String> types = new ArrayList<>();
    Message message = streamed(params(model, "one two three four").build(), types);

    assertThat(text(message)).isEqualTo("You said: one two three four");
    assertThat(types.getFirst()).isEqualTo("message_start");
    assertThat(types).contains("content_block_delta").doesNotContain("?");
    assertThat(types.getLast()).isEqualTo("message_stop");
    assertThat(message.stopReason()).contains(StopReason.END_TURN);
    assertThat(message.usage().outputTokens()).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {CLAUDE, GPT})
  @Order(3)
  void aToolCallComesBackAsAToolUseBlock(String model) {
    Tool weather =
        Tool.builder()
            .name("get_weather")
            .inputSchema(
                Tool.InputSchema.builder()
                    .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .build())
            .build();
    Message message =
        client.messages().create(params(model, "weather in Paris?").addTool(weather).build());
    List<String> types = new ArrayList<>();
    Message streamedMessage =
        streamed(params(model, "weather in Rome?").addTool(weather).build(), types);

    for (Message m : List.of(message, streamedMessage)) {
      assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
      ContentBlock block = m.content().stream().filter(ContentBlock::isToolUse).findFirst().get();
      assertThat(block.asToolUse().name()).isEqualTo("get_weather");
      assertThat(block.asToolUse().id()).isNotBlank();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {CLAUDE, GPT})
  @Order(4)
  void anUnknownModelIs404AndABadKeyIs401(String model) {
    assertThatThrownBy(() -> client.messages().create(params("no-such-model", "x").build()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(
            () -> client("sk-gw-not-a-real-key").messages().create(params(model, "x").build()))
        .isInstanceOf(UnauthorizedException.class);
  }

  @org.junit.jupiter.api.Test
  @Order(5)
  void theLedgerHoldsEveryMessagesRequestWithItsUsage() throws Exception {
    // warm-up (2+), 2 messages, 2 streams, 4 tool calls, 2 unknown models; bad keys are not ours
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonNode ledger;
    do {
      Thread.sleep(300);
      ledger = admin.get("/usage/requests?key=" + keyId + "&limit=100");
    } while (ledger.path("total").asInt() < 12 && System.nanoTime() < deadline);

    List<JsonNode> items = new ArrayList<>();
    ledger.path("items").forEach(items::add);
    assertThat(items).filteredOn(i -> i.path("status").asInt() == 404).hasSize(2);
    List<JsonNode> served = items.stream().filter(i -> i.path("status").asInt() == 200).toList();
    assertThat(served).hasSizeGreaterThanOrEqualTo(10);
    assertThat(served)
        .allSatisfy(
            i -> {
              assertThat(i.path("input_tokens").asLong()).isPositive();
              assertThat(i.path("output_tokens").asLong()).isPositive();
            });
    assertThat(served).filteredOn(i -> i.path("streamed").asBoolean()).hasSize(4);
    assertThat(served)
        .extracting(i -> i.path("provider").asText())
        .contains("fake-anthropic", "fake-openai");
  }
}
