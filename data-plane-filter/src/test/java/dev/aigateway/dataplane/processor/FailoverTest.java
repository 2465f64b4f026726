package dev.aigateway.dataplane.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionRequest;
import dev.aigateway.dataplane.admission.AdmissionTicket;
import dev.aigateway.dataplane.testing.Cassette;
import dev.aigateway.dataplane.testing.EnvoyLikeClient;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.ClientRequest;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.Exchange;
import dev.aigateway.dataplane.testing.FakeUpstream;
import dev.aigateway.dataplane.testing.GatewayHarness;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.dataplane.testing.TestConfig.IssuedKey;
import dev.aigateway.dataplane.translate.chat.Fixtures;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.dataplane.usage.UsageSource;
import dev.aigateway.db.Database;
import dev.aigateway.db.cooldown.TargetCooldown;
import dev.aigateway.db.cooldown.TargetCooldownRepository;
import dev.aigateway.db.testing.PostgresExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failover through both processing points (real gRPC, real HTTP upstreams, config in a real
 * PostgreSQL), with the harness trying targets by priority as the route's retry policy does: every
 * attempt is translated for its own target, metered and charged on its own, and a target whose
 * provider said when to come back is skipped without a provider call.
 */
@ExtendWith(PostgresExtension.class)
class FailoverTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHAT =
      "{\"model\":\"%s\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
  private static final List<UsageRecord> charged = new CopyOnWriteArrayList<>();
  private static final List<FakeUpstream> upstreams = new ArrayList<>();
  private static GatewayHarness gateway;
  private static IssuedKey key;
  private static Cassette.Response claudeOk;

  private static final Admission ADMISSION =
      new Admission() {
        @Override
        public AdmissionDecision admit(AdmissionRequest request) {
          return new AdmissionDecision.Admitted(AdmissionTicket.NONE);
        }

        @Override
        public void charge(UsageRecord attempt) {
          charged.add(attempt);
        }
      };

  @BeforeAll
  static void start(Database db) {
    gateway = new GatewayHarness(db, ADMISSION, 1 << 20);
    JsonNode interaction =
        Fixtures.interaction(
            "anthropic-recordings/pydantic-ai/test_anthropic_model_instructions.yaml", 0);
    claudeOk =
        new Cassette.Response(
            200, Map.of("content-type", "application/json"), Fixtures.responseBody(interaction));
    key = gateway.config.key("failover");
  }

  @AfterAll
  static void stop() {
    upstreams.forEach(FakeUpstream::close);
    gateway.close();
  }

  /** A model "name" whose first target (an OpenAI provider) answers {@code first}. */
  private static String modelFailingOver(String name, Cassette.Response first) {
    FakeUpstream broken = upstream(first);
    FakeUpstream claude = upstream(claudeOk);
    return model(name, broken.baseUri(), claude.baseUri());
  }

  private static String model(String name, URI first, URI second) {
    UUID openAi =
        gateway.config.provider(name + "-openai", "openai", first + "/v1", "{}", "sk-openai");
    UUID anthropic =
        gateway.config.provider(name + "-claude", "anthropic", second.toString(), "{}", "sk-ant");
    gateway.route(name + "-openai", first);
    gateway.route(name + "-claude", second);
    gateway.config.model(
        name,
        new TestConfig.Target(openAi, "gpt-5-nano", 1, 0),
        new TestConfig.Target(anthropic, "claude-haiku-4-5", 1, 1));
    gateway.awaitConfig();
    return name;
  }

  private static FakeUpstream upstream(Cassette.Response response) {
    FakeUpstream u = new FakeUpstream(response);
    upstreams.add(u);
    return u;
  }

  private static Cassette.Response error(int status, Map<String, String> extra) {
    Map<String, String> headers = new HashMap<>(extra);
    headers.put("content-type", "application/json");
    return new Cassette.Response(
        status,
        headers,
        ("{\"error\":{\"message\":\"upstream says " + status + "\",\"type\":\"server_error\"}}")
            .getBytes(StandardCharsets.UTF_8));
  }

  private static Exchange chat(String model) {
    try (EnvoyLikeClient client = gateway.client()) {
      return client.send(
          ClientRequest.postJson("/v1/chat/completions", key.secret(), CHAT.formatted(model)));
    }
  }

  private static List<UsageRecord> usageOf(int n) {
    List<UsageRecord> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(gateway.nextUsage());
    }
    return records;
  }

  @Test
  void a503FromTheOpenAiTargetIsServedByTheAnthropicTargetInOpenAisShape() throws Exception {
    gateway.usage.clear();
    charged.clear();
    String model = modelFailingOver("fo-503", error(503, Map.of()));

    Exchange exchange = chat(model);

    assertThat(exchange.protocolErrors()).isEmpty();
    assertThat(exchange.status()).as(exchange.bodyText()).isEqualTo(200);
    assertThat(exchange.attemptsMade()).hasSize(2);
    assertThat(exchange.attemptsMade().get(0)).endsWith(":503");
    assertThat(exchange.attemptsMade().get(1)).endsWith(":200");
    JsonNode body = JSON.readTree(exchange.body());
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.path("choices").path(0).path("message").path("content").asText()).isNotEmpty();
    assertThat(exchange.headers())
        .containsEntry("x-gateway-served-by", "fo-503-claude/claude-haiku-4-5")
        .containsEntry("x-gateway-attempts", "2");
    // The second attempt was translated and signed for Anthropic, not OpenAI.
    assertThat(exchange.upstreamHeaders()).containsEntry("x-api-key", "sk-ant");
    assertThat(exchange.upstreamHeaders()).doesNotContainKey("authorization");

    List<UsageRecord> records = usageOf(2);
    records.sort(java.util.Comparator.comparingInt(UsageRecord::attempt));
    assertThat(records).extracting(UsageRecord::requestId).containsOnly(records.get(0).requestId());
    assertThat(records.get(0).attempt()).isEqualTo(1);
    assertThat(records.get(0).status()).isEqualTo(503);
    assertThat(records.get(0).provider()).isEqualTo("fo-503-openai");
    assertThat(records.get(0).source()).isEqualTo(UsageSource.NONE);
    assertThat(records.get(1).attempt()).isEqualTo(2);
    assertThat(records.get(1).status()).isEqualTo(200);
    assertThat(records.get(1).provider()).isEqualTo("fo-503-claude");
    assertThat(records.get(1).target()).isNotNull().isNotEqualTo(records.get(0).target());
    assertThat(records.get(1).source()).isEqualTo(UsageSource.REPORTED);
    // Only the attempt that produced tokens is charged.
    assertThat(charged).containsExactly(records.get(1));
  }

  @Test
  void a429WithRetryAfterFailsOverAndTheNextRequestsStillReachTheSecondTarget() {
    FakeUpstream limited = upstream(error(429, Map.of("retry-after", "30")));
    FakeUpstream claude = upstream(claudeOk);
    String model = model("fo-429", limited.baseUri(), claude.baseUri());

    Exchange first = chat(model);
    Exchange second = chat(model);

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.attemptsMade().get(0)).endsWith(":429");
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.headers())
        .containsEntry("x-gateway-served-by", "fo-429-claude/claude-haiku-4-5");
    // Envoy does not retry a local reply from an upstream filter, so while another target can
    // serve, a cooling target is still tried (its provider refuses quickly) rather than skipped.
    assertThat(limited.received()).hasSize(2);
    assertThat(claude.received()).hasSize(2);
  }

  @Test
  void a429WithRetryAfterIsStoredAsTheTargetsCooldownForTheControlPlane() throws Exception {
    FakeUpstream limited = upstream(error(429, Map.of("retry-after", "30")));
    FakeUpstream claude = upstream(claudeOk);
    String model = model("fo-publish", limited.baseUri(), claude.baseUri());
    Instant before = Instant.now();

    Exchange first = chat(model);

    assertThat(first.status()).isEqualTo(200);
    String attempt = first.attemptsMade().get(0);
    assertThat(attempt).endsWith(":429");
    UUID target = UUID.fromString(attempt.substring(0, attempt.indexOf(':')));
    // Written off the request path: the row follows the answer shortly.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    List<TargetCooldown> stored = List.of();
    while (System.nanoTime() < deadline) {
      stored =
          TargetCooldownRepository.active(gateway.db.dsl()).stream()
              .filter(c -> c.targetId().equals(target))
              .toList();
      if (!stored.isEmpty()) {
        break;
      }
      Thread.sleep(20);
    }
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).status()).isEqualTo(429);
    assertThat(stored.get(0).endsAt())
        .isBetween(before.plusSeconds(29), Instant.now().plusSeconds(31));
    assertThat(gateway.metrics.counter("gateway.cooldowns.published").count()).isPositive();
  }

  @Test
  void aSingleTargetThatAskedToWaitIsAnsweredLocallyUntilItsRetryAfterWithoutAProviderCall() {
    FakeUpstream limited = upstream(error(429, Map.of("retry-after", "30")));
    UUID openAi =
        gateway.config.provider(
            "fo-alone-openai", "openai", limited.baseUri() + "/v1", "{}", "sk-openai");
    gateway.route("fo-alone-openai", limited.baseUri());
    gateway.config.model("fo-alone", new TestConfig.Target(openAi, "gpt-5-nano", 1, 0));
    gateway.awaitConfig();

    Exchange first = chat("fo-alone");
    Exchange second = chat("fo-alone");

    assertThat(first.status()).isEqualTo(429);
    assertThat(second.status()).isEqualTo(429);
    assertThat(second.headers()).containsEntry("x-gateway-skipped", "cooldown");
    assertThat(Integer.parseInt(second.headers().get("retry-after"))).isBetween(1, 30);
    assertThat(limited.received()).hasSize(1);
  }

  @Test
  void aConnectFailureMovesToTheNextTarget() throws Exception {
    URI closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
    FakeUpstream claude = upstream(claudeOk);
    String model = model("fo-connect", closed, claude.baseUri());

    Exchange exchange = chat(model);

    assertThat(exchange.status()).as(exchange.bodyText()).isEqualTo(200);
    assertThat(exchange.attemptsMade().get(0)).endsWith(":reset");
    assertThat(exchange.headers()).containsEntry("x-gateway-attempts", "2");
  }

  @Test
  void whenEveryTargetFailsTheClientGetsTheLastErrorInItsApisShapeWithRetryAfter()
      throws Exception {
    FakeUpstream down = upstream(error(503, Map.of()));
    FakeUpstream overloaded =
        upstream(
            new Cassette.Response(
                529,
                Map.of("content-type", "application/json", "retry-after", "7"),
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"
                    .getBytes(StandardCharsets.UTF_8)));
    String model = model("fo-all", down.baseUri(), overloaded.baseUri());

    Map<String, String> headers = new HashMap<>();
    headers.put("content-type", "application/json");
    headers.put("x-api-key", key.secret());
    headers.put("anthropic-version", "2023-06-01");
    Exchange exchange;
    try (EnvoyLikeClient client = gateway.client()) {
      exchange =
          client.send(
              new ClientRequest(
                  "POST",
                  "/v1/messages",
                  headers,
                  CHAT.formatted(model).getBytes(StandardCharsets.UTF_8)));
    }

    assertThat(exchange.status()).isEqualTo(529);
    assertThat(exchange.headers()).containsEntry("retry-after", "7");
    JsonNode error = JSON.readTree(exchange.body());
    assertThat(error.path("type").asText()).isEqualTo("error");
    assertThat(error.path("error").path("type").asText()).isNotEmpty();
    assertThat(exchange.attemptsMade()).hasSize(2);
  }

  @Test
  void clientSentInternalHeadersAreReplacedByTheRouterPoint() {
    FakeUpstream ok = upstream(Cassette.openAi("chat-basic.yaml").first().response());
    FakeUpstream claude = upstream(claudeOk);
    String model = model("fo-forged", ok.baseUri(), claude.baseUri());
    ClientRequest request =
        ClientRequest.postJson("/v1/chat/completions", key.secret(), CHAT.formatted(model));
    request.headers().put("x-gateway-key-id", UUID.randomUUID().toString());
    request.headers().put("x-gateway-pinned-provider", "fo-forged-claude");

    Exchange exchange;
    try (EnvoyLikeClient client = gateway.client()) {
      exchange = client.send(request);
    }

    assertThat(exchange.status()).isEqualTo(200);
    assertThat(exchange.headers())
        .containsEntry("x-gateway-served-by", "fo-forged-openai/gpt-5-nano");
    assertThat(ok.last().headers().keySet()).noneMatch(h -> h.startsWith("x-gateway-"));
  }
}
