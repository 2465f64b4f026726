package dev.aigateway.dataplane.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.testing.Cassette;
import dev.aigateway.dataplane.testing.EnvoyLikeClient;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.ClientRequest;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.Exchange;
import dev.aigateway.dataplane.testing.FakeUpstream;
import dev.aigateway.dataplane.testing.GatewayHarness;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every recorded OpenAI / Azure OpenAI exchange through the ext_proc: the client sends the
 * recorded request to the gateway, a fake upstream answers with the recorded response, and what the
 * client and the upstream see is checked against the recording.
 */
@ExtendWith(PostgresExtension.class)
class RecordedExchangeReplayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static GatewayHarness gateway;
  private static TestConfig.IssuedKey key;

  private static final Map<Path, FakeUpstream> upstreams = new java.util.HashMap<>();

  /** One provider, model and fake upstream per recording, all configured before the first test. */
  @BeforeAll
  static void start(Database db) throws IOException {
    gateway = new GatewayHarness(db);
    key = gateway.config.key("replay");
    for (Path file : recordings().toList()) {
      Cassette.Interaction recorded = Cassette.read(file).first();
      String upstreamModel = JSON.readTree(recorded.request().body()).path("model").asText();
      String stem = stem(file);
      FakeUpstream upstream = new FakeUpstream(recorded.response());
      upstreams.put(file, upstream);
      UUID provider =
          isAzure(file)
              ? gateway.config.provider(
                  "p-" + stem,
                  "azure_openai",
                  upstream.baseUri().toString(),
                  "{\"api_version\":\"2024-12-01-preview\"}",
                  "azure-upstream-secret")
              : gateway.config.provider(
                  "p-" + stem, "openai", upstream.baseUri() + "/v1", "{}", "sk-upstream-secret");
      gateway.config.model("public-" + stem, TestConfig.target(provider, upstreamModel));
      gateway.route("p-" + stem, upstream.baseUri());
    }
    gateway.awaitConfig();
  }

  @AfterAll
  static void stop() {
    upstreams.values().forEach(FakeUpstream::close);
    gateway.close();
  }

  private static String stem(Path file) {
    return file.getFileName().toString().replace(".yaml", "");
  }

  private static boolean isAzure(Path file) {
    return file.getFileName().toString().startsWith("azure");
  }

  static Stream<Path> recordings() throws IOException {
    try (Stream<Path> files = Files.list(Cassette.OPENAI_RECORDINGS)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordings")
  void recordedExchangeReachesTheClientUnchangedWithUsageCaptured(Path file) throws IOException {
    Cassette.Interaction recorded = Cassette.read(file).first();
    ObjectNode recordedRequest = (ObjectNode) JSON.readTree(recorded.request().body());
    String upstreamModel = recordedRequest.path("model").asText();
    boolean azure = isAzure(file);
    String stem = stem(file);
    String providerName = "p-" + stem;
    String publicModel = "public-" + stem;
    FakeUpstream upstream = upstreams.get(file);
    try (EnvoyLikeClient client = gateway.client()) {
      ObjectNode clientBody = recordedRequest.deepCopy();
      clientBody.put("model", publicModel);
      String path = recorded.request().url().getPath();
      if (azure) {
        path = "/v1/chat/completions";
      }
      Exchange exchange =
          client.send(ClientRequest.postJson(path, key.secret(), clientBody.toString()), 100);

      assertThat(exchange.protocolErrors()).isEmpty();
      String refusedParam = outOfRangeParam(clientBody, path);
      if (refusedParam != null) {
        // The gateway checks the limit fields and the other numbers to the API's ranges itself
        // (docs/security.md), so this recorded 400 of the provider's is now the gateway's, in the
        // same shape.
        assertThat(exchange.status()).isEqualTo(400);
        JsonNode error = JSON.readTree(exchange.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo(refusedParam);
        assertThat(error.path("code").asText()).matches("(integer|decimal)_.*|invalid_type");
        assertThat(gateway.nextUsage().status()).isEqualTo(400);
        return;
      }
      assertThat(exchange.routeCleared()).isTrue();
      assertThat(exchange.status()).as(exchange.bodyText()).isEqualTo(recorded.response().status());
      assertThat(exchange.bodyText()).isEqualTo(recorded.response().bodyText());
      assertThat(exchange.headers().get("content-type"))
          .isEqualTo(recorded.response().contentType());
      if (exchange.status() >= 400) {
        JsonNode error = JSON.readTree(exchange.body()).path("error");
        assertThat(error.has("message") && error.has("type") && error.has("code")).isTrue();
      }

      FakeUpstream.Received received = upstream.last();
      String expectedUri =
          azure
              ? "/openai/deployments/gpt-5-nano/chat/completions?api-version=2024-12-01-preview"
              : recorded.request().url().getPath();
      assertThat(received.uri().toString()).isEqualTo(expectedUri);
      if (azure) {
        assertThat(received.headers()).containsEntry("api-key", "azure-upstream-secret");
        assertThat(received.headers()).doesNotContainKey("authorization");
      } else {
        assertThat(received.headers()).containsEntry("authorization", "Bearer sk-upstream-secret");
      }
      assertThat(received.headers().values()).noneMatch(v -> v.contains(key.secret()));
      // Usage must be readable: the provider is asked for an uncompressed body.
      assertThat(received.headers()).containsEntry("accept-encoding", "identity");
      ObjectNode expectedUpstreamBody = recordedRequest.deepCopy();
      boolean clientAskedUsage =
          recordedRequest.path("stream_options").path("include_usage").asBoolean();
      if (recordedRequest.path("stream").asBoolean() && !clientAskedUsage) {
        expectedUpstreamBody.putObject("stream_options").put("include_usage", true);
      }
      assertThat(JSON.readTree(received.body())).isEqualTo(expectedUpstreamBody);

      UsageRecord usage = gateway.nextUsage();
      assertThat(usage.keyId()).isEqualTo(key.id());
      assertThat(usage.model()).isEqualTo(publicModel);
      assertThat(usage.provider()).isEqualTo(providerName);
      assertThat(usage.upstreamModel()).isEqualTo(upstreamModel);
      assertThat(usage.status()).isEqualTo(recorded.response().status());
      JsonNode expectedUsage = recordedUsage(recorded.response());
      if (expectedUsage == null) {
        assertThat(usage.usageReported()).isFalse();
      } else {
        assertThat(usage.usageReported()).isTrue();
        assertThat(usage.usage().inputTokens())
            .isEqualTo(expectedUsage.path("prompt_tokens").asLong());
        assertThat(usage.usage().outputTokens())
            .isEqualTo(expectedUsage.path("completion_tokens").asLong());
        assertThat(usage.usage().cachedInputTokens())
            .isEqualTo(expectedUsage.path("prompt_tokens_details").path("cached_tokens").asLong());
      }
      assertThat(usage.streamed())
          .isEqualTo(recorded.response().contentType().startsWith("text/event-stream"));
    }
  }

  /** The usage object the recording carries: top-level, or in the last SSE event that has one. */
  private static JsonNode recordedUsage(Cassette.Response response) throws IOException {
    if (response.status() >= 300) {
      return null;
    }
    if (!response.contentType().startsWith("text/event-stream")) {
      JsonNode usage = JSON.readTree(response.body()).path("usage");
      return usage.isObject() ? usage : null;
    }
    JsonNode found = null;
    for (String line : response.bodyText().split("\n")) {
      if (line.startsWith("data: {")) {
        JsonNode usage = JSON.readTree(line.substring(6)).path("usage");
        if (usage.isObject()) {
          found = usage;
        }
      }
    }
    return found;
  }

  /** The limit field the gateway refuses in {@code body} before it goes upstream, or null. */
  private static @org.jspecify.annotations.Nullable String outOfRangeParam(
      ObjectNode body, String path) {
    dev.aigateway.dataplane.translate.Endpoint endpoint =
        dev.aigateway.dataplane.translate.Endpoint.forPath(path);
    if (endpoint == null) {
      return null;
    }
    try {
      OutputLimit.read(body, endpoint);
      NumberRanges.check(body, endpoint);
      return null;
    } catch (dev.aigateway.dataplane.translate.Translator.TranslationException e) {
      return e.error().param();
    }
  }
}
