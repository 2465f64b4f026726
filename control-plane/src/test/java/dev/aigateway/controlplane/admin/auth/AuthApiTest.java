package dev.aigateway.controlplane.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.controlplane.admin.AdminClient;
import dev.aigateway.controlplane.admin.AdminServer;
import dev.aigateway.controlplane.admin.Transcript;
import dev.aigateway.db.Database;
import dev.aigateway.db.admintoken.AdminTokenRepository;
import dev.aigateway.db.testing.PostgresExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthApiTest {
  private final Database db;
  private final AdminServer server;
  private final AdminClient client;

  AuthApiTest(Database db) {
    this.db = db;
    this.server = AdminServer.start(db);
    this.client = server.client();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void everyApiRouteNeedsAValidBearerToken() {
    for (String route : server.controlPlane.httpRoutes()) {
      String[] parts = route.split(" ", 2);
      if (!parts[1].startsWith("/api/v1")) {
        continue;
      }
      String path = parts[1].replaceAll("\\{[a-z_]+}", "00000000-0000-0000-0000-000000000000");
      String body = parts[0].equals("POST") || parts[0].equals("PATCH") ? "{}" : null;
      AdminClient.Response none = client.withToken(null).send(parts[0], path, body, null);
      assertThat(none.status()).as(route).isEqualTo(401);
      assertThat(none.contentType()).as(route).startsWith("application/problem+json");
      AdminClient.Response bad =
          client.withToken("gw-admin-not-a-real-token").send(parts[0], path, body, null);
      assertThat(bad.status()).as(route).isEqualTo(401);
    }
    assertThat(client.get("/api/v1/me").json().get("role").asText()).isEqualTo("admin");
    assertThat(client.get("/api/v1/me").json().get("name").asText()).isEqualTo("bootstrap");
  }

  @Test
  void viewersReadButCannotWriteAndRevokedTokensStopWorking() {
    AdminClient.Response created =
        client.post("/api/v1/admin-tokens", "{\"name\": \"dashboard\", \"role\": \"viewer\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String token = created.json().get("token").asText();
    Transcript.secretShownOnceIn(token, "viewer admin token", created.id());
    AdminClient viewer = client.withToken(token);

    assertThat(viewer.get("/api/v1/me").json().get("role").asText()).isEqualTo("viewer");
    assertThat(viewer.get("/api/v1/providers").status()).isEqualTo(200);
    AdminClient.Response write = viewer.post("/api/v1/teams", "{\"name\": \"nope\"}");
    assertThat(write.status()).isEqualTo(403);
    assertThat(client.get("/api/v1/teams/nope").status()).isEqualTo(404);
    assertThat(viewer.delete("/api/v1/fleets/default").status()).isEqualTo(403);

    AdminClient.Response list = client.get("/api/v1/admin-tokens");
    assertThat(list.body()).doesNotContain(token);
    assertThat(list.json().get("items").findValuesAsText("name"))
        .contains("bootstrap", "dashboard");

    assertThat(client.delete("/api/v1/admin-tokens/" + created.json().get("id").asText()).status())
        .isEqualTo(204);
    assertThat(viewer.get("/api/v1/me").status()).isEqualTo(401);
  }

  @Test
  void theLastAdminTokenCannotBeRevoked() {
    AdminClient.Response created =
        client.post("/api/v1/admin-tokens", "{\"name\": \"last\", \"role\": \"admin\"}");
    String token = created.json().get("token").asText();
    Transcript.secretShownOnceIn(token, "admin token", created.id());
    AdminClient last = client.withToken(token);
    List<String> others = new ArrayList<>();
    for (var item : last.get("/api/v1/admin-tokens?limit=500").json().get("items")) {
      if (item.get("role").asText().equals("admin")
          && item.get("revoked_at").isNull()
          && !item.get("name").asText().equals("last")) {
        others.add(item.get("id").asText());
      }
    }
    for (String id : others) {
      assertThat(last.delete("/api/v1/admin-tokens/" + id).status()).isEqualTo(204);
    }
    assertThat(last.delete("/api/v1/admin-tokens/" + created.json().get("id").asText()).status())
        .isEqualTo(409);
    assertThat(last.get("/api/v1/me").status()).isEqualTo(200);
    // A configured GATEWAY_ADMIN_TOKEN is accepted again on the next start, even if revoked.
    assertThat(AdminBootstrap.ensure(db, server.adminToken)).isEmpty();
    assertThat(client.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void aTokenIsGeneratedOnceWhenNoneIsConfiguredEvenWithReplicasStartingTogether()
      throws Exception {
    db.dsl().deleteFrom(dev.aigateway.db.jooq.Tables.ADMIN_TOKENS).execute();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Optional<String>>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      results.add(pool.submit((Callable<Optional<String>>) () -> AdminBootstrap.ensure(db, null)));
    }
    List<String> generated = new ArrayList<>();
    for (Future<Optional<String>> f : results) {
      f.get().ifPresent(generated::add);
    }
    pool.shutdown();
    assertThat(generated).hasSize(1);
    String token = generated.get(0);
    Transcript.secret(token, "generated admin token");
    assertThat(token).startsWith("gw-admin-");
    assertThat(AdminTokenRepository.countActiveAdmins(db.dsl())).isEqualTo(1);
    assertThat(client.withToken(token).get("/api/v1/me").status()).isEqualTo(200);
    assertThat(AdminBootstrap.ensure(db, null)).isEmpty();

    // A configured token is accepted on a later start too, next to the generated one.
    assertThat(AdminBootstrap.ensure(db, server.adminToken)).isEmpty();
    assertThat(client.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(client.withToken(token).get("/api/v1/me").status()).isEqualTo(200);
  }
}
