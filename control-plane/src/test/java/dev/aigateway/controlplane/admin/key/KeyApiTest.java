package dev.aigateway.controlplane.admin.key;

import static dev.aigateway.db.jooq.Tables.API_KEYS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.controlplane.admin.AdminClient;
import dev.aigateway.controlplane.admin.AdminServer;
import dev.aigateway.controlplane.admin.Fixtures;
import dev.aigateway.db.Database;
import dev.aigateway.db.secret.Hashes;
import dev.aigateway.db.testing.PostgresExtension;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyApiTest {
  private final Database db;
  private final AdminServer server;
  private final AdminClient client;

  KeyApiTest(Database db) {
    this.db = db;
    this.server = AdminServer.start(db);
    this.client = server.client();
    Fixtures.provider(client, "openai-main");
    Fixtures.model(client, "gpt-4o-mini", "openai-main");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void keySecretIsShownOnceAndStoredOnlyAsItsHash() {
    Fixtures.team(client, "search");
    AdminClient.Response created =
        client.post(
            "/api/v1/keys",
            "{\"name\": \"ci-bot\", \"team\": \"search\", \"allowed_models\": [\"gpt-4o-mini\"],"
                + " \"expires_at\": null}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String secret = created.json().get("key").asText();
    dev.aigateway.controlplane.admin.Transcript.secretShownOnceIn(
        secret, "client key", created.id());
    assertThat(secret).matches("sk-gw-[0-9A-Za-z]{43,}");
    JsonNode view = created.json();
    assertThat(view.get("prefix").asText()).isEqualTo(secret.substring(0, 12));
    assertThat(view.get("team").asText()).isEqualTo("search");
    assertThat(view.get("status").asText()).isEqualTo("active");
    assertThat(view.get("allowed_models").get(0).asText()).isEqualTo("gpt-4o-mini");
    String id = view.get("id").asText();

    AdminClient.Response read = client.get("/api/v1/keys/" + id);
    assertThat(read.json().has("key")).isFalse();
    assertThat(read.body()).doesNotContain(secret);
    assertThat(client.get("/api/v1/keys").body()).doesNotContain(secret);

    byte[] stored =
        db.dsl()
            .select(API_KEYS.KEY_HASH)
            .from(API_KEYS)
            .where(API_KEYS.ID.eq(UUID.fromString(id)))
            .fetchOne(API_KEYS.KEY_HASH);
    assertThat(stored).isEqualTo(Hashes.sha256(secret));
    assertThat(client.get("/api/v1/teams/search").json().get("key_count").asInt()).isEqualTo(1);
  }

  @Test
  void revokedKeysAreReportedAndFilteredByStatus() {
    Fixtures.team(client, "ops");
    JsonNode key = Fixtures.key(client, "deployer", "ops");
    String id = key.get("id").asText();

    AdminClient.Response revoked = client.post("/api/v1/keys/" + id + "/revoke", null);
    assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
    assertThat(revoked.json().get("status").asText()).isEqualTo("revoked");
    assertThat(revoked.json().get("revoked_at").isNull()).isFalse();
    assertThat(revoked.json().get("version").asLong()).isEqualTo(2);
    assertThat(client.post("/api/v1/keys/" + id + "/revoke", null).status()).isEqualTo(409);

    JsonNode revokedList = client.get("/api/v1/keys?team=ops&status=revoked").json();
    assertThat(revokedList.get("total").asInt()).isEqualTo(1);
    assertThat(client.get("/api/v1/keys?team=ops&status=active").json().get("total").asInt())
        .isZero();
  }

  @Test
  void keyUpdatesNeedTheCurrentVersionAndValidReferences() {
    Fixtures.team(client, "web");
    JsonNode key = Fixtures.key(client, "frontend", "web");
    String id = key.get("id").asText();

    AdminClient.Response unknownModel =
        client.patch("/api/v1/keys/" + id, "{\"allowed_models\": [\"nope\"], \"version\": 1}");
    assertThat(unknownModel.status()).isEqualTo(422);
    assertThat(unknownModel.json().get("errors").get(0).get("field").asText())
        .isEqualTo("allowed_models[0]");

    AdminClient.Response renamed =
        client.patch(
            "/api/v1/keys/" + id,
            "{\"name\": \"frontend-2\", \"expires_at\": \"2999-01-01T00:00:00Z\", \"version\": 1}");
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    assertThat(renamed.json().get("expires_at").asText()).isEqualTo("2999-01-01T00:00:00Z");

    AdminClient.Response stale =
        client.patch("/api/v1/keys/" + id, "{\"name\": \"frontend-3\", \"version\": 1}");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(client.get("/api/v1/keys/" + id).json().get("name").asText())
        .isEqualTo("frontend-2");

    AdminClient.Response past =
        client.patch(
            "/api/v1/keys/" + id, "{\"expires_at\": \"2000-01-01T00:00:00Z\", \"version\": 2}");
    assertThat(past.status()).isEqualTo(422);

    AdminClient.Response unknownTeam =
        client.post("/api/v1/keys", "{\"name\": \"x\", \"team\": \"nope\"}");
    assertThat(unknownTeam.status()).isEqualTo(422);
    assertThat(unknownTeam.json().get("errors").get(0).get("field").asText()).isEqualTo("team");
  }

  @Test
  void teamsWithKeysCannotBeDeleted() {
    JsonNode team = Fixtures.team(client, "data");
    JsonNode key = Fixtures.key(client, "etl", "data");
    AdminClient.Response refused = client.delete("/api/v1/teams/data");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("referenced_by").get(0).get("name").asText()).isEqualTo("etl");

    assertThat(client.delete("/api/v1/keys/" + key.get("id").asText()).status()).isEqualTo(204);
    AdminClient.Response renamed =
        client.patch(
            "/api/v1/teams/" + team.get("id").asText(), "{\"name\": \"data-2\", \"version\": 1}");
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(client.delete("/api/v1/teams/data-2").status()).isEqualTo(204);
    Fixtures.team(client, "dup");
    assertThat(client.post("/api/v1/teams", "{\"name\": \"dup\"}").status()).isEqualTo(409);
  }
}
