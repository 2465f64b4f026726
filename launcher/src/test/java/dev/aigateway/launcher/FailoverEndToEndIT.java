package dev.aigateway.launcher;

import static dev.aigateway.launcher.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigateway.fakeprovider.FailureMode;
import dev.aigateway.fakeprovider.FakeProvider;
import dev.aigateway.launcher.FakeUpstreams.Upstream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 19 end to end: one gateway process ({@code run}: the embedded proxy on the control plane's
 * xDS, both ext_proc processing points), the official OpenAI Java SDK without client retries, and
 * one fake provider for every schema. A model whose first target (OpenAI-compatible) fails is
 * served by its second target (Anthropic or Bedrock) every time, plain and streamed, whether the
 * first answers 503 or 429, drops the connection or is too slow for the per-attempt timeout; the
 * ledger has a row per attempt; a target that keeps failing is set aside and comes back.
 */
class FailoverEndToEndIT {
  private static final String ADMIN_TOKEN = "e2e-admin-token-failover-0123456789abcdef01";

  @TempDir static Path dataDir;
  static FakeProvider fake;

  /** A provider on its own address, so that ejecting its endpoint ejects nothing else. */
  static FakeProvider ejectable;

  static GatewayProcess gateway;
  static AdminClient admin;
  static int proxyPort;
  static OpenAIClient client;
  static String keyId;
  static Upstream anthropic;
  static Upstream bedrock;

  /** A failure of the first target, and the second target's schema. */
  record Case(String model, FailureMode failure, Upstream second) {
    @Override
    public String toString() {
      return model;
    }
  }

  static List<Case> cases = new ArrayList<>();

  @BeforeAll
  static void startGateway() throws Exception {
    fake = FakeProvider.start(0, Duration.ZERO);
    ejectable = FakeProvider.start(0, Duration.ZERO);
    List<Upstream> all = FakeUpstreams.all(fake);
    anthropic = all.stream().filter(u -> u.schema().equals("anthropic")).findFirst().orElseThrow();
    bedrock = all.stream().filter(u -> u.schema().equals("aws_bedrock")).findFirst().orElseThrow();
    proxyPort = GatewayProcess.freePort();
    gateway = GatewayProcess.startReady(dataDir, ADMIN_TOKEN, proxyPort);
    admin = new AdminClient(gateway.adminPort, ADMIN_TOKEN);

    admin.create("/teams", Map.of("name", "failover"));
    JsonNode key =
        admin.create(
            "/keys",
            Map.of("name", "failover-key", "team", "failover", "allowed_models", List.of()));
    keyId = key.path("id").asText();
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl("http://127.0.0.1:" + proxyPort + "/v1")
            .apiKey(key.path("key").asText())
            .maxRetries(0)
            .timeout(Duration.ofSeconds(30))
            .build();
    admin.create(
        "/providers",
        Map.of(
            "name",
            "fo-openai",
            "schema",
            "openai",
            "base_url",
            fake.baseUrl() + "/v1",
            "settings",
            Map.of(),
            "credentials",
            List.of(Map.of("kind", "api_key", "api_key", "sk-openai-fake-failover-0001"))));
    admin.create(
        "/providers",
        Map.of(
            "name",
            "fo-ejectable",
            "schema",
            "openai",
            "base_url",
            ejectable.baseUrl() + "/v1",
            "settings",
            Map.of(),
            "credentials",
            List.of(Map.of("kind", "api_key", "api_key", "sk-openai-fake-failover-0002"))));
    admin.create("/providers", anthropic.providerBody(fake));
    admin.create("/providers", bedrock.providerBody(fake));

    cases.add(new Case("fo-503", FailureMode.status(503), anthropic));
    cases.add(new Case("fo-429", FailureMode.tooManyRequests(Duration.ofSeconds(1)), bedrock));
    cases.add(new Case("fo-529", FailureMode.status(529), anthropic));
    cases.add(new Case("fo-reset", new FailureMode.Reset(), bedrock));
    cases.add(new Case("fo-slow", new FailureMode.Slow(Duration.ofSeconds(6)), anthropic));
    for (Case c : cases) {
      model(c.model(), "fo-openai", c.second(), 1000);
      fake.failModel("up-" + c.model(), c.failure());
    }
    model("fo-eject", "fo-ejectable", anthropic, 0);
    // No per-attempt timeout: on a loaded machine a 1 s timeout could cut the failing attempt
    // first, and the ledger would rightly show it unanswered (status 0, its reservation charged).
    model("fo-ledger", "fo-openai", anthropic, 0);
    fake.failModel("up-fo-ledger", FailureMode.status(503));
    for (Case c : cases) {
      awaitTrue(Duration.ofSeconds(30), () -> served(c.model()));
    }
  }

  /** First target: {@code first} (OpenAI) with upstream model "up-NAME"; second: {@code second}. */
  private static void model(String name, String first, Upstream second, int perAttemptTimeoutMs)
      throws Exception {
    Map<String, Object> failover = new HashMap<>();
    failover.put("retry_on", List.of("connect-failure", "reset", "5xx", "429", "529"));
    failover.put("attempts", 2);
    failover.put("per_attempt_timeout_ms", perAttemptTimeoutMs);
    admin.create(
        "/models",
        Map.of(
            "name",
            name,
            "targets",
            List.of(
                Map.of("provider", first, "model", "up-" + name, "weight", 1, "priority", 0),
                Map.of(
                    "provider",
                    second.provider(),
                    "model",
                    second.upstreamModel(),
                    "weight",
                    1,
                    "priority",
                    1)),
            "failover",
            failover));
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
    if (ejectable != null) {
      ejectable.close();
    }
  }

  static Stream<Arguments> plainAndStreamed() {
    List<Arguments> args = new ArrayList<>();
    for (Case c : cases) {
      args.add(Arguments.of(c, false));
      args.add(Arguments.of(c, true));
    }
    return args.stream();
  }

  private static ChatCompletionCreateParams chat(String model, String text) {
    return ChatCompletionCreateParams.builder()
        .model(model)
        .maxCompletionTokens(64)
        .addUserMessage(text)
        .build();
  }

  private static boolean served(String model) {
    try {
      return client.chat().completions().create(chat(model, "warm up")).choices().size() == 1;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String header(HttpResponseFor<?> response, String name) {
    List<String> values = response.headers().values(name);
    return values.isEmpty() ? null : values.getFirst();
  }

  @ParameterizedTest(name = "{0} streamed={1}")
  @MethodSource("plainAndStreamed")
  void theSecondTargetServesEveryTimeTheFirstFails(Case c, boolean streamed) {
    for (int i = 0; i < 3; i++) {
      String text = "failover " + c.model() + " " + i;
      String servedBy;
      String attempts;
      String content;
      if (streamed) {
        try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> response =
            client.chat().completions().withRawResponse().createStreaming(chat(c.model(), text))) {
          servedBy = header(response, "x-gateway-served-by");
          attempts = header(response, "x-gateway-attempts");
          ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
          try (StreamResponse<ChatCompletionChunk> stream = response.parse()) {
            stream.stream().forEach(accumulator::accumulate);
          }
          content =
              accumulator.chatCompletion().choices().getFirst().message().content().orElse("");
        }
      } else {
        HttpResponseFor<ChatCompletion> response =
            client.chat().completions().withRawResponse().create(chat(c.model(), text));
        servedBy = header(response, "x-gateway-served-by");
        attempts = header(response, "x-gateway-attempts");
        content = response.parse().choices().getFirst().message().content().orElse("");
      }
      assertThat(content).contains("You said: " + text);
      assertThat(servedBy).isEqualTo(c.second().provider() + "/" + c.second().upstreamModel());
      // The first target was tried (or, once ejected, left out): never more than two attempts.
      assertThat(attempts).isIn("1", "2");
    }
  }

  @Test
  void theLedgerHasARowPerAttemptAndSaysWhichTargetServed() throws Exception {
    fake.clearReceived();
    HttpResponseFor<ChatCompletion> response =
        client.chat().completions().withRawResponse().create(chat("fo-ledger", "ledger"));
    assertThat(header(response, "x-gateway-attempts")).isEqualTo("2");

    String query = "/usage/requests?limit=100&key=" + keyId + "&model=fo-ledger";
    awaitTrue(
        Duration.ofSeconds(15),
        () -> {
          for (JsonNode item : admin.get(query).path("items")) {
            if (item.path("attempts").asInt() == 2 && item.path("attempt").asInt() == 2) {
              return true;
            }
          }
          return false;
        });
    JsonNode served = null;
    for (JsonNode item : admin.get(query).path("items")) {
      if (item.path("attempts").asInt() == 2 && item.path("attempt").asInt() == 2) {
        served = item;
      }
    }
    assertThat(served).isNotNull();
    assertThat(served.path("status").asInt()).isEqualTo(200);
    assertThat(served.path("provider").asText()).isEqualTo(anthropic.provider());
    assertThat(served.path("output_tokens").asLong()).isPositive();
    String requestId = served.path("request_id").asText();
    JsonNode failed = null;
    List<String> rows = new ArrayList<>();
    for (JsonNode item : admin.get(query).path("items")) {
      if (item.path("request_id").asText().equals(requestId)) {
        rows.add(item.toString());
        if (item.path("attempt").asInt() == 1) {
          failed = item;
        }
      }
    }
    assertThat(failed).as("rows of the request: %s", rows).isNotNull();
    assertThat(failed.path("status").asInt()).as("rows of the request: %s", rows).isEqualTo(503);
    assertThat(failed.path("provider").asText()).isEqualTo("fo-openai");
  }

  // Issue 19, quota-aware skip: the attempt point stores the 429's retry-after, the control plane
  // publishes that target DEGRADED, and the proxy sends the next request to the second target.
  @Test
  void afterA429WithRetryAfterTheNextRequestGoesStraightToTheSecondTarget() throws Exception {
    fake.failModel("up-fo-skip", FailureMode.tooManyRequests(Duration.ofSeconds(20)));
    // Cooldowns other tests caused (fo-429: 1 s) have ended, so the next one pushed is ours.
    awaitTrue(Duration.ofSeconds(15), () -> !cooldownPushed());
    model("fo-skip", "fo-openai", anthropic, 0);
    // The first request served: its first attempt got the 429, its second was served.
    awaitTrue(Duration.ofSeconds(30), () -> served("fo-skip"));
    assertThat(callsFor("up-fo-skip")).isEqualTo(1);
    awaitTrue(Duration.ofSeconds(15), FailoverEndToEndIT::cooldownPushed);

    HttpResponseFor<ChatCompletion> next =
        client.chat().completions().withRawResponse().create(chat("fo-skip", "skip"));

    assertThat(next.parse().choices()).hasSize(1);
    assertThat(header(next, "x-gateway-served-by"))
        .isEqualTo(anthropic.provider() + "/" + anthropic.upstreamModel());
    assertThat(header(next, "x-gateway-attempts")).isEqualTo("1");
    assertThat(callsFor("up-fo-skip")).as("no second call to the first target").isEqualTo(1);
    String requestId = header(next, "x-request-id");
    String query = "/usage/requests?limit=100&key=" + keyId + "&model=fo-skip";
    List<JsonNode> rows = new ArrayList<>();
    awaitTrue(
        Duration.ofSeconds(15),
        () -> {
          rows.clear();
          for (JsonNode item : admin.get(query).path("items")) {
            if (item.path("client_request_id").asText().equals(requestId)) {
              rows.add(item);
            }
          }
          return !rows.isEmpty();
        });
    assertThat(rows).hasSize(1);
    assertThat(rows.getFirst().path("attempts").asInt()).isEqualTo(1);
    assertThat(rows.getFirst().path("provider").asText()).isEqualTo(anthropic.provider());
    assertThat(rows.getFirst().path("status").asInt()).isEqualTo(200);
  }

  private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

  /** Whether the proxy runs clusters with a target in a cooldown (the snapshot version says). */
  private static boolean cooldownPushed() throws Exception {
    for (JsonNode node : admin.get("/fleets/default").path("nodes")) {
      if (node.path("acked_versions").path(CDS).asText().contains("-cooldown-")) {
        return true;
      }
    }
    return false;
  }

  private static long callsFor(String upstreamModel) {
    return fake.received().stream().filter(r -> r.body().contains(upstreamModel)).count();
  }

  @Test
  void aFailingTargetStopsBeingTriedWithinAFewRequestsAndComesBackAfterItsCooldown()
      throws Exception {
    ejectable.failModel("up-fo-eject", FailureMode.status(503));
    awaitTrue(Duration.ofSeconds(30), () -> served("fo-eject"));
    // Outlier detection (consecutive 5xx) sets the first target aside after a few failures.
    for (int i = 0; i < 8; i++) {
      assertThat(client.chat().completions().create(chat("fo-eject", "eject " + i)).choices())
          .hasSize(1);
    }
    ejectable.clearReceived();
    for (int i = 0; i < 5; i++) {
      client.chat().completions().create(chat("fo-eject", "set aside " + i));
    }
    assertThat(ejectable.received()).isEmpty();

    // Healthy again: after the ejection time it is the first choice once more.
    ejectable.failModel("up-fo-eject", null);
    awaitTrue(
        Duration.ofSeconds(90),
        () -> {
          HttpResponseFor<ChatCompletion> r =
              client.chat().completions().withRawResponse().create(chat("fo-eject", "back?"));
          return ("fo-ejectable/up-fo-eject").equals(header(r, "x-gateway-served-by"));
        });
  }
}
