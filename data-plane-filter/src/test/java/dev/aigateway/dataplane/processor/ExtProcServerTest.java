package dev.aigateway.dataplane.processor;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ext_proc server driven the way Envoy drives it, phase by phase, checking every mutation. */
@ExtendWith(PostgresExtension.class)
class ExtProcServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHAT =
      "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}],\"temperature\":0.70}";
  private static final List<AdmissionRequest> admitted = new CopyOnWriteArrayList<>();
  private static final List<UsageRecord> settled = new CopyOnWriteArrayList<>();
  private static GatewayHarness gateway;
  private static FakeUpstream upstream;
  private static UUID provider;
  private static IssuedKey key;

  /** Refuses requests for model "limited", admits the rest and remembers what it was told. */
  private static final Admission ADMISSION =
      new Admission() {
        @Override
        public AdmissionDecision admit(AdmissionRequest request) {
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
          return new AdmissionDecision.Admitted(
              new AdmissionTicket() {
                @Override
                public Map<String, String> responseHeaders() {
                  return Map.of("x-ratelimit-remaining-tokens", "999");
                }

                @Override
                public void settle(UsageRecord record) {
                  throw new AssertionError("the router point never charges; attempts do");
                }
              });
        }

        @Override
        public void charge(UsageRecord attempt) {
          settled.add(attempt);
        }
      };

  @BeforeAll
  static void start(Database db) {
    gateway = new GatewayHarness(db, ADMISSION, 4096);
    upstream = new FakeUpstream(Cassette.openAi("chat-basic.yaml").first().response());
    provider =
        gateway.config.provider(
            "openai-main",
            "openai",
            upstream.baseUri() + "/v1",
            "{\"organization\":\"org-1\"}",
            "sk-upstream-one");
    gateway.route("openai-main", upstream.baseUri());
    gateway.config.model("chat", TestConfig.target(provider, "gpt-5-nano"));
    gateway.config.model("embed", TestConfig.target(provider, "text-embedding-3-small"));
    gateway.config.model("limited", TestConfig.target(provider, "gpt-5-nano"));
    key = gateway.config.key("main");
    gateway.awaitConfig();
  }

  @AfterAll
  static void stop() {
    upstream.close();
    gateway.close();
  }

  private Exchange send(ClientRequest request) {
    try (EnvoyLikeClient client = gateway.client()) {
      return client.send(request);
    }
  }

  private static String header(CommonResponse common, String name) {
    for (HeaderValueOption option : common.getHeaderMutation().getSetHeadersList()) {
      if (option.getHeader().getKey().equals(name)) {
        assertThat(option.getHeader().getValue())
            .as("value must be empty, raw_value used")
            .isEmpty();
        return option.getHeader().getRawValue().toString(StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  @Test
  void chatRequestIsRoutedWithEveryMutationEnvoyNeeds() throws Exception {
    upstream.answerWith(Cassette.openAi("chat-basic.yaml").first().response());
    ClientRequest request = ClientRequest.postJson("/v1/chat/completions", key.secret(), CHAT);
    request.headers().put("x-api-key", key.secret());
    request.headers().put("accept-encoding", "gzip");
    Exchange exchange = send(request);

    assertThat(exchange.protocolErrors()).isEmpty();
    assertThat(exchange.status()).isEqualTo(200);
    // Router point: headers answered plainly, the body answer routes on the model.
    ProcessingResponse headersAnswer = exchange.answers().get(0);
    assertThat(headersAnswer.hasRequestHeaders()).isTrue();
    assertThat(headersAnswer.getRequestHeaders().getResponse().hasHeaderMutation()).isFalse();
    CommonResponse route = exchange.answers().get(1).getRequestBody().getResponse();
    assertThat(route.getClearRouteCache()).isTrue();
    assertThat(header(route, "x-gateway-model")).isEqualTo("chat");
    assertThat(header(route, "x-gateway-key-id")).isEqualTo(key.id().toString());
    assertThat(route.hasBodyMutation()).isFalse();

    // Attempt point, on the router point's replica (one server here): translation, credentials,
    // hygiene for the endpoint Envoy chose, all in its answer to the request headers, which
    // replaces the body (Envoy then sends no body and frames the new one itself).
    assertThat(exchange.answers().get(2).hasRequestHeaders()).isTrue();
    CommonResponse body = exchange.answers().get(2).getRequestHeaders().getResponse();
    assertThat(body.getStatus()).isEqualTo(CommonResponse.ResponseStatus.CONTINUE_AND_REPLACE);
    assertThat(header(body, ":path")).isEqualTo("/v1/chat/completions");
    assertThat(header(body, "authorization")).isEqualTo("Bearer sk-upstream-one");
    assertThat(header(body, "openai-organization")).isEqualTo("org-1");
    byte[] newBody = body.getBodyMutation().getBody().toByteArray();
    assertThat(header(body, "content-length")).isNull();
    assertThat(body.getHeaderMutation().getRemoveHeadersList())
        .contains("x-api-key", "x-gateway-model", "x-gateway-key-id", "x-gateway-request-id");
    assertThat(header(body, "accept-encoding")).isEqualTo("identity");
    // Only the model changes; other fields keep their exact spelling.
    assertThat(new String(newBody, StandardCharsets.UTF_8))
        .isEqualTo(CHAT.replace("\"chat\"", "\"gpt-5-nano\""));

    FakeUpstream.Received received = upstream.last();
    assertThat(received.headers()).containsEntry("authorization", "Bearer sk-upstream-one");
    assertThat(received.headers()).doesNotContainKey("x-api-key");
    assertThat(received.headers().keySet()).noneMatch(h -> h.startsWith("x-gateway-"));
    assertThat(received.headers().values()).noneMatch(v -> v.contains(key.secret()));

    ProcessingResponse attemptHeaders = exchange.answers().get(3);
    assertThat(attemptHeaders.hasModeOverride()).isFalse();
    assertThat(header(attemptHeaders.getResponseHeaders().getResponse(), "x-gateway-served-by"))
        .isEqualTo("openai-main/gpt-5-nano");
    assertThat(exchange.answers().get(4).getResponseBody().getResponse().hasBodyMutation())
        .isFalse();
    // Router point: the quota headers; the body is not sent to it again.
    ProcessingResponse routerHeaders = exchange.answers().get(5);
    assertThat(exchange.answers()).hasSize(6);
    assertThat(
            header(
                routerHeaders.getResponseHeaders().getResponse(), "x-ratelimit-remaining-tokens"))
        .isEqualTo("999");
    assertThat(routerHeaders.getModeOverride().getResponseBodyMode())
        .isEqualTo(ProcessingMode.BodySendMode.NONE);
    assertThat(exchange.headers()).containsEntry("x-ratelimit-remaining-tokens", "999");
    assertThat(exchange.headers()).containsEntry("x-gateway-served-by", "openai-main/gpt-5-nano");
    assertThat(exchange.headers()).containsEntry("x-gateway-attempts", "1");
    assertThat(exchange.bodyText())
        .isEqualTo(Cassette.openAi("chat-basic.yaml").first().response().bodyText());
  }

  @Test
  void unknownMissingAndRevokedKeysGet401AndNothingGoesUpstream() throws Exception {
    int before = upstream.received().size();
    Exchange unknown =
        send(ClientRequest.postJson("/v1/chat/completions", "sk-gw-not-a-key", CHAT));
    assertError(unknown, 401, "invalid_api_key");
    Exchange missing =
        send(
            new ClientRequest(
                "POST",
                "/v1/chat/completions",
                new java.util.HashMap<>(Map.of("content-type", "application/json")),
                CHAT.getBytes(StandardCharsets.UTF_8)));
    assertError(missing, 401, "invalid_api_key");

    IssuedKey doomed = gateway.config.key("doomed");
    gateway.awaitConfig();
    assertThat(send(ClientRequest.get("/v1/models", doomed.secret())).status()).isEqualTo(200);
    long revokedAt = System.nanoTime();
    gateway.config.revoke(doomed.id());
    Exchange afterRevoke;
    do {
      afterRevoke = send(ClientRequest.get("/v1/models", doomed.secret()));
    } while (afterRevoke.status() == 200 && System.nanoTime() - revokedAt < 3_000_000_000L);
    assertThat(System.nanoTime() - revokedAt).isLessThan(1_000_000_000L);
    assertError(afterRevoke, 401, "invalid_api_key");

    IssuedKey expired = gateway.config.key("expired");
    gateway.config.expire(expired.id());
    gateway.awaitConfig();
    assertError(send(ClientRequest.get("/v1/models", expired.secret())), 401, "invalid_api_key");
    assertThat(unknown.bodyText()).doesNotContain("sk-gw-not-a-key");
    assertThat(upstream.received()).hasSize(before);
  }

  @Test
  void modelOutsideTheKeysAllowListIs403AndUnknownModelIs404() throws Exception {
    IssuedKey embedOnly = gateway.config.key("embed-only", "embed");
    gateway.awaitConfig();
    assertError(
        send(ClientRequest.postJson("/v1/chat/completions", embedOnly.secret(), CHAT)),
        403,
        "model_not_allowed");
    assertError(
        send(
            ClientRequest.postJson(
                "/v1/chat/completions",
                key.secret(),
                CHAT.replace("\"chat\"", "\"no-such-model\""))),
        404,
        "model_not_found");
  }

  @Test
  void modelListShowsOnlyTheModelsTheKeyMayUse() throws Exception {
    IssuedKey embedOnly = gateway.config.key("list-embed-only", "embed");
    gateway.awaitConfig();
    Exchange all = send(ClientRequest.get("/v1/models", key.secret()));
    Exchange some = send(ClientRequest.get("/v1/models", embedOnly.secret()));
    assertThat(all.immediate()).isTrue();
    assertThat(all.headers()).containsEntry("content-type", "application/json");
    JsonNode list = JSON.readTree(all.body());
    assertThat(list.path("object").asText()).isEqualTo("list");
    List<String> ids = new ArrayList<>();
    list.path("data").forEach(m -> ids.add(m.path("id").asText()));
    assertThat(ids).contains("chat", "embed", "limited");
    assertThat(list.path("data").get(0).path("object").asText()).isEqualTo("model");
    JsonNode restricted = JSON.readTree(some.body()).path("data");
    assertThat(restricted).hasSize(1);
    assertThat(restricted.get(0).path("id").asText()).isEqualTo("embed");
  }

  @Test
  void malformedRequestsGet4xxInOpenAiShapeAndAreNeverForwarded() throws Exception {
    int before = upstream.received().size();
    assertError(
        send(ClientRequest.postJson("/v1/chat/completions", key.secret(), "{not json")), 400, null);
    assertError(
        send(ClientRequest.postJson("/v1/chat/completions", key.secret(), "[1,2]")), 400, null);
    Exchange noModel =
        send(ClientRequest.postJson("/v1/chat/completions", key.secret(), "{\"messages\":[]}"));
    assertError(noModel, 400, null);
    assertThat(JSON.readTree(noModel.body()).path("error").path("param").asText())
        .isEqualTo("model");
    ClientRequest text = ClientRequest.postJson("/v1/chat/completions", key.secret(), CHAT);
    text.headers().put("content-type", "text/plain");
    assertError(send(text), 415, "unsupported_media_type");
    String big = CHAT.replace("Hello!", "x".repeat(5000));
    assertError(
        send(ClientRequest.postJson("/v1/chat/completions", key.secret(), big)),
        413,
        "request_too_large");
    assertError(
        send(ClientRequest.get("/v1/chat/completions", key.secret())), 405, "method_not_allowed");
    assertError(send(ClientRequest.postJson("/v1/files", key.secret(), CHAT)), 404, "not_found");
    assertThat(upstream.received()).hasSize(before);
  }

  @Test
  void quotaRejectionIs429WithItsHeadersAndAdmissionSeesTheResolvedRequest() throws Exception {
    admitted.clear();
    Exchange exchange =
        send(
            ClientRequest.postJson(
                "/v1/chat/completions",
                key.secret(),
                "{\"model\":\"limited\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hello there, how are you?\"}]}"));
    assertError(exchange, 429, "quota_exceeded");
    assertThat(exchange.headers()).containsEntry("retry-after", "30");
    AdmissionRequest request = admitted.getLast();
    assertThat(request.keyId()).isEqualTo(key.id());
    assertThat(request.teamId()).isEqualTo(key.teamId());
    assertThat(request.provider()).isEqualTo("openai-main");
    assertThat(request.upstreamModel()).isEqualTo("gpt-5-nano");
    assertThat(request.maxOutputTokens()).isEqualTo(50L);
    // 3 per message + 3 reply priming + the text's tokens (7 with o200k_base)
    assertThat(request.estimatedInputTokens()).isBetween(10L, 16L);
  }

  @Test
  void finishedRequestIsSettledWithItsUsageAndMetricsAreLabelled() {
    upstream.answerWith(Cassette.openAi("chat-basic.yaml").first().response());
    settled.clear();
    send(ClientRequest.postJson("/v1/chat/completions", key.secret(), CHAT));
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (settled.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    UsageRecord record = settled.getFirst();
    assertThat(record.status()).isEqualTo(200);
    assertThat(record.usageReported()).isTrue();
    assertThat(record.usage().inputTokens()).isPositive();
    var tokens =
        gateway
            .metrics
            .find("gen_ai.client.token.usage")
            .tag("gen_ai.request.model", "chat")
            .tag("gen_ai.provider.name", "openai-main")
            .tag("gen_ai.token.type", "input")
            .tag("http.response.status_code", "200")
            .summary();
    assertThat(tokens).isNotNull();
    assertThat(tokens.totalAmount()).isPositive();
    assertThat(
            gateway
                .metrics
                .find("gen_ai.server.request.duration")
                .tag("gen_ai.request.model", "chat")
                .timer())
        .isNotNull();
  }

  @Test
  void streamWithoutClientUsageOptionHidesTheUsageChunkButMetersIt() throws Exception {
    // The upstream answers as OpenAI does when include_usage is on (the gateway turned it on).
    Cassette.Response withUsage =
        Cassette.openAi("completion-streaming-usage.yaml").first().response();
    upstream.answerWith(withUsage);
    gateway.usage.clear();
    for (int chunkSize : new int[] {7, 64, 100_000}) {
      Exchange exchange;
      try (EnvoyLikeClient client = gateway.client()) {
        exchange =
            client.send(
                ClientRequest.postJson(
                    "/v1/completions",
                    key.secret(),
                    "{\"model\":\"chat\",\"prompt\":\"Say hi\",\"stream\":true}"),
                chunkSize);
      }
      assertThat(exchange.protocolErrors()).isEmpty();
      // The attempt point's answer to the response headers (after its answer to the request
      // headers, which carried the translated body).
      ProcessingResponse headersAnswer = exchange.answers().get(3);
      assertThat(headersAnswer.getModeOverride().getResponseBodyMode())
          .isEqualTo(ProcessingMode.BodySendMode.STREAMED);
      assertThat(
              headersAnswer
                  .getResponseHeaders()
                  .getResponse()
                  .getHeaderMutation()
                  .getRemoveHeadersList())
          .contains("content-length");
      assertThat(exchange.responseChunks()).isGreaterThanOrEqualTo(chunkSize == 100_000 ? 1 : 2);
      JsonNode sent = JSON.readTree(upstream.last().body());
      assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();

      String client = exchange.bodyText();
      assertThat(client).doesNotContain("\"usage\"");
      assertThat(texts(client)).isEqualTo(texts(withUsage.bodyText()));
      assertThat(client.trim()).endsWith("data: [DONE]");
      long events = client.lines().filter(l -> l.startsWith("data:")).count();
      long recordedEvents = withUsage.bodyText().lines().filter(l -> l.startsWith("data:")).count();
      assertThat(events).isEqualTo(recordedEvents - 1);

      UsageRecord usage = gateway.nextUsage();
      assertThat(usage.streamed()).isTrue();
      assertThat(usage.usageReported()).isTrue();
      assertThat(usage.usage().inputTokens()).isPositive();
      assertThat(usage.timeToFirstToken()).isNotNull();
    }
  }

  @Test
  void clientHeadersOutsideTheSchemasAllowListNeverReachTheProvider() throws Exception {
    upstream.answerWith(Cassette.openAi("chat-basic.yaml").first().response());
    ClientRequest request = ClientRequest.postJson("/v1/chat/completions", key.secret(), CHAT);
    request.headers().put("cookie", "session=abc");
    request.headers().put("openai-project", "proj_client");
    request.headers().put("openai-organization", "org-client");
    request.headers().put("x-envoy-retry-on", "5xx");
    request.headers().put("x-envoy-max-retries", "10");
    request.headers().put("x-forwarded-for", "10.0.0.7");
    request.headers().put("x-stainless-lang", "java");
    request.headers().put("api-key", key.secret());
    request.headers().put("openai-beta", "assistants=v2");
    request.headers().put("user-agent", "OpenAI/Java");

    Exchange exchange = send(request);

    assertThat(exchange.status()).isEqualTo(200);
    Map<String, String> sent = upstream.last().headers();
    assertThat(sent)
        .doesNotContainKeys(
            "cookie",
            "openai-project",
            "x-envoy-retry-on",
            "x-envoy-max-retries",
            "x-forwarded-for",
            "x-stainless-lang",
            "api-key",
            "x-api-key")
        // The provider's configured organization, never the client's.
        .containsEntry("openai-organization", "org-1")
        .containsEntry("openai-beta", "assistants=v2")
        .containsEntry("user-agent", "OpenAI/Java")
        .containsEntry("accept-encoding", "identity");
    assertThat(sent.values()).noneMatch(v -> v.contains(key.secret()));
  }

  @Test
  void providerAccountHeadersNeverReachTheClientButTheGatewaysRateLimitsDo() throws Exception {
    var recorded = Cassette.openAi("chat-basic.yaml").first().response();
    Map<String, String> headers = new java.util.HashMap<>(recorded.headers());
    headers.put("openai-organization", "org-shared");
    headers.put("openai-project", "proj_shared");
    headers.put("set-cookie", "__cf_bm=secret; path=/");
    headers.put("x-ratelimit-remaining-tokens", "149990000");
    headers.put("x-ratelimit-limit-requests", "10000");
    headers.put("cf-ray", "8f-IAD");
    upstream.answerWith(new Cassette.Response(200, headers, recorded.body()));

    Exchange exchange = send(ClientRequest.postJson("/v1/chat/completions", key.secret(), CHAT));

    assertThat(exchange.status()).isEqualTo(200);
    assertThat(exchange.headers())
        .doesNotContainKeys(
            "openai-organization",
            "openai-project",
            "set-cookie",
            "cf-ray",
            "x-ratelimit-limit-requests")
        .containsEntry("x-ratelimit-remaining-tokens", "999");
  }

  @Test
  void gzipResponseFromAProviderIsDecodedBeforeTranslation() throws Exception {
    var recorded = Cassette.openAi("chat-basic.yaml").first().response();
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.GZIPOutputStream(gz)) {
      out.write(recorded.body());
    }
    Map<String, String> headers = new java.util.HashMap<>(recorded.headers());
    headers.put(FakeUpstream.RAW_CONTENT_ENCODING, "gzip");
    upstream.answerWith(new Cassette.Response(200, headers, gz.toByteArray()));

    Exchange exchange = send(ClientRequest.postJson("/v1/chat/completions", key.secret(), CHAT));

    assertThat(exchange.status()).isEqualTo(200);
    assertThat(exchange.headers()).doesNotContainKey("content-encoding");
    assertThat(exchange.bodyText()).isEqualTo(recorded.bodyText());
    assertThat(settled.getLast().usageReported()).isTrue();
  }

  @Test
  void responseInAnEncodingTheGatewayCannotReadIsA502InOpenAiShape() throws Exception {
    var recorded = Cassette.openAi("chat-basic.yaml").first().response();
    Map<String, String> headers = new java.util.HashMap<>(recorded.headers());
    headers.put(FakeUpstream.RAW_CONTENT_ENCODING, "br");
    upstream.answerWith(new Cassette.Response(200, headers, new byte[] {0x1b, 0x2f, 0x00}));

    Exchange exchange = send(ClientRequest.postJson("/v1/chat/completions", key.secret(), CHAT));

    assertError(exchange, 502, "bad_gateway");
    assertThat(exchange.bodyText()).contains("content-encoding 'br'");
  }

  @Test
  void upstreamErrorThatIsNotJsonReachesTheClientInOpenAiShapeWithItsStatus() throws Exception {
    upstream.answerWith(
        new Cassette.Response(
            503,
            Map.of("content-type", "text/html"),
            "<html>Service Unavailable</html>".getBytes(StandardCharsets.UTF_8)));
    Exchange exchange = send(ClientRequest.postJson("/v1/chat/completions", key.secret(), CHAT));
    assertError(exchange, 503, "upstream_503");
    assertThat(exchange.headers()).containsEntry("content-type", "application/json");
    assertThat(exchange.headers().get("content-length"))
        .isEqualTo(Integer.toString(exchange.body().length));
  }

  @Test
  void translatedUpstream2xxThatIsNoAnswerReachesTheClientAs502NotAs200() throws Exception {
    try (FakeUpstream claude =
        new FakeUpstream(
            new Cassette.Response(
                200,
                Map.of("content-type", "text/html"),
                "<html>captive portal</html>".getBytes(StandardCharsets.UTF_8)))) {
      UUID anthropic =
          gateway.config.provider(
              "anthropic-main", "anthropic", claude.baseUri().toString(), "{}", "sk-ant-test");
      gateway.config.model("claude", TestConfig.target(anthropic, "claude-haiku-4-5"));
      gateway.route("anthropic-main", claude.baseUri());
      gateway.awaitConfig();
      Exchange exchange =
          send(
              ClientRequest.postJson(
                  "/v1/chat/completions", key.secret(), CHAT.replace("\"chat\"", "\"claude\"")));
      assertError(exchange, 502, "bad_gateway");
      assertThat(exchange.headers()).containsEntry("content-type", "application/json");
    }
  }

  @Test
  void anthropicOverloadedErrorKeepsItsStatusInOpenAisErrorShape() throws Exception {
    // The body as Anthropic's errors reference shows it for HTTP 529.
    try (FakeUpstream claude =
        new FakeUpstream(
            new Cassette.Response(
                529,
                Map.of("content-type", "application/json"),
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"
                    .getBytes(StandardCharsets.UTF_8)))) {
      UUID anthropic =
          gateway.config.provider(
              "anthropic-busy", "anthropic", claude.baseUri().toString(), "{}", "sk-ant-test");
      gateway.config.model("claude-busy", TestConfig.target(anthropic, "claude-haiku-4-5"));
      gateway.route("anthropic-busy", claude.baseUri());
      gateway.awaitConfig();
      Exchange exchange =
          send(
              ClientRequest.postJson(
                  "/v1/chat/completions",
                  key.secret(),
                  CHAT.replace("\"chat\"", "\"claude-busy\"")));
      assertError(exchange, 529, "overloaded_error");
      assertThat(JSON.readTree(exchange.body()).path("error").path("type").asText())
          .isEqualTo("server_error");
      assertThat(exchange.headers().get("content-length"))
          .isEqualTo(Integer.toString(exchange.body().length));
    }
  }

  @Test
  void severalCredentialsAreUsedInTurnAndAzureGetsItsPathAndApiKey() throws Exception {
    Cassette.Response ok = Cassette.openAi("azure-chat-basic.yaml").first().response();
    try (FakeUpstream azure = new FakeUpstream(ok)) {
      UUID azureProvider =
          gateway.config.provider(
              "azure-east",
              "azure_openai",
              azure.baseUri() + "/prefix",
              "{\"api_version\":\"2024-10-21\"}",
              "azure-a",
              "azure-b");
      gateway.config.model("azure-chat", TestConfig.target(azureProvider, "my deployment"));
      gateway.route("azure-east", azure.baseUri());
      gateway.awaitConfig();
      for (int i = 0; i < 4; i++) {
        Exchange e =
            send(
                ClientRequest.postJson(
                    "/v1/chat/completions",
                    key.secret(),
                    CHAT.replace("\"chat\"", "\"azure-chat\"")));
        assertThat(e.status()).isEqualTo(200);
      }
      assertThat(azure.received())
          .extracting(r -> r.headers().get("api-key"))
          .containsExactly("azure-a", "azure-b", "azure-a", "azure-b");
      assertThat(azure.last().uri().toString())
          .isEqualTo(
              "/prefix/openai/deployments/my%20deployment/chat/completions?api-version=2024-10-21");
    }
  }

  @Test
  void openAiCompatibleServerIsCalledBelowItsSdkStyleBaseUrlWithNoCredentialWhenNoneIsStored()
      throws Exception {
    try (FakeUpstream ollama =
        new FakeUpstream(Cassette.openAi("embeddings-basic.yaml").first().response())) {
      UUID local =
          gateway.config.provider(
              "ollama", "openai_compatible", ollama.baseUri() + "/api/v1", "{}");
      gateway.config.model("local-embed", TestConfig.target(local, "nomic-embed-text"));
      gateway.route("ollama", ollama.baseUri());
      gateway.awaitConfig();
      Exchange e =
          send(
              ClientRequest.postJson(
                  "/v1/embeddings",
                  key.secret(),
                  "{\"model\":\"local-embed\",\"input\":\"hello\"}"));
      assertThat(e.status()).isEqualTo(200);
      assertThat(ollama.last().uri().getPath()).isEqualTo("/api/v1/embeddings");
      assertThat(ollama.last().headers()).doesNotContainKey("authorization");
      assertThat(JSON.readTree(ollama.last().body()).path("model").asText())
          .isEqualTo("nomic-embed-text");
    }
  }

  private static void assertError(Exchange exchange, int status, String code) throws Exception {
    assertThat(exchange.protocolErrors()).isEmpty();
    assertThat(exchange.status()).as(exchange.bodyText()).isEqualTo(status);
    JsonNode error = JSON.readTree(exchange.body()).path("error");
    assertThat(error.path("message").isTextual()).isTrue();
    assertThat(error.path("type").isTextual()).isTrue();
    assertThat(error.has("param")).isTrue();
    assertThat(error.has("code")).isTrue();
    if (code != null) {
      assertThat(error.path("code").asText()).isEqualTo(code);
    }
  }

  /** The concatenated text deltas of an SSE completion stream. */
  private static String texts(String sse) throws Exception {
    StringBuilder text = new StringBuilder();
    for (String line : sse.split("\n")) {
      if (line.startsWith("data: {")) {
        for (JsonNode choice : JSON.readTree(line.substring(6)).path("choices")) {
          text.append(choice.path("text").asText(""));
        }
      }
    }
    return text.toString();
  }
}
