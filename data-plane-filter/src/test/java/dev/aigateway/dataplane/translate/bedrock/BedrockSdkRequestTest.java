package dev.aigateway.dataplane.translate.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.Providers;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ImageFormat;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

/**
 * The translated Converse request equals, as JSON and path, what the official AWS SDK for Java v2
 * sends for the same conversation (captured by a loopback server standing in for Bedrock), and the
 * SDK parses the recorded-style Converse response back.
 */
class BedrockSdkRequestTest {
  private static final String MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0";

  private HttpServer server;
  private final AtomicReference<String> path = new AtomicReference<>();
  private final AtomicReference<byte[]> body = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          path.set(exchange.getRequestURI().getRawPath());
          body.set(exchange.getRequestBody().readAllBytes());
          byte[] answer =
              ("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"ok\"}]}},"
                      + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":1,\"outputTokens\":1,"
                      + "\"totalTokens\":2},\"metrics\":{\"latencyMs\":1}}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("content-type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void translatedRequestEqualsWhatTheAwsSdkSendsForTheSameConversation() {
    RequestContext context =
        Providers.context(ProviderSchema.AWS_BEDROCK, Map.of("region", "us-east-1"), MODEL);
    UpstreamRequest ours =
        new OpenAiBedrockTranslator().request(Providers.json(Providers.FULL_REQUEST), context);

    ConverseRequest sdkRequest =
        ConverseRequest.builder()
            .modelId(MODEL)
            .system(
                SystemContentBlock.fromText("Be brief."), SystemContentBlock.fromText("Use tools."))
            .messages(
                Message.builder()
                    .role(ConversationRole.USER)
                    .content(
                        ContentBlock.fromText("Weather in Paris and Rome?"),
                        ContentBlock.fromImage(
                            i ->
                                i.format(ImageFormat.PNG)
                                    .source(
                                        s ->
                                            s.bytes(
                                                SdkBytes.fromByteArray(
                                                    Base64.getDecoder().decode("iVBORw0KGgo="))))))
                    .build(),
                Message.builder()
                    .role(ConversationRole.ASSISTANT)
                    .content(toolUse("call_1", "Paris"), toolUse("call_2", "Rome"))
                    .build(),
                Message.builder()
                    .role(ConversationRole.USER)
                    .content(
                        toolResult("call_1", "18C"),
                        toolResult("call_2", "{\"celsius\":21}"),
                        ContentBlock.fromText("Thanks, summarize."))
                    .build())
            .inferenceConfig(
                c -> c.maxTokens(300).temperature(0.5f).topP(0.9f).stopSequences("END"))
            .toolConfig(
                t ->
                    t.tools(
                            Tool.fromToolSpec(
                                s ->
                                    s.name("get_weather")
                                        .description("Weather by city")
                                        .inputSchema(
                                            i ->
                                                i.json(
                                                    Document.mapBuilder()
                                                        .putString("type", "object")
                                                        .putDocument(
                                                            "properties",
                                                            Document.mapBuilder()
                                                                .putDocument(
                                                                    "city",
                                                                    Document.mapBuilder()
                                                                        .putString("type", "string")
                                                                        .build())
                                                                .build())
                                                        .putList(
                                                            "required", l -> l.addString("city"))
                                                        .build()))))
                        .toolChoice(c -> c.auto(a -> {})))
            .build();

    ConverseResponse response;
    try (BedrockRuntimeClient client =
        BedrockRuntimeClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
            .build()) {
      response = client.converse(sdkRequest);
    }

    assertThat(ours.path()).isEqualTo(path.get());
    JsonNode sdkJson = Providers.tree(body.get());
    JsonNode ourJson = Providers.tree(ours.body());
    assertThat(ourJson.equals(new NumericComparator(), sdkJson))
        .as("ours %s%nSDK  %s", ourJson, sdkJson)
        .isTrue();
    assertThat(response.output().message().content().getFirst().text()).isEqualTo("ok");
  }

  @Test
  void reasoningEffortEqualsWhatTheAwsSdkSendsForClaudeThinking() {
    RequestContext context =
        Providers.context(ProviderSchema.AWS_BEDROCK, Map.of("region", "us-east-1"), MODEL);
    UpstreamRequest ours =
        new OpenAiBedrockTranslator()
            .request(
                Providers.json(
                    "{'model':'m','reasoning_effort':'medium','max_completion_tokens':12000,"
                        + "'messages':[{'role':'user','content':'Think.'}]}"),
                context);

    ConverseRequest sdkRequest =
        ConverseRequest.builder()
            .modelId(MODEL)
            .messages(
                Message.builder()
                    .role(ConversationRole.USER)
                    .content(ContentBlock.fromText("Think."))
                    .build())
            .inferenceConfig(c -> c.maxTokens(12000))
            .additionalModelRequestFields(
                Document.mapBuilder()
                    .putDocument(
                        "thinking",
                        Document.mapBuilder()
                            .putString("type", "enabled")
                            .putNumber("budget_tokens", 8192)
                            .build())
                    .build())
            .build();
    try (BedrockRuntimeClient client = client()) {
      client.converse(sdkRequest);
    }

    JsonNode sdkJson = Providers.tree(body.get());
    JsonNode ourJson = Providers.tree(ours.body());
    assertThat(ourJson.equals(new NumericComparator(), sdkJson))
        .as("ours %s%nSDK  %s", ourJson, sdkJson)
        .isTrue();
  }

  @Test
  void theSdkRoundTripLosesAFieldTheSdkModelDoesNotHave() {
    byte[] misnamed =
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}],\"inferenceConfig\":{\"maxToken\":5,\"topP\":0.5}}"
            .getBytes(StandardCharsets.UTF_8);
    JsonNode sdk = ConverseSdk.resend(misnamed, MODEL);
    assertThat(sdk.path("inferenceConfig").has("maxToken")).isFalse();
    assertThat(sdk.path("inferenceConfig").path("topP").floatValue()).isEqualTo(0.5f);
    assertThat(sdk.path("messages").get(0).path("content").get(0).path("text").asText())
        .isEqualTo("hi");
  }

  private BedrockRuntimeClient client() {
    return BedrockRuntimeClient.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
        .build();
  }

  private static ContentBlock toolUse(String id, String city) {
    return ContentBlock.fromToolUse(
        ToolUseBlock.builder()
            .toolUseId(id)
            .name("get_weather")
            .input(Document.mapBuilder().putString("city", city).build())
            .build());
  }

  private static ContentBlock toolResult(String id, String text) {
    return ContentBlock.fromToolResult(
        ToolResultBlock.builder()
            .toolUseId(id)
            .content(ToolResultContentBlock.fromText(text))
            .build());
  }

  static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE = new NumericComparator();

  /** Numbers compare by value: the SDK writes floats, the translator keeps the client's digits. */
  private static final class NumericComparator implements java.util.Comparator<JsonNode> {
    @Override
    public int compare(JsonNode a, JsonNode b) {
      if (a.isNumber() && b.isNumber()) {
        return Float.compare(a.floatValue(), b.floatValue());
      }
      return a.equals(b) ? 0 : 1;
    }
  }
}
