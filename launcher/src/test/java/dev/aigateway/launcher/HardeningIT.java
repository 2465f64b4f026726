package dev.aigateway.launcher;

import static dev.aigateway.launcher.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigateway.fakeprovider.FakeProvider;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's request-path attacks (1 to 5) replayed against the packaged gateway ({@code java -jar
 * gateway.jar run}) with a fake provider, each showing the attack failing. docs/security.md lists
 * them with their fixes.
 */
class HardeningIT {
  private static final String ADMIN_TOKEN = "hardening-admin-token-0123456789abcdef012345";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @TempDir static Path dataDir;
  static FakeProvider provider;
  static GatewayProcess gateway;
  static AdminClient admin;
  static int proxyPort;

  @BeforeAll
  static void startGateway() throws Exception {
    provider = FakeProvider.start(0, Duration.ZERO);
    proxyPort = GatewayProcess.freePort();
    gateway = GatewayProcess.startReady(dataDir, ADMIN_TOKEN, proxyPort);
    admin = new AdminClient(gateway.adminPort, ADMIN_TOKEN);
    admin.createOpenAiCompatible("fake", provider.baseUrl() + "/v1", "sk-upstream-fake");
    admin.create(
        "/models",
        Map.of(
            "name", "gpt-h",
            "targets",
                List.of(
                    Map.of("provider", "fake", "model", "fake-model", "weight", 1, "priority", 0)),
            "pricing", Map.of("input_per_million", 1.0, "output_per_million", 2.0)));
    admin.create("/teams", Map.of("name", "hardening"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.terminate(Duration.ofSeconds(30));
      gateway.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  /** A new key (id, secret) that the proxy already accepts. */
  private static String[] key(String name) throws Exception {
    JsonNode key = admin.createKey(name, "hardening");
    String secret = key.path("key").asText();
    awaitTrue(
        Duration.ofSeconds(30),
        () -> post(secret, Map.of(), chat("warm up", "")).statusCode() == 200);
    return new String[] {key.path("id").asText(), secret};
  }

  private static OpenAIClient sdk(String secret) {
    return OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + proxyPort + "/v1")
        .apiKey(secret)
        .maxRetries(0)
        .timeout(Duration.ofSeconds(20))
        .build();
  }

  private static String chat(String text, String extra) {
    return "{\"model\":\"gpt-h\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + text
        + "\"}]"
        + extra
        + "}";
  }

  private static HttpRequest.Builder request(
      String secret, Map<String, String> headers, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (secret != null) {
      b.header("authorization", "Bearer " + secret);
    }
    headers.forEach(b::header);
    return b;
  }

  private static HttpResponse<String> post(String secret, Map<String, String> headers, String body)
      throws Exception {
    return HTTP.send(request(secret, headers, body).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Whether the ext_proc enforces a token quota on this key yet (config reaches it within about a
   * second): its answers then carry the quota's rate-limit headers.
   */
  private static boolean quotaApplies(String secret) throws Exception {
    return post(secret, Map.of(), chat("quota?", ",\"max_tokens\":1"))
        .headers()
        .firstValue("x-ratelimit-limit-tokens")
        .isPresent();
  }

  private static JsonNode ledger(String keyId) throws Exception {
    return admin.get("/usage/requests?key=" + keyId + "&limit=200").path("items");
  }

  private static String metrics() {
    return gateway.get("/metrics").orElseThrow().body();
  }

  /** One sample's value on /metrics, 0 when absent. */
  private static double counter(String series) {
    for (String line : metrics().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  /** Random printable characters: PostgreSQL compresses index values, repeated ones would fit. */
  private static String incompressible(int length) {
    Random random = new Random(14);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append((char) ('0' + random.nextInt(75)));
    }
    return s.toString();
  }

  @Test
  void attack1LedgerPoisonNeitherFreezesUsageNorFillsTheLedger() throws Exception {
    String[] k = key("poison");
    String longId = incompressible(6_000);
    double refusedBefore = counter("gateway_requests_unattributed_total{status=\"401\"}");
    for (int i = 0; i < 50; i++) {
      assertThat(post(null, Map.of("x-request-id", longId + i), chat("x", "")).statusCode())
          .isEqualTo(401);
    }
    String nulModel = "{\"model\":\"gpt-h\\u0000" + "m".repeat(3_000) + "\",\"messages\":[]}";
    assertThat(post(k[1], Map.of("x-request-id", longId), nulModel).statusCode()).isEqualTo(404);
    assertThat(post(k[1], Map.of("x-request-id", longId), chat("poisoned id", "")).statusCode())
        .isEqualTo(200);
    assertThat(post(k[1], Map.of(), chat("after the poison", "")).statusCode()).isEqualTo(200);

    // Usage keeps flowing: the warm-up, the 404, the poisoned id and the one after, all recorded.
    awaitTrue(Duration.ofSeconds(15), () -> ledger(k[0]).size() == 4);
    JsonNode rows = ledger(k[0]);
    assertThat(rows)
        .allSatisfy(r -> assertThat(UUID.fromString(r.path("request_id").asText())).isNotNull());
    assertThat(rows)
        .filteredOn(r -> r.path("status").asInt() == 404)
        .singleElement()
        .satisfies(r -> assertThat(r.path("model").asText()).hasSize(256).startsWith("gpt-h?m"));
    // The proxy, like Envoy for a client it does not trust, replaces a client's x-request-id (issue
    // 15); the ext_proc's own cleaning and cutting of it is shown by UnderMeteringAttackTest.
    assertThat(rows)
        .allSatisfy(
            r -> assertThat(r.path("client_request_id").asText()).hasSizeLessThanOrEqualTo(128));
    // The 50 keyless refusals are counted, not one ledger row each; nothing is stuck in the spool.
    assertThat(admin.get("/usage/requests?status=401&limit=1").path("total").asInt()).isZero();
    assertThat(counter("gateway_requests_unattributed_total{status=\"401\"}") - refusedBefore)
        .isEqualTo(50.0);
    assertThat(metrics())
        .contains("gateway_usage_spool_depth 0.0")
        .contains("gateway_usage_quarantined_total 0.0");
  }

  @Test
  void attack2OverflowingMaxTokensIsA400NeverAWrappedCounterOrA500() throws Exception {
    String[] k = key("overflow");
    JsonNode tokens =
        admin.create(
            "/quotas",
            Map.of(
                "scope",
                "key",
                "scope_id",
                k[0],
                "metric",
                "total_tokens",
                "window",
                "day",
                "limit",
                100_000));
    admin.create(
        "/quotas",
        Map.of(
            "scope", "key", "scope_id", k[0], "metric", "cost_usd", "window", "day", "limit", 5));
    OpenAIClient client = sdk(k[1]);
    awaitTrue(Duration.ofSeconds(10), () -> quotaApplies(k[1]));

    assertThatThrownBy(
            () ->
                client
                    .chat()
                    .completions()
                    .create(
                        ChatCompletionCreateParams.builder()
                            .model("gpt-h")
                            .addUserMessage("overflow")
                            .maxTokens(Long.MAX_VALUE)
                            .build()))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.getMessage()).contains("max_tokens");
            });
    HttpResponse<String> raw =
        post(k[1], Map.of(), chat("overflow", ",\"max_completion_tokens\":1e30"));
    assertThat(raw.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(raw.body()).path("error").path("param").asText())
        .isEqualTo("max_completion_tokens");

    // Still enforced afterwards, from a counter that never went negative.
    assertThat(post(k[1], Map.of(), chat("fine", ",\"max_tokens\":10")).statusCode())
        .isEqualTo(200);
    Thread.sleep(1_000);
    long used =
        admin.get("/quotas/" + tokens.path("id").asText()).path("usage").path("used").asLong();
    assertThat(used).isBetween(1L, 100_000L);
  }

  @Test
  void attack3UnknownModelNamesDoNotBecomeMetricLabels() throws Exception {
    String[] k = key("cardinality");
    int before = metrics().length();
    for (int i = 0; i < 300; i++) {
      String body =
          "{\"model\":\"attacker-model-"
              + i
              + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
      assertThat(post(k[1], Map.of(), body).statusCode()).isEqualTo(404);
    }
    String after = metrics();
    System.out.printf(
        "cardinality: /metrics %d bytes before, %d after 300 unknown models%n",
        before, after.length());
    assertThat(after)
        .doesNotContain("attacker-model-")
        .contains("gen_ai_request_model=\"unknown\"");
    // The same handful of series as before the 300 names (a few KB, not 300 series' worth).
    assertThat(after.length() - before).isLessThan(20_000);
  }

  @Test
  void attack4AStreamCutMidWayIsMeteredWithWhatWasDelivered() throws Exception {
    String[] k = key("cut-stream");
    provider.chunkDelay(Duration.ofMillis(40));
    try {
      String words = String.join(" ", java.util.Collections.nCopies(60, "word"));
      HttpResponse<InputStream> response =
          HTTP.send(
              request(k[1], Map.of(), chat(words, ",\"stream\":true")).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      int events = 0;
      try (InputStream body = response.body();
          BufferedReader reader =
              new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String line;
        while (events < 8 && (line = reader.readLine()) != null) {
          if (line.startsWith("data:")) {
            events++;
          }
        }
      } // closing mid-stream: the client hangs up
      assertThat(events).isEqualTo(8);
    } finally {
      provider.chunkDelay(Duration.ZERO);
    }

    awaitTrue(
        Duration.ofSeconds(15),
        () -> {
          for (JsonNode r : ledger(k[0])) {
            if (r.path("streamed").asBoolean()) {
              return true;
            }
          }
          return false;
        });
    JsonNode cut = null;
    for (JsonNode r : ledger(k[0])) {
      if (r.path("streamed").asBoolean()) {
        cut = r;
      }
    }
    // Before: 0 tokens and $0. Now the delivered words are counted, and the prompt estimated.
    assertThat(cut.path("output_tokens").asLong()).isBetween(3L, 60L);
    assertThat(cut.path("input_tokens").asLong()).isGreaterThan(60L);
    assertThat(cut.path("cost_usd").decimalValue()).isPositive();
  }

  @Test
  void attack4ClientsThatHangUpBeforeTheHeadersAreChargedWhatTheProviderServed() throws Exception {
    String[] k = key("hang-up");
    JsonNode quota =
        admin.create(
            "/quotas",
            Map.of(
                "scope",
                "key",
                "scope_id",
                k[0],
                "metric",
                "output_tokens",
                "window",
                "day",
                "limit",
                1_000_000));
    awaitTrue(Duration.ofSeconds(10), () -> quotaApplies(k[1]));
    Thread.sleep(500); // the quota probes reach the ledger
    int rowsBefore = ledger(k[0]).size();
    int served = provider.reportedUsage().size();
    provider.responseDelay(Duration.ofMillis(1_500));
    try {
      for (int i = 0; i < 5; i++) {
        HttpRequest abandoned =
            request(k[1], Map.of(), chat("slow " + i, ",\"max_tokens\":50"))
                .timeout(Duration.ofMillis(300))
                .build();
        assertThatThrownBy(() -> HTTP.send(abandoned, HttpResponse.BodyHandlers.ofString()))
            .isInstanceOf(HttpTimeoutException.class);
      }
      // Let every forwarded request reach the provider and every exchange end.
      Thread.sleep(3_000);
    } finally {
      provider.responseDelay(Duration.ZERO);
    }
    int reached = provider.reportedUsage().size() - served;
    assertThat(reached).isPositive();

    // Before: every abandoned request was released, quota usage 0 while the provider served them.
    // Now each forwarded one is charged (its reservation when the ext_proc saw no response, else
    // its usage), at least as many as the provider served.
    awaitTrue(Duration.ofSeconds(15), () -> ledger(k[0]).size() == rowsBefore + 5);
    List<JsonNode> abandoned = new java.util.ArrayList<>();
    ledger(k[0]).forEach(abandoned::add);
    abandoned = abandoned.subList(0, 5); // newest first: the five abandoned requests
    long charged = abandoned.stream().filter(r -> r.path("output_tokens").asLong() > 0).count();
    System.out.printf(
        "hang-up before headers: %d abandoned, %d reached the provider, %d charged, statuses %s%n",
        abandoned.size(),
        reached,
        charged,
        abandoned.stream().map(r -> r.path("status").asText()).toList());
    assertThat(abandoned).hasSize(5);
    assertThat(charged).isGreaterThanOrEqualTo(reached);
    long outputCharged = 0;
    for (JsonNode r : abandoned) {
      outputCharged += r.path("output_tokens").asLong();
    }
    long expected = outputCharged;
    awaitTrue(
        Duration.ofSeconds(5),
        () ->
            admin.get("/quotas/" + quota.path("id").asText()).path("usage").path("used").asLong()
                >= expected);
  }

  @Test
  void attack5TheReservationIsWhatTheProviderWillBeHeldToCountingN() throws Exception {
    String[] k = key("reservation");
    JsonNode quota =
        admin.create(
            "/quotas",
            Map.of(
                "scope",
                "key",
                "scope_id",
                k[0],
                "metric",
                "output_tokens",
                "window",
                "day",
                "limit",
                1_200));
    awaitTrue(Duration.ofSeconds(10), () -> quotaApplies(k[1]));
    OpenAIClient client = sdk(k[1]);

    // 5 choices of up to 300 tokens each: 1,500 over a limit of 1,200 (once reserved as 300).
    assertThatThrownBy(
            () ->
                client
                    .chat()
                    .completions()
                    .create(
                        ChatCompletionCreateParams.builder()
                            .model("gpt-h")
                            .addUserMessage("many")
                            .n(5)
                            .maxCompletionTokens(300)
                            .build()))
        .isInstanceOf(RateLimitException.class);
    // A server honouring max_tokens could generate 2,000 (once reserved as 10).
    assertThat(
            post(k[1], Map.of(), chat("both", ",\"max_completion_tokens\":10,\"max_tokens\":2000"))
                .statusCode())
        .isEqualTo(429);
    // Without a limit, the provider is held to the reservation: the gateway sets max_tokens.
    provider.clearReceived();
    assertThat(post(k[1], Map.of(), chat("no limit", "")).statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(provider.received().getLast().body()).path("max_tokens").asLong())
        .isEqualTo(1024);
  }
}
