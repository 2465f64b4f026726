package dev.aigateway.launcher;

import static dev.aigateway.launcher.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import dev.aigateway.fakeprovider.Cassette;
import dev.aigateway.fakeprovider.FakeProvider;
import dev.aigateway.launcher.FakeUpstreams.Upstream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One gateway process ({@code java -jar gateway.jar run}) in front of a fake upstream of every
 * non-OpenAI schema (Anthropic SSE, Bedrock event-stream, Gemini and Vertex SSE), used with the
 * official OpenAI Java SDK: chats, streamed chats and tool calls come back as the SDK expects, and
 * the tokens each fake answer reported reach the usage ledger and the quotas.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiProviderEndToEndIT {
  private static final String ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  static FakeProvider fake;
  static GatewayProcess gateway;
  static AdminClient admin;
  static int proxyPort;
  static OpenAIClient client;
  static String keyId;
  static List<Upstream> upstreams;
  static final Map<String, String> quotaIds = new ConcurrentHashMap<>();

  /** Per public model, the usage of each fake answer to this test's key. */
  static final Map<String, List<FakeProvider.Usage>> reported = new ConcurrentHashMap<>();

  @BeforeAll
  static void startGateway() throws Exception {
    fake = FakeProvider.start(0, Duration.ZERO);
    upstreams = FakeUpstreams.all(fake);
    proxyPort = GatewayProcess.freePort();
    gateway = GatewayProcess.startReady(dataDir, ADMIN_TOKEN, proxyPort);
    admin = new AdminClient(gateway.adminPort, ADMIN_TOKEN);

    admin.create("/teams", Map.of("name", "multi"));
    OpenAIClient warmUp = client(createKey("warm-up"));
    JsonNode key =
        admin.create(
            "/keys", Map.of("name", "multi-key", "team", "multi", "allowed_models", List.of()));
    keyId = key.path("id").asText();
    client = client(key.path("key").asText());
    for (Upstream upstream : upstreams) {
      admin.create("/providers", upstream.providerBody(fake));
      admin.create("/models", upstream.modelBody());
      JsonNode quota =
          admin.create(
              "/quotas",
              Map.of(
                  "scope",
                  "key",
                  "scope_id",
                  keyId,
                  "model",
                  upstream.model(),
                  "metric",
                  "total_tokens",
                  "window",
                  "day",
                  "limit",
                  1_000_000));
      quotaIds.put(upstream.model(), quota.path("id").asText());
      reported.put(upstream.model(), new ArrayList<>());
    }
    for (Upstream upstream : upstreams) {
      awaitTrue(Duration.ofSeconds(30), () -> answers(warmUp, upstream.model()));
    }
    awaitTrue(Duration.ofSeconds(10), () -> !client.models().list().data().isEmpty());
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.terminate(Duration.ofSeconds(30));
      gateway.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  static List<Upstream> upstreams() {
    return upstreams;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreams")
  @Order(1)
  void aChatComesBackAsTheSdkExpects(Upstream upstream) {
    fake.clearReceived();
    ChatCompletion completion =
        client.chat().completions().create(chat(upstream, "hello " + upstream.schema()).build());
    FakeProvider.Usage usage = recordReported(upstream);

    ChatCompletion.Choice choice = completion.choices().getFirst();
    assertThat(choice.message().content()).contains("You said: hello " + upstream.schema());
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    // As for OpenAI targets, the answer names the model that answered.
    assertThat(completion.model()).isEqualTo(upstream.upstreamModel());
    assertUsage(completion.usage().orElseThrow(), usage);
    upstream.assertReceivedAsTheProviderExpects(fake.received().getLast(), false);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreams")
  @Order(2)
  void aStreamedChatAccumulatesDeltaByDelta(Upstream upstream) {
    fake.clearReceived();
    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream =
        client
            .chat()
            .completions()
            .createStreaming(
                chat(upstream, "one two three four")
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                    .build())) {
      stream.stream().peek(chunks::add).forEach(accumulator::accumulate);
    }
    FakeProvider.Usage usage = recordReported(upstream);
    ChatCompletion completion = accumulator.chatCompletion();

    assertThat(chunks).hasSizeGreaterThan(3);
    assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
    assertThat(completion.choices().getFirst().message().content())
        .contains("You said: one two three four");
    assertThat(completion.choices().getFirst().finishReason())
        .isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertUsage(chunks.getLast().usage().orElseThrow(), usage);
    upstream.assertReceivedAsTheProviderExpects(fake.received().getLast(), true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreams")
  @Order(3)
  void aToolCallComesBackWithItsNameAndArguments(Upstream upstream) throws Exception {
    ChatCompletion completion =
        client
            .chat()
            .completions()
            .create(chat(upstream, "weather in Paris?").addTool(weather()).build());
    FakeProvider.Usage usage = recordReported(upstream);

    ChatCompletion.Choice choice = completion.choices().getFirst();
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageFunctionToolCall call =
        choice.message().toolCalls().orElseThrow().getFirst().asFunction();
    assertThat(call.id()).isNotBlank();
    assertThat(call.function().name()).isEqualTo("get_weather");
    assertThat(JSON.readTree(call.function().arguments()))
        .isEqualTo(JSON.readTree("{\"city\":\"fake\",\"days\":1}"));
    assertUsage(completion.usage().orElseThrow(), usage);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreams")
  @Order(4)
  void aStreamedToolCallAccumulatesItsArguments(Upstream upstream) throws Exception {
    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> stream =
        client
            .chat()
            .completions()
            .createStreaming(chat(upstream, "weather in Rome?").addTool(weather()).build())) {
      stream.stream().forEach(accumulator::accumulate);
    }
    recordReported(upstream);
    ChatCompletion.Choice choice = accumulator.chatCompletion().choices().getFirst();

    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageFunctionToolCall call =
        choice.message().toolCalls().orElseThrow().getFirst().asFunction();
    assertThat(call.function().name()).isEqualTo("get_weather");
    assertThat(JSON.readTree(call.function().arguments()))
        .isEqualTo(JSON.readTree("{\"city\":\"fake\",\"days\":1}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreams")
  @Order(4)
  void aToolResultIsAnsweredInText(Upstream upstream) {
    fake.clearReceived();
    ChatCompletion completion =
        client
            .chat()
            .completions()
            .create(
                chat(upstream, "weather in Paris?")
                    .addTool(weather())
                    .addMessage(
                        ChatCompletionAssistantMessageParam.builder()
                            .addToolCall(
                                ChatCompletionMessageFunctionToolCall.builder()
                                    .id("call_1")
                                    .function(
                                        ChatCompletionMessageFunctionToolCall.Function.builder()
                                            .name("get_weather")
                                            .arguments("{\"city\":\"Paris\"}")
                                            .build())
                                    .build())
                            .build())
                    .addMessage(
                        ChatCompletionToolMessageParam.builder()
                            .toolCallId("call_1")
                            .content("sunny and 18 degrees")
                            .build())
                    .build());
    recordReported(upstream);

    ChatCompletion.Choice choice = completion.choices().getFirst();
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(choice.message().content().orElseThrow()).startsWith("You said: ");
    assertThat(fake.received().getLast().body()).contains("sunny and 18 degrees", "get_weather");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreams")
  @Order(5)
  void theLedgerHasOneRecordPerRequestWithTheTokensTheFakeReported(Upstream upstream)
      throws Exception {
    List<FakeProvider.Usage> expected = reported.get(upstream.model());
    String query = "/usage/requests?limit=50&key=" + keyId + "&model=" + upstream.model();
    awaitTrue(
        Duration.ofSeconds(15), () -> admin.get(query).path("total").asInt() >= expected.size());
    JsonNode ledger = admin.get(query);
    List<FakeProvider.Usage> recorded = new ArrayList<>();
    for (JsonNode item : ledger.path("items")) {
      assertThat(item.path("status").asInt()).isEqualTo(200);
      assertThat(item.path("provider").asText()).isEqualTo(upstream.provider());
      recorded.add(
          new FakeProvider.Usage(
              item.path("input_tokens").asLong(), item.path("output_tokens").asLong()));
    }

    assertThat(ledger.path("total").asInt()).isEqualTo(expected.size());
    assertThat(recorded).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(ledger.path("items")).filteredOn(i -> i.path("streamed").asBoolean()).hasSize(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreams")
  @Order(6)
  void theQuotaCountsTheTokensTheFakeReported(Upstream upstream) throws Exception {
    long total =
        reported.get(upstream.model()).stream()
            .mapToLong(u -> u.inputTokens() + u.outputTokens())
            .sum();
    String quota = "/quotas/" + quotaIds.get(upstream.model());
    awaitTrue(
        Duration.ofSeconds(15),
        () -> admin.get(quota).path("usage").path("used").asLong() >= total);

    JsonNode usage = admin.get(quota).path("usage");
    assertThat(usage.path("used").asLong())
        .as("%s, all quotas: %s", reported.get(upstream.model()), admin.get("/quotas"))
        .isEqualTo(total);
    assertThat(usage.path("remaining").asLong()).isEqualTo(1_000_000 - total);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreams")
  @Order(7)
  void anUpstreamErrorInTheProvidersShapeReachesTheSdkAsOpenAisError(Upstream upstream) {
    // Since issue 19 a 429 is retried (the model's default failover: 3 attempts, here all on its
    // only target): every attempt is refused, and the last refusal reaches the client.
    for (int attempt = 0; attempt < 3; attempt++) {
      fake.failNext(429, "upstream says slow down");
    }

    assertThatThrownBy(() -> client.chat().completions().create(chat(upstream, "x").build()))
        .isInstanceOfSatisfying(
            RateLimitException.class,
            e -> assertThat(e.getMessage()).contains("upstream says slow down"));
  }

  @Test
  @Order(8)
  void vertexTokensAreCachedNotFetchedPerRequest() {
    assertThat(fake.accessTokensIssued()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreams")
  @Order(9)
  void aRecordedRealStreamComesThroughAsTheSdkExpects(Upstream upstream) throws Exception {
    RecordedStreams.Recording recording = RecordedStreams.BY_SCHEMA.get(upstream.schema());
    Cassette cassette =
        Cassette.read(Path.of(System.getProperty("gateway.fixtures"), recording.cassette()));
    fake.replay(new Cassette(List.of(cassette.interactions().getFirst())));
    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream =
        client
            .chat()
            .completions()
            .createStreaming(
                chat(upstream, "replay")
                    .addTool(weather())
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                    .build())) {
      stream.stream().peek(chunks::add).forEach(accumulator::accumulate);
    }
    ChatCompletion.Choice choice = accumulator.chatCompletion().choices().getFirst();

    assertThat(choice.message().content().orElse(""))
        .startsWith(recording.textStart())
        .endsWith(recording.textEnd());
    List<RecordedStreams.Call> calls = new ArrayList<>();
    for (var call : choice.message().toolCalls().orElse(List.of())) {
      var function = call.asFunction().function();
      calls.add(RecordedStreams.Call.of(function.name(), function.arguments()));
    }
    assertThat(calls).containsExactlyElementsOf(recording.calls());
    assertThat(choice.finishReason())
        .isEqualTo(
            recording.calls().isEmpty()
                ? ChatCompletion.Choice.FinishReason.STOP
                : ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    CompletionUsage usage = chunks.getLast().usage().orElseThrow();
    assertThat(usage.promptTokens()).isEqualTo(recording.promptTokens());
    assertThat(usage.completionTokens()).isEqualTo(recording.completionTokens());
  }

  private static FakeProvider.Usage recordReported(Upstream upstream) {
    FakeProvider.Usage usage = fake.reportedUsage().getLast();
    reported.get(upstream.model()).add(usage);
    return usage;
  }

  /** No cache in the fake: OpenAI's prompt tokens are the provider's input tokens. */
  private static void assertUsage(CompletionUsage usage, FakeProvider.Usage reported) {
    assertThat(usage.promptTokens()).isEqualTo(reported.inputTokens());
    assertThat(usage.completionTokens()).isEqualTo(reported.outputTokens());
    assertThat(usage.totalTokens()).isEqualTo(reported.inputTokens() + reported.outputTokens());
  }

  private static ChatCompletionCreateParams.Builder chat(Upstream upstream, String text) {
    return ChatCompletionCreateParams.builder()
        .model(upstream.model())
        .addSystemMessage("Be brief.")
        .addUserMessage(text);
  }

  private static ChatCompletionFunctionTool weather() {
    return ChatCompletionFunctionTool.builder()
        .function(
            FunctionDefinition.builder()
                .name("get_weather")
                .description("The weather in a city")
                .parameters(
                    FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty(
                            "properties",
                            JsonValue.from(
                                Map.of(
                                    "city", Map.of("type", "string"),
                                    "days", Map.of("type", "integer"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build())
        .build();
  }

  private static String createKey(String name) throws Exception {
    return admin.createKey(name, "multi").path("key").asText();
  }

  private static OpenAIClient client(String apiKey) {
    return Sdk.openAi(proxyPort, apiKey);
  }

  private static boolean answers(OpenAIClient warmUp, String model) {
    return warmUp
        .chat()
        .completions()
        .create(ChatCompletionCreateParams.builder().model(model).addUserMessage("warm up").build())
        .choices()
        .getFirst()
        .message()
        .content()
        .isPresent();
  }
}
