package dev.aigateway.controlplane.admin.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.controlplane.admin.AdminClient;
import dev.aigateway.controlplane.admin.AdminServer;
import dev.aigateway.controlplane.admin.Fixtures;
import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigChangeListener;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.testing.PostgresExtension;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditApiTest {
  private final Database db;
  private final AdminServer server;
  private final AdminClient client;

  AuditApiTest(Database db) {
    this.db = db;
    this.server = AdminServer.start(db);
    this.client = server.client();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void everyWriteIsAuditedWithActorAndBeforeAfterWithoutSecrets() {
    String apiKey = Fixtures.apiKey();
    AdminClient.Response created =
        client.post(
            "/api/v1/providers",
            """
            {"name": "audited", "schema": "openai", "base_url": "https://api.openai.com",
             "credentials": [{"kind": "api_key", "api_key": "%s"}]}
            """
                .formatted(apiKey));
    String id = created.json().get("id").asText();
    // A new base_url comes with its credentials (the stored ones are not re-targeted).
    String secondKey = Fixtures.apiKey();
    client.patch(
        "/api/v1/providers/" + id,
        ("{\"base_url\": \"https://eu.api.openai.com\", \"version\": 1,"
                + " \"credentials\": [{\"kind\": \"api_key\", \"api_key\": \"%s\"}]}")
            .formatted(secondKey));
    client.delete("/api/v1/providers/" + id);

    JsonNode entries = client.get("/api/v1/audit?resource_type=provider&resource_id=" + id).json();
    assertThat(entries.get("total").asInt()).isEqualTo(3);
    JsonNode delete = entries.get("items").get(0);
    JsonNode update = entries.get("items").get(1);
    JsonNode create = entries.get("items").get(2);
    assertThat(create.get("action").asText()).isEqualTo("create");
    assertThat(create.get("actor").asText()).isEqualTo("bootstrap");
    assertThat(create.get("before").isNull()).isTrue();
    assertThat(create.get("after").get("credentials").get(0).get("kind").asText())
        .isEqualTo("api_key");
    assertThat(update.get("action").asText()).isEqualTo("update");
    assertThat(update.get("before").get("base_url").asText()).isEqualTo("https://api.openai.com");
    assertThat(update.get("after").get("base_url").asText()).isEqualTo("https://eu.api.openai.com");
    assertThat(delete.get("action").asText()).isEqualTo("delete");
    assertThat(delete.get("after").isNull()).isTrue();
    assertThat(entries.toString()).doesNotContain(apiKey).doesNotContain(secondKey);

    assertThat(
            client.get("/api/v1/audit?actor=bootstrap&action=delete").json().get("total").asInt())
        .isGreaterThanOrEqualTo(1);
    assertThat(client.get("/api/v1/audit?from=2999-01-01T00:00:00Z").json().get("total").asInt())
        .isZero();
    assertThat(client.get("/api/v1/audit?from=yesterday").status()).isEqualTo(400);
  }

  @Test
  void aFailedWriteRecordsNothingAndDoesNotAdvanceTheRevision() {
    long revision = ConfigRevisions.current(db.dsl());
    int audited = client.get("/api/v1/audit").json().get("total").asInt();
    assertThat(client.post("/api/v1/teams", "{\"name\": \"\"}").status()).isEqualTo(422);
    assertThat(client.post("/api/v1/teams", "{\"name\": 5}").status()).isEqualTo(400);
    assertThat(ConfigRevisions.current(db.dsl())).isEqualTo(revision);
    assertThat(client.get("/api/v1/audit").json().get("total").asInt()).isEqualTo(audited);
  }

  @Test
  void aCommittedChangeIsNotifiedToListenersWithinASecond() throws Exception {
    LinkedBlockingQueue<Long> seen = new LinkedBlockingQueue<>();
    try (ConfigChangeListener listener =
        ConfigChangeListener.start(db::openDedicatedConnection, seen::add)) {
      long initial = seen.poll(5, TimeUnit.SECONDS);
      Fixtures.team(client, "notified");
      Long next = seen.poll(1, TimeUnit.SECONDS);
      assertThat(next).isNotNull().isGreaterThan(initial);
      assertThat(next).isEqualTo(ConfigRevisions.current(db.dsl()));
    }
  }
}
