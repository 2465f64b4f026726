package dev.aigateway.fakeprovider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ClientException;
import com.google.genai.types.FinishReason;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.Tool;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fake's Gemini API and Vertex AI endpoints are good enough for the Google Gen AI SDK. */
class GeminiResponderTest {
  static final String MODEL = "gemini-2.5-flash";
  static final ObjectMapper JSON = new ObjectMapper();
  static FakeProvider provider;
  static Client gemini;
  static Client vertex;

  @BeforeAll
  static void start() throws Exception {
    provider = FakeProvider.start(0, Duration.ZERO);
    HttpOptions options =
        HttpOptions.builder()
            .baseUrl(provider.baseUrl())
            .retryOptions(HttpRetryOptions.builder().attempts(1).build())
            .build();
    gemini = Client.builder().apiKey("fake-gemini-key").httpOptions(options).build();
    String key = ServiceAccountKeys.json(provider.baseUrl() + "/token");
    vertex =
        Client.builder()
            .vertexAI(true)
            .project("fake-project")
            .location("us-central1")
            .credentials(
                ServiceAccountCredentials.fromStream(
                        new ByteArrayInputStream(key.getBytes(StandardCharsets.UTF_8)))
                    .createScoped(List.of("https://www.googleapis.com/auth/cloud-platform")))
            .httpOptions(options)
            .build();
  }

  @AfterAll
  static void stop() {
    provider.close();
  }

  private static GenerateContentConfig weatherTool() {
    return GenerateContentConfig.builder()
        .tools(
            Tool.builder()
                .functionDeclarations(
                    FunctionDeclaration.builder()
                        .name("get_weather")
                        .parametersJsonSchema(
                            Map.of(
                                "type",
                                "object",
                                "properties",
                                Map.of("city", Map.of("type", "string"))))
                        .build())
                .build())
        .build();
  }

  @Test
  void generateContentQuotesTheUserAndReportsUsage() {
    GenerateContentResponse response = gemini.models.generateContent(MODEL, "hello there", null);

    assertThat(response.text()).isEqualTo("You said: hello there");
    assertThat(response.finishReason().knownEnum()).isEqualTo(FinishReason.Known.STOP);
    var usage = response.usageMetadata().orElseThrow();
    assertThat(usage.promptTokenCount()).contains(6);
    assertThat(usage.candidatesTokenCount()).contains(4);
    assertThat(provider.received().getLast().headers())
        .containsEntry("x-goog-api-key", "fake-gemini-key");
  }

  @Test
  void aStreamArrivesInPiecesWithUsageInTheLast() {
    StringBuilder text = new StringBuilder();
    GenerateContentResponse last = null;
    try (ResponseStream<GenerateContentResponse> stream =
        gemini.models.generateContentStream(MODEL, "one two three", null)) {
      for (GenerateContentResponse chunk : stream) {
        text.append(chunk.text());
        last = chunk;
      }
    }

    assertThat(text.toString()).isEqualTo("You said: one two three");
    assertThat(last.usageMetadata().orElseThrow().candidatesTokenCount()).contains(5);
    assertThat(provider.received().getLast().path()).endsWith(":streamGenerateContent?alt=sse");
  }

  @Test
  void offeredFunctionsAreCalledWithArgumentsFromTheirSchema() {
    GenerateContentResponse response =
        gemini.models.generateContent(MODEL, "weather?", weatherTool());

    FunctionCall call = response.functionCalls().getFirst();
    assertThat(call.name()).contains("get_weather");
    assertThat(call.args().orElseThrow()).isEqualTo(Map.of("city", "fake"));
  }

  @Test
  void vertexAnswersWithATokenFromTheFakeTokenEndpoint() {
    GenerateContentResponse response = vertex.models.generateContent(MODEL, "hello there", null);
    StringBuilder streamed = new StringBuilder();
    try (ResponseStream<GenerateContentResponse> stream =
        vertex.models.generateContentStream(MODEL, "weather?", weatherTool())) {
      stream.forEach(chunk -> chunk.functionCalls().forEach(c -> streamed.append(c.name().get())));
    }

    assertThat(response.text()).isEqualTo("You said: hello there");
    assertThat(response.createTime()).isPresent();
    assertThat(streamed.toString()).isEqualTo("get_weather");
    assertThat(provider.received().getLast().rawPath())
        .contains("/projects/fake-project/locations/us-central1/publishers/google/models/");
    assertThat(provider.received().getLast().headers().get("authorization"))
        .startsWith("Bearer ya29.fake-");
    assertThat(provider.accessTokensIssued()).isEqualTo(1);
  }

  @Test
  void vertexRefusesATokenItDidNotIssue() throws Exception {
    HttpResponse<String> response =
        post(
            "/v1/projects/p/locations/l/publishers/google/models/m:generateContent",
            Map.of("authorization", "Bearer made-up"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(response.body()).path("error").path("status").asText())
        .isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void geminiWithoutAKeyIsPermissionDenied() throws Exception {
    HttpResponse<String> response = post("/v1beta/models/m:generateContent", Map.of());

    assertThat(response.statusCode()).isEqualTo(403);
    JsonNode error = JSON.readTree(response.body()).path("error");
    assertThat(error.path("code").asInt()).isEqualTo(403);
    assertThat(error.path("status").asText()).isEqualTo("PERMISSION_DENIED");
  }

  @Test
  void aKeyInTheQueryIsAccepted() throws Exception {
    HttpResponse<String> response = post("/v1beta/models/m:generateContent?key=k", Map.of());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(
            JSON.readTree(response.body()).path("candidates").get(0).path("finishReason").asText())
        .isEqualTo("STOP");
  }

  @Test
  void failuresOnDemandHaveGooglesErrorShape() {
    provider.failNext(429, "Resource has been exhausted (e.g. check quota).");
    assertThatThrownBy(() -> gemini.models.generateContent(MODEL, "x", null))
        .isInstanceOfSatisfying(
            ClientException.class,
            e -> {
              assertThat(e.code()).isEqualTo(429);
              assertThat(e.status()).isEqualTo("RESOURCE_EXHAUSTED");
            });
  }

  private static HttpResponse<String> post(String path, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(provider.baseUrl() + path))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}"));
    headers.forEach(request::header);
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }
}
