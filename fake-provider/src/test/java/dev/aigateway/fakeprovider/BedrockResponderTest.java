package dev.aigateway.fakeprovider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;

/** The fake's Converse and ConverseStream are good enough for the AWS SDK for Java v2. */
class BedrockResponderTest {
  static final String MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
  static final ObjectMapper JSON = new ObjectMapper();
  static FakeProvider provider;
  static BedrockRuntimeClient client;
  static BedrockRuntimeAsyncClient asyncClient;

  @BeforeAll
  static void start() throws Exception {
    provider = FakeProvider.start(0, Duration.ZERO);
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFAKE", "fake-secret"));
    client =
        BedrockRuntimeClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create(provider.baseUrl()))
            .credentialsProvider(credentials)
            .build();
    asyncClient =
        BedrockRuntimeAsyncClient.builder()
            // the real endpoint speaks HTTP/2 over TLS; the fake speaks HTTP/1.1
            .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create(provider.baseUrl()))
            .credentialsProvider(credentials)
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    asyncClient.close();
    provider.close();
  }

  private static ConverseRequest.Builder ask(String text) {
    return ConverseRequest.builder()
        .modelId(MODEL)
        .messages(m -> m.role("user").content(c -> c.text(text)));
  }

  private static ToolConfiguration weatherTool() {
    Document schema =
        Document.mapBuilder()
            .putString("type", "object")
            .putDocument(
                "properties",
                Document.mapBuilder()
                    .putDocument("city", Document.mapBuilder().putString("type", "string").build())
                    .build())
            .build();
    return ToolConfiguration.builder()
        .tools(Tool.fromToolSpec(s -> s.name("get_weather").inputSchema(i -> i.json(schema))))
        .build();
  }

  @Test
  void converseQuotesTheUserAndReportsUsage() {
    ConverseResponse response = client.converse(ask("hello there").build());

    assertThat(response.output().message().content().get(0).text())
        .isEqualTo("You said: hello there");
    assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(response.usage().inputTokens()).isEqualTo(6);
    assertThat(response.usage().outputTokens()).isEqualTo(4);
    assertThat(provider.received().getLast().rawPath())
        .isEqualTo("/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse");
  }

  @Test
  void converseCallsAnOfferedTool() {
    ConverseResponse response = client.converse(ask("weather?").toolConfig(weatherTool()).build());

    var toolUse = response.output().message().content().get(0).toolUse();
    assertThat(toolUse.name()).isEqualTo("get_weather");
    assertThat(toolUse.toolUseId()).startsWith("tooluse_");
    assertThat(toolUse.input().asMap().get("city").asString()).isEqualTo("fake");
    assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
  }

  @Test
  void converseStreamIsReadByTheSdk() throws Exception {
    List<Object> events = stream(ConverseStreamRequest.builder().modelId(MODEL));
    StringBuilder text = new StringBuilder();
    events.stream()
        .filter(e -> e instanceof ContentBlockDeltaEvent)
        .forEach(e -> text.append(((ContentBlockDeltaEvent) e).delta().text()));

    assertThat(text.toString()).isEqualTo("You said: one two three");
    assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(MessageStopEvent.class));
    ConverseStreamMetadataEvent metadata = (ConverseStreamMetadataEvent) events.getLast();
    assertThat(metadata.usage().outputTokens()).isEqualTo(5);
  }

  @Test
  void converseStreamCallsAnOfferedTool() throws Exception {
    List<Object> events =
        stream(ConverseStreamRequest.builder().modelId(MODEL).toolConfig(weatherTool()));
    StringBuilder input = new StringBuilder();
    events.stream()
        .filter(e -> e instanceof ContentBlockDeltaEvent)
        .forEach(e -> input.append(((ContentBlockDeltaEvent) e).delta().toolUse().input()));

    ContentBlockStartEvent start =
        (ContentBlockStartEvent)
            events.stream().filter(e -> e instanceof ContentBlockStartEvent).findFirst().get();
    assertThat(start.start().toolUse().name()).isEqualTo("get_weather");
    assertThat(JSON.readTree(input.toString())).isEqualTo(JSON.readTree("{\"city\":\"fake\"}"));
  }

  @Test
  void streamMessagesCarryTheRecordedHeaders() throws Exception {
    HttpResponse<byte[]> response =
        post(
            "/model/m/converse-stream",
            Map.of(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/bedrock/aws4_request,"
                    + " SignedHeaders=host;x-amz-date, Signature="
                    + "0".repeat(64),
                "x-amz-date",
                "20261201T120000Z"),
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}");
    MessageDecoder decoder = new MessageDecoder();
    decoder.feed(ByteBuffer.wrap(response.body()));
    List<String> types = new ArrayList<>();
    for (Message message : decoder.getDecodedMessages()) {
      assertThat(message.getHeaders().get(":message-type").getString()).isEqualTo("event");
      assertThat(message.getHeaders().get(":content-type").getString())
          .isEqualTo("application/json");
      types.add(message.getHeaders().get(":event-type").getString());
    }

    assertThat(response.headers().firstValue("content-type"))
        .contains("application/vnd.amazon.eventstream");
    assertThat(types)
        .containsExactly(
            "messageStart",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockStop",
            "messageStop",
            "metadata");
  }

  @Test
  void anUnsignedRequestIsRefusedAsAws() throws Exception {
    HttpResponse<byte[]> response =
        post("/model/m/converse", Map.of(), "{\"messages\":[{\"role\":\"user\"}]}");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("x-amzn-ErrorType").orElseThrow())
        .startsWith("MissingAuthenticationTokenException:");
    assertThat(JSON.readTree(response.body()).path("message").asText())
        .isEqualTo("Missing Authentication Token");
  }

  @Test
  void failuresOnDemandAreBedrockExceptions() {
    provider.failNext(429, "Too many requests, please wait before trying again.");
    assertThatThrownBy(
            () ->
                BedrockRuntimeClient.builder()
                    .region(Region.US_EAST_1)
                    .endpointOverride(URI.create(provider.baseUrl()))
                    .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("A", "s")))
                    .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                    .build()
                    .converse(ask("x").build()))
        .isInstanceOf(ThrottlingException.class)
        .hasMessageContaining("Too many requests");
  }

  private static List<Object> stream(ConverseStreamRequest.Builder request) throws Exception {
    List<Object> events = new ArrayList<>();
    ConverseStreamResponseHandler handler =
        ConverseStreamResponseHandler.builder().subscriber(event -> events.add(event)).build();
    String text = request.build().toolConfig() == null ? "one two three" : "weather?";
    asyncClient
        .converseStream(
            request.messages(m -> m.role("user").content(c -> c.text(text))).build(), handler)
        .get(10, TimeUnit.SECONDS);
    return events;
  }

  private static HttpResponse<byte[]> post(String path, Map<String, String> headers, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(provider.baseUrl() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
  }
}
