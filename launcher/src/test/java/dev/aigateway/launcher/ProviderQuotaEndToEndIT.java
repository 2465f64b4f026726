package dev.aigateway.launcher;

import static dev.aigateway.launcher.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigateway.fakeprovider.FakeProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, quota-aware skip for a provider quota, through the packaged gateway (embedded proxy,
 * control plane, data plane, PostgreSQL) with the OpenAI SDK: once the quota of the first target's
 * provider is used up, its targets are published DEGRADED and the next request goes straight to the
 * second target. Its own gateway: the cooldown lasts until the end of the day, and would hide other
 * tests' cooldowns.
 */
class ProviderQuotaEndToEndIT {
  private static final String ADMIN_TOKEN = "e2e-admin-token-provquota-0123456789abcdef01";
  private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

  @TempDir static Path dataDir;
  static FakeProvider first;
  static FakeProvider second;
  static GatewayProcess gateway;
  static AdminClient admin;
  static OpenAIClient client;

  @BeforeAll
  static void startGateway() throws Exception {
    first = FakeProvider.start(0, Duration.ZERO);
    second = FakeProvider.start(0, Duration.ZERO);
    int proxyPort = GatewayProcess.freePort();
    gateway = GatewayProcess.startReady(dataDir, ADMIN_TOKEN, proxyPort);
    admin = new AdminClient(gateway.adminPort, ADMIN_TOKEN);
    admin.create("/teams", Map.of("name", "provquota"));
    JsonNode key =
        admin.create(
            "/keys",
            Map.of("name", "provquota-key", "team", "provquota", "allowed_models", List.of()));
    client =
        Sdk.openAiBuilder(proxyPort, key.path("key").asText())
            .timeout(Duration.ofSeconds(30))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.terminate(Duration.ofSeconds(30));
      gateway.close();
    }
    if (first != null) {
      first.close();
    }
    if (second != null) {
      second.close();
    }
  }

  private static JsonNode provider(String name, FakeProvider fake, String secret) throws Exception {
    return admin.create(
        "/providers",
        Map.of(
            "name",
            name,
            "schema",
            "openai",
            "base_url",
            fake.baseUrl() + "/v1",
            "settings",
            Map.of(),
            "credentials",
            List.of(Map.of("kind", "api_key", "api_key", secret))));
  }

  private static HttpResponseFor<ChatCompletion> chat(String text) {
    return client
        .chat()
        .completions()
        .withRawResponse()
        .create(
            ChatCompletionCreateParams.builder()
                .model("pq-model")
                .maxCompletionTokens(64)
                .addUserMessage(text)
                .build());
  }

  private static String header(HttpResponseFor<?> response, String name) {
    List<String> values = response.headers().values(name);
    return values.isEmpty() ? null : values.getFirst();
  }

  /** Whether the proxy runs clusters with a target in a cooldown (the snapshot version says). */
  private static boolean cooldownPushed() throws Exception {
    for (JsonNode node : admin.get("/fleets/default").path("nodes")) {
      if (node.path("acked_versions").path(CDS).asText().contains("-cooldown-")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void afterTheFirstProvidersQuotaIsUsedUpTheNextRequestGoesStraightToTheSecond() throws Exception {
    JsonNode p = provider("pq-first", first, "sk-openai-fake-provquota-0001");
    provider("pq-second", second, "sk-openai-fake-provquota-0002");
    // A handful of tokens: the first answer uses them up.
    admin.create(
        "/quotas",
        Map.of(
            "scope",
            "provider",
            "scope_id",
            p.path("id").asText(),
            "metric",
            "total_tokens",
            "window",
            "day",
            "limit",
            5));
    admin.create(
        "/models",
        Map.of(
            "name",
            "pq-model",
            "targets",
            List.of(
                Map.of("provider", "pq-first", "model", "up-first", "weight", 1, "priority", 0),
                Map.of("provider", "pq-second", "model", "up-second", "weight", 1, "priority", 1)),
            "failover",
            Map.of("retry_on", List.of("connect-failure", "5xx", "429"), "attempts", 2)));
    assertThat(cooldownPushed()).isFalse();

    // Served by the first provider until its used-up quota has reached the proxy as a cooldown
    // (the first served request is charged once the data plane holds the quota; until then a
    // request may be served without being counted).
    awaitTrue(
        Duration.ofSeconds(20),
        () -> {
          try {
            chat("use the quota").parse();
          } catch (RuntimeException e) {
            return false; // the model not routed yet
          }
          return cooldownPushed();
        });
    assertThat(first.received()).isNotEmpty();
    int firstCalls = first.received().size();
    second.clearReceived();

    HttpResponseFor<ChatCompletion> next = chat("skip the first provider");

    assertThat(next.parse().choices().getFirst().message().content().orElse(""))
        .contains("You said: skip the first provider");
    assertThat(header(next, "x-gateway-served-by")).isEqualTo("pq-second/up-second");
    assertThat(header(next, "x-gateway-attempts")).isEqualTo("1");
    assertThat(first.received()).as("no further call to the first provider").hasSize(firstCalls);
    assertThat(second.received()).hasSize(1);
  }
}
