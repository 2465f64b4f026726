package dev.aigateway.launcher;

import static dev.aigateway.launcher.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Metadata;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.WebSearchTool;
import dev.aigateway.fakeprovider.FakeProvider;
import dev.aigateway.launcher.FakeUpstreams.Upstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Agent clients against the gateway started as users start it ({@code java -jar gateway.jar run}),
 * with a fake upstream of each schema: the official OpenAI Java SDK's Responses client for an
 * OpenAI-compatible (chat completions only), an Anthropic, a Bedrock and a Gemini target; the
 * official Anthropic Java SDK sending a coding agent's {@code /v1/messages} request (thinking,
 * cache_control, tools, metadata, beta header) to the non-Anthropic ones; and the OpenAI Agents SDK
 * for JavaScript (from npm) run by node, configured only through its environment.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentClientsEndToEndIT {
  private static final String ADMIN_TOKEN = "e2e-admin-token-agents-0123456789abcdef0123";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path AGENT_DIR = Path.of("src/test/agent-client");

  @TempDir static Path dataDir;
  static FakeProvider fake;
  static GatewayProcess gateway;
  static AdminClient admin;
  static int proxyPort;
  static String apiKey;
  static String keyId;
  static OpenAIClient openAi;
  static AnthropicClient anthropic;
  static List<Upstream> targets;

  @BeforeAll
  static void startGateway() throws Exception {
    fake = FakeProvider.start(0, Duration.ZERO);
    proxyPort = GatewayProcess.freePort();
    gateway = GatewayProcess.startReady(dataDir, ADMIN_TOKEN, proxyPort);
    admin = new AdminClient(gateway.adminPort, ADMIN_TOKEN);
    targets = new ArrayList<>();
    targets.add(
        new Upstream(
            "openai_compatible",
            "compat-e2e",
            "fake-llama",
            Map.of(),
            Map.of("kind", "api_key", "api_key", "sk-compat-fake-upstream-key-01")));
    FakeUpstreams.all(fake).stream()
        .filter(u -> !u.schema().equals("gcp_vertex"))
        .forEach(targets::add);
    for (Upstream target : targets) {
      admin.create("/providers", target.providerBody(fake));
      admin.create("/models", target.modelBody());
    }
    admin.create("/teams", Map.of("name", "agents"));
    JsonNode key = admin.createKey("agents-key", "agents");
    apiKey = key.path("key").asText();
    keyId = key.path("id").asText();
    openAi = Sdk.openAi(proxyPort, apiKey);
    anthropic =
        AnthropicOkHttpClient.builder()
            .baseUrl("http://127.0.0.1:" + proxyPort)
            .apiKey(apiKey)
            .maxRetries(0)
            .timeout(Duration.ofSeconds(20))
            .build();
    for (Upstream target : targets) {
      awaitTrue(Duration.ofSeconds(30), () -> answers(target.model()));
    }
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

  static List<Upstream> targets() {
    return targets;
  }

  private static boolean answers(String model) {
    try {
      openAi
          .responses()
          .create(ResponseCreateParams.builder().model(model).input("warm up").build());
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static FunctionTool weatherTool() {
    return FunctionTool.builder()
        .name("get_weather")
        .description("The current weather in a city.")
        .parameters(
            FunctionTool.Parameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty(
                    "properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                .build())
        .strict(false)
        .build();
  }

  private static String text(Response response) {
    StringBuilder text = new StringBuilder();
    for (ResponseOutputItem item : response.output()) {
      item.message()
          .ifPresent(
              m -> m.content().forEach(c -> c.outputText().ifPresent(t -> text.append(t.text()))));
    }
    return text.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  @Order(1)
  void aResponseComesBackAsTheOpenAiSdkExpects(Upstream target) {
    fake.clearReceived();
    Response response =
        openAi
            .responses()
            .create(
                ResponseCreateParams.builder()
                    .model(target.model())
                    .instructions("Be brief.")
                    .input("hello " + target.schema())
                    .maxOutputTokens(300L)
                    .build());

    assertThat(text(response)).contains("You said: hello " + target.schema());
    assertThat(response.status())
        .hasValueSatisfying(s -> assertThat(s.asString()).isEqualTo("completed"));
    var usage = response.usage().orElseThrow();
    assertThat(usage.inputTokens()).isPositive();
    assertThat(usage.outputTokens()).isPositive();
    assertThat(usage.totalTokens()).isEqualTo(usage.inputTokens() + usage.outputTokens());
    FakeProvider.ReceivedRequest received = fake.received().getLast();
    if (target.schema().equals("openai_compatible")) {
      assertThat(received.path()).isEqualTo("/v1/chat/completions");
      assertThat(received.headers())
          .containsEntry("authorization", "Bearer sk-compat-fake-upstream-key-01");
    } else {
      target.assertReceivedAsTheProviderExpects(received, false);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  @Order(2)
  void aStreamedResponseArrivesEventByEvent(Upstream target) {
    List<String> types = new ArrayList<>();
    StringBuilder deltas = new StringBuilder();
    Response completed = null;
    try (StreamResponse<ResponseStreamEvent> stream =
        openAi
            .responses()
            .createStreaming(
                ResponseCreateParams.builder()
                    .model(target.model())
                    .input("one two three four")
                    .build())) {
      for (ResponseStreamEvent event : (Iterable<ResponseStreamEvent>) stream.stream()::iterator) {
        event.outputTextDelta().ifPresent(d -> deltas.append(d.delta()));
        if (event.isCreated()) types.add("created");
        if (event.isOutputTextDelta()) types.add("delta");
        if (event.isCompleted()) {
          types.add("completed");
          completed = event.asCompleted().response();
        }
      }
    }

    assertThat(types.getFirst()).isEqualTo("created");
    assertThat(types).contains("delta");
    assertThat(types.getLast()).isEqualTo("completed");
    assertThat(deltas.toString()).isEqualTo("You said: one two three four");
    assertThat(text(completed)).isEqualTo(deltas.toString());
    assertThat(completed.usage().orElseThrow().outputTokens()).isPositive();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  @Order(3)
  void aFunctionCallRoundTripEndsInAnAnswer(Upstream target) {
    EasyInputMessage question =
        EasyInputMessage.builder()
            .role(EasyInputMessage.Role.USER)
            .content("What is the weather in Paris?")
            .build();
    Response first =
        openAi
            .responses()
            .create(
                ResponseCreateParams.builder()
                    .model(target.model())
                    .input("What is the weather in Paris?")
                    .addTool(weatherTool())
                    .build());
    ResponseFunctionToolCall call =
        first.output().stream()
            .filter(ResponseOutputItem::isFunctionCall)
            .map(ResponseOutputItem::asFunctionCall)
            .findFirst()
            .orElseThrow();
    assertThat(call.name()).isEqualTo("get_weather");
    assertThat(call.callId()).isNotBlank();
    assertThat(call.arguments()).contains("city");

    Response second =
        openAi
            .responses()
            .create(
                ResponseCreateParams.builder()
                    .model(target.model())
                    .inputOfResponse(
                        List.of(
                            ResponseInputItem.ofEasyInputMessage(question),
                            ResponseInputItem.ofFunctionCall(call),
                            ResponseInputItem.ofFunctionCallOutput(
                                ResponseInputItem.FunctionCallOutput.builder()
                                    .callId(call.callId())
                                    .output("21 degrees and sunny")
                                    .build())))
                    .addTool(weatherTool())
                    .build());

    assertThat(second.output()).noneMatch(ResponseOutputItem::isFunctionCall);
    assertThat(text(second)).contains("You said:");
    assertThat(second.usage().orElseThrow().inputTokens())
        .isGreaterThan(first.usage().orElseThrow().inputTokens());
  }

  @Test
  @Order(4)
  void aToolTheTargetCannotRunIsA400NamingIt() {
    assertThatThrownBy(
            () ->
                openAi
                    .responses()
                    .create(
                        ResponseCreateParams.builder()
                            .model("claude-e2e")
                            .input("news?")
                            .addTool(
                                WebSearchTool.builder().type(WebSearchTool.Type.WEB_SEARCH).build())
                            .build()))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.param()).contains("tools[0].type");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"compat-e2e", "bedrock-e2e", "gemini-e2e"})
  @Order(5)
  void aCodingAgentsMessagesRequestIsServedByANonAnthropicTarget(String model) {
    CacheControlEphemeral cache = CacheControlEphemeral.builder().build();
    Tool bash =
        Tool.builder()
            .name("Bash")
            .description("Run a shell command.")
            .cacheControl(cache)
            .inputSchema(
                Tool.InputSchema.builder()
                    .properties(
                        com.anthropic.core.JsonValue.from(
                            Map.of("command", Map.of("type", "string"))))
                    .build())
            .build();
    MessageCreateParams.Builder params =
        MessageCreateParams.builder()
            .model(model)
            .maxTokens(32000L)
            .enabledThinking(31999L)
            .systemOfTextBlockParams(
                List.of(
                    TextBlockParam.builder()
                        .text("You are a coding agent.")
                        .cacheControl(cache)
                        .build()))
            .metadata(Metadata.builder().userId("user-42").build())
            .addTool(bash)
            .addUserMessageOfContentBlockParams(
                List.of(
                    ContentBlockParam.ofText(
                        TextBlockParam.builder()
                            .text("list the files")
                            .cacheControl(cache)
                            .build())))
            .putAdditionalHeader("anthropic-beta", "interleaved-thinking-2025-05-14");

    Message first = anthropic.messages().create(params.build());

    assertThat(first.stopReason()).contains(StopReason.TOOL_USE);
    ContentBlock toolUse =
        first.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow();
    assertThat(toolUse.asToolUse().name()).isEqualTo("Bash");

    Message second =
        anthropic
            .messages()
            .create(
                params
                    .addMessage(first)
                    .addUserMessageOfContentBlockParams(
                        List.of(
                            ContentBlockParam.ofToolResult(
                                ToolResultBlockParam.builder()
                                    .toolUseId(toolUse.asToolUse().id())
                                    .content("a.txt b.txt")
                                    .cacheControl(cache)
                                    .build())))
                    .build());

    assertThat(second.stopReason()).contains(StopReason.END_TURN);
    assertThat(second.content().stream().filter(ContentBlock::isText)).isNotEmpty();
    assertThat(second.usage().outputTokens()).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "true"})
  @Order(6)
  void theOpenAiAgentsSdkRunsItsToolLoopThroughTheGateway(String stream) throws Exception {
    for (String model : List.of("compat-e2e", "claude-e2e")) {
      JsonNode result = runAgent(model, stream);

      // The tool ran once, with the city the fake model filled in from the tool's schema.
      assertThat(result.path("toolCalls")).as(model).hasSize(1);
      assertThat(result.path("toolCalls").get(0).asText()).as(model).isNotBlank();
      assertThat(result.path("items").toString())
          .as(model)
          .contains("tool_call_item", "tool_call_output_item", "message_output_item");
      assertThat(result.path("finalOutput").asText()).as(model).contains("You said:");
      assertThat(result.path("requests").asInt()).as(model).isEqualTo(2);
      assertThat(result.path("inputTokens").asLong()).as(model).isPositive();
      assertThat(result.path("outputTokens").asLong()).as(model).isPositive();
    }
  }

  @Test
  @Order(7)
  void theLedgerRecordsTheInputApiOfEveryRequest() throws Exception {
    awaitTrue(
        Duration.ofSeconds(10),
        () -> {
          try {
            JsonNode items = admin.get("/usage/requests?key=" + keyId + "&limit=200").path("items");
            List<String> apis = new ArrayList<>();
            items.forEach(i -> apis.add(i.path("input_api").asText()));
            return apis.contains("responses") && apis.contains("messages");
          } catch (Exception e) {
            return false;
          }
        });
    JsonNode items = admin.get("/usage/requests?key=" + keyId + "&limit=200").path("items");
    for (JsonNode item : items) {
      assertThat(item.path("input_api").asText()).isIn("responses", "messages");
      if (item.path("status").asInt() == 200) {
        assertThat(item.path("output_tokens").asLong()).isPositive();
      }
    }
  }

  /** Runs agent.mjs with node, configured as the Agents SDK's users configure it. */
  private static JsonNode runAgent(String model, String stream) throws Exception {
    installAgentClient();
    ProcessBuilder pb =
        new ProcessBuilder("node", "agent.mjs", "What is the weather in Paris?")
            .directory(AGENT_DIR.toFile())
            .redirectErrorStream(false);
    Map<String, String> env = pb.environment();
    env.put("OPENAI_BASE_URL", "http://127.0.0.1:" + proxyPort + "/v1");
    env.put("OPENAI_API_KEY", apiKey);
    env.put("OPENAI_AGENTS_DISABLE_TRACING", "1");
    env.put("AGENT_MODEL", model);
    env.put("AGENT_STREAM", stream);
    Process process = pb.start();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stdout = new String(out, StandardCharsets.UTF_8).trim();
    assertThat(process.exitValue())
        .as("agent.mjs failed:\n%s\n%s", stdout, new String(err, StandardCharsets.UTF_8))
        .isZero();
    return JSON.readTree(stdout.substring(stdout.lastIndexOf('\n') + 1));
  }

  /** npm ci once per checkout (the lockfile pins every version), as the console's build does. */
  private static synchronized void installAgentClient() throws IOException, InterruptedException {
    if (Files.exists(AGENT_DIR.resolve("node_modules/@openai/agents/package.json"))) {
      return;
    }
    Process npm =
        new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
            .directory(AGENT_DIR.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(npm.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(npm.exitValue()).as("npm ci failed:\n%s", output).isZero();
  }
}
