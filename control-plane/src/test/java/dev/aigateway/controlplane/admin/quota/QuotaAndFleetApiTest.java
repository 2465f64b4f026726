package dev.aigateway.controlplane.admin.quota;

import static dev.aigateway.db.jooq.Tables.FLEET_NODES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.controlplane.admin.AdminClient;
import dev.aigateway.controlplane.admin.AdminServer;
import dev.aigateway.controlplane.admin.Fixtures;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jooq.JSONB;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuotaAndFleetApiTest {
  private final Database db;
  private final AdminServer server;
  private final AdminClient client;

  QuotaAndFleetApiTest(Database db) {
    this.db = db;
    this.server = AdminServer.start(db);
    this.client = server.client();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void quotaLifecycleForAKeyAndForEveryone() {
    Fixtures.team(client, "search");
    JsonNode key = Fixtures.key(client, "ci-bot", "search");
    String keyId = key.get("id").asText();
    AdminClient.Response created =
        client.post(
            "/api/v1/quotas",
            """
            {"scope": "key", "scope_id": "%s", "model": null, "metric": "total_tokens",
             "window": "minute", "limit": 1000}
            """
                .formatted(keyId));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode q = created.json();
    assertThat(q.get("limit").asLong()).isEqualTo(1000);
    assertThat(q.get("window").asText()).isEqualTo("minute");
    assertThat(q.get("usage").isNull()).isTrue();
    String id = q.get("id").asText();

    AdminClient.Response global =
        client.post(
            "/api/v1/quotas",
            "{\"scope\": \"global\", \"metric\": \"cost_usd\", \"window\": \"month\", \"limit\": 12.5}");
    assertThat(global.status()).as(global.body()).isEqualTo(201);
    assertThat(global.json().get("limit").decimalValue()).isEqualByComparingTo("12.5");

    assertThat(client.get("/api/v1/quotas?scope=key&scope_id=" + keyId).json().get("total").asInt())
        .isEqualTo(1);
    AdminClient.Response patched =
        client.patch("/api/v1/quotas/" + id, "{\"limit\": 2000, \"version\": 1}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("limit").asLong()).isEqualTo(2000);

    AdminClient.Response keyDelete = client.delete("/api/v1/keys/" + keyId);
    assertThat(keyDelete.status()).isEqualTo(409);
    assertThat(keyDelete.json().get("referenced_by").get(0).get("id").asText()).isEqualTo(id);

    assertThat(client.delete("/api/v1/quotas/" + id).status()).isEqualTo(204);
    assertThat(client.get("/api/v1/quotas/" + id).status()).isEqualTo(404);
  }

  @Test
  void aProviderQuotaIsCreatedListedAndHoldsItsProvider() {
    JsonNode provider = Fixtures.provider(client, "quota-capped");
    String providerId = provider.get("id").asText();
    AdminClient.Response created =
        client.post(
            "/api/v1/quotas",
            """
            {"scope": "provider", "scope_id": "%s", "metric": "total_tokens",
             "window": "day", "limit": 5000}
            """
                .formatted(providerId));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("scope").asText()).isEqualTo("provider");
    assertThat(created.json().get("scope_id").asText()).isEqualTo(providerId);
    String id = created.json().get("id").asText();

    JsonNode listed = client.get("/api/v1/quotas?scope=provider&scope_id=" + providerId).json();
    assertThat(listed.get("total").asInt()).isEqualTo(1);
    assertThat(listed.get("items").get(0).get("id").asText()).isEqualTo(id);

    AdminClient.Response providerDelete = client.delete("/api/v1/providers/" + providerId);
    assertThat(providerDelete.status()).as(providerDelete.body()).isEqualTo(409);
    assertThat(providerDelete.json().get("referenced_by").get(0).get("id").asText()).isEqualTo(id);
    assertThat(client.delete("/api/v1/quotas/" + id).status()).isEqualTo(204);
    assertThat(client.delete("/api/v1/providers/" + providerId).status()).isEqualTo(204);
  }

  @Test
  void aProviderQuotaNamingNoProviderIsRefused() {
    int before = client.get("/api/v1/quotas").json().get("total").asInt();
    AdminClient.Response unknown =
        client.post(
            "/api/v1/quotas",
            """
            {"scope": "provider", "scope_id": "%s", "metric": "total_tokens",
             "window": "day", "limit": 5000}
            """
                .formatted(UUID.randomUUID()));
    assertThat(unknown.status()).as(unknown.body()).isEqualTo(422);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("scope_id");
    assertThat(unknown.json().get("errors").get(0).get("message").asText())
        .isEqualTo("names no provider");

    AdminClient.Response missing =
        client.post(
            "/api/v1/quotas",
            "{\"scope\": \"provider\", \"metric\": \"total_tokens\", \"window\": \"day\", \"limit\": 1}");
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.json().get("errors").findValuesAsText("field")).contains("scope_id");
    assertThat(client.get("/api/v1/quotas").json().get("total").asInt()).isEqualTo(before);
  }

  @Test
  void invalidQuotasAreRejectedWithFieldPaths() {
    int before = client.get("/api/v1/quotas").json().get("total").asInt();
    AdminClient.Response r =
        client.post(
            "/api/v1/quotas",
            """
            {"scope": "key", "scope_id": "%s", "metric": "requests", "window": "week", "limit": -1}
            """
                .formatted(UUID.randomUUID()));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().get("errors").findValuesAsText("field"))
        .contains("scope_id", "metric", "window", "limit");

    AdminClient.Response fractionalTokens =
        client.post(
            "/api/v1/quotas",
            "{\"scope\": \"global\", \"metric\": \"input_tokens\", \"window\": \"day\", \"limit\": 1.5}");
    assertThat(fractionalTokens.status()).isEqualTo(422);

    AdminClient.Response huge =
        client.post(
            "/api/v1/quotas",
            "{\"scope\": \"global\", \"metric\": \"input_tokens\", \"window\": \"day\", \"limit\": 1e40}");
    assertThat(huge.status()).isEqualTo(422);

    AdminClient.Response notUuid =
        client.post(
            "/api/v1/quotas",
            "{\"scope\": \"key\", \"scope_id\": \"abc\", \"metric\": \"input_tokens\", \"window\": \"day\", \"limit\": 1}");
    assertThat(notUuid.status()).isEqualTo(400);
    assertThat(notUuid.json().get("errors").get(0).get("field").asText()).isEqualTo("scope_id");
    assertThat(client.get("/api/v1/quotas").json().get("total").asInt()).isEqualTo(before);
  }

  @Test
  void defaultFleetExistsAndFleetsCanBeAddedChangedAndDeleted() {
    JsonNode fleets = client.get("/api/v1/fleets").json();
    assertThat(fleets.get("items").findValuesAsText("name")).contains("default");
    assertThat(fleets.has("unassigned_nodes")).isTrue();
    JsonNode fleet = client.get("/api/v1/fleets/default").json();
    assertThat(fleet.get("listener_port").asInt()).isEqualTo(10000);

    OffsetDateTime now = OffsetDateTime.now();
    db.dsl()
        .insertInto(FLEET_NODES)
        .set(FLEET_NODES.NODE_ID, "envoy-1")
        .set(FLEET_NODES.FLEET_NAME, "default")
        .set(FLEET_NODES.FLEET_ID, UUID.fromString(fleet.get("id").asText()))
        .set(FLEET_NODES.REPLICA_ID, "cp-1")
        .set(FLEET_NODES.CONNECTED, true)
        .set(FLEET_NODES.CONNECTED_AT, now)
        .set(FLEET_NODES.LAST_SEEN_AT, now)
        .set(
            FLEET_NODES.ACKED_VERSIONS,
            JSONB.valueOf("{\"type.googleapis.com/envoy.config.cluster.v3.Cluster\": \"42\"}"))
        .execute();
    JsonNode node = client.get("/api/v1/fleets/default").json().get("nodes").get(0);
    assertThat(node.get("node_id").asText()).isEqualTo("envoy-1");
    assertThat(
            node.get("acked_versions")
                .get("type.googleapis.com/envoy.config.cluster.v3.Cluster")
                .asText())
        .isEqualTo("42");
    assertThat(node.get("last_nack").isNull()).isTrue();

    AdminClient.Response created =
        client.post("/api/v1/fleets", "{\"name\": \"edge\", \"listener_port\": 10001}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    AdminClient.Response badPort =
        client.patch("/api/v1/fleets/edge", "{\"listener_port\": 70000, \"version\": 1}");
    assertThat(badPort.status()).isEqualTo(422);
    AdminClient.Response moved =
        client.patch("/api/v1/fleets/edge", "{\"listener_port\": 10002, \"version\": 1}");
    assertThat(moved.json().get("listener_port").asInt()).isEqualTo(10002);
    assertThat(client.delete("/api/v1/fleets/edge").status()).isEqualTo(204);
    assertThat(client.delete("/api/v1/fleets/default").status()).isEqualTo(409);
  }
}
