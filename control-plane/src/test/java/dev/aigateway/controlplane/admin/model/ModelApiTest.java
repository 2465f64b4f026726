package dev.aigateway.controlplane.admin.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.controlplane.admin.AdminClient;
import dev.aigateway.controlplane.admin.AdminServer;
import dev.aigateway.controlplane.admin.Fixtures;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelApiTest {
  private final AdminServer server;
  private final AdminClient client;

  ModelApiTest(Database db) {
    this.server = AdminServer.start(db);
    this.client = server.client();
    Fixtures.provider(client, "openai-main");
    Fixtures.provider(client, "openai-backup");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void modelLifecycleReplacesTargetsWholeAndKeepsPricing() {
    JsonNode created = Fixtures.model(client, "gpt-4o-mini", "openai-main");
    assertThat(created.get("targets").get(0).get("provider").asText()).isEqualTo("openai-main");
    assertThat(created.get("pricing").get("input_per_million").decimalValue())
        .isEqualByComparingTo("0.15");
    assertThat(created.get("pricing").get("cached_input_per_million").isNull()).isTrue();
    String id = created.get("id").asText();

    AdminClient.Response patched =
        client.patch(
            "/api/v1/models/gpt-4o-mini",
            """
            {"targets": [{"provider": "openai-backup", "model": "gpt-4o-mini-2024", "weight": 3, "priority": 1},
                         {"provider": "openai-main", "model": "gpt-4o-mini", "weight": 0, "priority": 0}],
             "version": 1}
            """);
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    JsonNode targets = patched.json().get("targets");
    assertThat(targets).hasSize(2);
    assertThat(targets.get(0).get("provider").asText()).isEqualTo("openai-backup");
    assertThat(targets.get(0).get("weight").asInt()).isEqualTo(3);
    assertThat(patched.json().get("pricing").get("output_per_million").decimalValue())
        .isEqualByComparingTo("0.6");

    assertThat(client.get("/api/v1/models?provider=openai-backup").json().get("total").asInt())
        .isEqualTo(1);
    AdminClient.Response noPricing =
        client.patch("/api/v1/models/" + id, "{\"pricing\": null, \"version\": 2}");
    assertThat(noPricing.json().get("pricing").isNull()).isTrue();

    AdminClient.Response duplicate =
        client.post(
            "/api/v1/models",
            "{\"name\": \"gpt-4o-mini\", \"targets\": [{\"provider\": \"openai-main\", \"model\": \"m\"}]}");
    assertThat(duplicate.status()).isEqualTo(409);

    assertThat(client.delete("/api/v1/models/" + id).status()).isEqualTo(204);
    assertThat(client.get("/api/v1/models/" + id).status()).isEqualTo(404);
  }

  @Test
  void invalidTargetsAreReportedPerFieldAndNothingIsWritten() {
    AdminClient.Response r =
        client.post(
            "/api/v1/models",
            """
            {"name": "bad", "targets": [{"provider": "openai-main", "model": "m", "weight": -1},
                                        {"provider": "nope", "model": ""}],
             "pricing": {"input_per_million": -0.5}}
            """);
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("errors").findValuesAsText("field"))
        .contains(
            "targets[0].weight",
            "targets[1].provider",
            "targets[1].model",
            "pricing.input_per_million");
    assertThat(client.get("/api/v1/models/bad").status()).isEqualTo(404);

    AdminClient.Response noTargets =
        client.post("/api/v1/models", "{\"name\": \"empty\", \"targets\": []}");
    assertThat(noTargets.status()).isEqualTo(422);
    assertThat(noTargets.json().get("errors").get(0).get("field").asText()).isEqualTo("targets");

    AdminClient.Response wrongType =
        client.post(
            "/api/v1/models",
            "{\"name\": \"x\", \"targets\": [{\"provider\": \"openai-main\", \"model\": \"m\", \"weight\": \"1\"}]}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.json().get("errors").get(0).get("field").asText())
        .isEqualTo("targets[0].weight");
  }

  @Test
  void failoverSettingsDefaultWhenAbsentAndPatchFieldByField() {
    JsonNode created = Fixtures.model(client, "failover-model", "openai-main");
    JsonNode failover = created.get("failover");
    assertThat(failover.get("retry_on").toString())
        .isEqualTo("[\"connect-failure\",\"reset\",\"5xx\",\"429\",\"529\"]");
    assertThat(failover.get("attempts").asInt()).isEqualTo(3);
    assertThat(failover.get("per_attempt_timeout_ms").asInt()).isZero();
    assertThat(failover.get("backoff_base_ms").asInt()).isEqualTo(25);
    assertThat(failover.get("backoff_max_ms").asInt()).isEqualTo(250);

    AdminClient.Response patched =
        client.patch(
            "/api/v1/models/failover-model",
            """
            {"failover": {"retry_on": ["gateway-error", "429"], "per_attempt_timeout_ms": 15000},
             "version": 1}
            """);
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    JsonNode after = patched.json().get("failover");
    assertThat(after.get("retry_on").toString()).isEqualTo("[\"gateway-error\",\"429\"]");
    assertThat(after.get("per_attempt_timeout_ms").asInt()).isEqualTo(15000);
    assertThat(after.get("attempts").asInt()).as("kept").isEqualTo(3);

    AdminClient.Response renamedOnly =
        client.patch("/api/v1/models/failover-model", "{\"name\": \"failover-2\", \"version\": 2}");
    assertThat(renamedOnly.json().get("failover")).isEqualTo(after);
    client.delete("/api/v1/models/failover-2");
  }

  @Test
  void invalidFailoverSettingsAndNegativePrioritiesAreRefusedPerField() {
    AdminClient.Response r =
        client.post(
            "/api/v1/models",
            """
            {"name": "bad-failover",
             "targets": [{"provider": "openai-main", "model": "m", "priority": -1}],
             "failover": {"retry_on": ["5xx", "teapot"], "attempts": 11,
                          "per_attempt_timeout_ms": -5, "backoff_base_ms": 500,
                          "backoff_max_ms": 100}}
            """);
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("errors").findValuesAsText("field"))
        .containsExactlyInAnyOrder(
            "targets[0].priority",
            "failover.retry_on[1]",
            "failover.attempts",
            "failover.per_attempt_timeout_ms",
            "failover.backoff_max_ms");
    assertThat(client.get("/api/v1/models/bad-failover").status()).isEqualTo(404);

    AdminClient.Response wrongType =
        client.post(
            "/api/v1/models",
            """
            {"name": "x", "targets": [{"provider": "openai-main", "model": "m"}],
             "failover": {"attempts": "many"}}
            """);
    assertThat(wrongType.status()).isEqualTo(400);
  }
}
