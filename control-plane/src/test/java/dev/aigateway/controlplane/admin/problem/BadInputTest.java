package dev.aigateway.controlplane.admin.problem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.controlplane.admin.AdminClient;
import dev.aigateway.controlplane.admin.AdminServer;
import dev.aigateway.controlplane.admin.Fixtures;
import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.testing.PostgresExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Malformed and invalid requests on every route: a problem response, never a 500, no write. */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  private final Database db;
  private final AdminServer server;
  private final AdminClient client;
  private final String keyId;
  private final String providerId;

  BadInputTest(Database db) {
    this.db = db;
    this.server = AdminServer.start(db);
    this.client = server.client();
    providerId = Fixtures.provider(client, "p1").get("id").asText();
    Fixtures.model(client, "m1", "p1");
    Fixtures.team(client, "t1");
    keyId = Fixtures.key(client, "k1", "t1").get("id").asText();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  record Case(String method, String path, String body, int status, String field) {}

  private List<Case> cases() {
    String longName = "x".repeat(300);
    String secretInWrongPlace = Fixtures.apiKey();
    return List.of(
        new Case("POST", "/api/v1/providers", "{\"name\": ", 400, null),
        new Case("POST", "/api/v1/providers", "[1, 2]", 400, null),
        new Case("POST", "/api/v1/providers", "", 400, null),
        new Case("POST", "/api/v1/providers", "{\"name\": \"a\", \"colour\": 1}", 400, "colour"),
        new Case("POST", "/api/v1/providers", "{\"name\": 7}", 400, "name"),
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \""
                + secretInWrongPlace
                + "\", \"schema\": \"openai\", \"base_url\": \"https://a.b\"}",
            422,
            "name"),
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"ok\", \"schema\": \"openai\", \"base_url\": 5, \"credentials\": [{\"kind\": \"api_key\", \"api_key\": \""
                + secretInWrongPlace
                + "\"}]}",
            400,
            "base_url"),
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"ok\", \"schema\": \"openai\", \"base_url\": \"https://a.b\", \"credentials\": [{\"kind\": \"api_key\", \"api_key\": "
                + "[\""
                + secretInWrongPlace
                + "\"]}]}",
            400,
            "credentials[0].api_key"),
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"Bad Name\", \"schema\": \"openai\", \"base_url\": \"ftp://a.b/\"}",
            422,
            "base_url"),
        // base_path was folded into base_url (the OpenAI SDK's form).
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"ok\", \"schema\": \"openai_compatible\", \"base_url\": \"https://a.b\", \"settings\": {\"base_path\": \"/v1\"}}",
            422,
            "settings.base_path"),
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"ok\", \"schema\": \"azure_openai\", \"base_url\": \"https://a.b\", \"settings\": {\"region\": \"x\"}}",
            422,
            "settings.api_version"),
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"ok\", \"schema\": \"aws_bedrock\", \"base_url\": \"https://a.b\", \"settings\": {\"region\": 1}}",
            400,
            "settings.region"),
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"ok\", \"schema\": \"openai\", \"base_url\": \"https://a.b\", \"credentials\": [{\"kind\": \"aws\", \"access_key_id\": \"A\", \"secret_access_key\": \""
                + secretInWrongPlace
                + "\"}]}",
            422,
            "credentials[0].kind"),
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"ok\", \"schema\": \"gcp_vertex\", \"base_url\": \"https://a.b\", \"settings\": {\"project\": \"p\", \"location\": \"l\"}, \"credentials\": [{\"kind\": \"gcp_service_account\", \"service_account_json\": \""
                + secretInWrongPlace
                + "\"}]}",
            422,
            "credentials[0].service_account_json"),
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"ok\", \"schema\": \"openai\", \"base_url\": \"https://a.b\", \"credentials\": [{\"kind\": \"api_key\", \"api_key\": \""
                + secretInWrongPlace
                + "\", \"client_secret\": \""
                + secretInWrongPlace
                + "\"}]}",
            422,
            "credentials[0].client_secret"),
        new Case("POST", "/api/v1/providers/p1/credentials", "{\"kind\": \"magic\"}", 422, "kind"),
        new Case(
            "PATCH",
            "/api/v1/providers/p1",
            "{\"schema\": \"gemini\", \"version\": 1}",
            400,
            "schema"),
        new Case("PATCH", "/api/v1/providers/p1", "{\"name\": \"p2\"}", 422, "version"),
        new Case("PATCH", "/api/v1/providers/p1", "{\"version\": \"one\"}", 400, "version"),
        new Case(
            "PATCH",
            "/api/v1/providers/p1",
            "{\"version\": 99999999999999999999999}",
            400,
            "version"),
        new Case("GET", "/api/v1/providers/not-a-provider", null, 404, null),
        new Case("GET", "/api/v1/providers?limit=0", null, 400, "limit"),
        new Case("GET", "/api/v1/providers?limit=abc", null, 400, "limit"),
        new Case("GET", "/api/v1/providers?offset=-1", null, 400, "offset"),
        new Case("GET", "/api/v1/providers?schema=soap", null, 400, "schema"),
        new Case("DELETE", "/api/v1/providers/p1/credentials/zzz", null, 404, null),
        new Case(
            "POST",
            "/api/v1/models",
            "{\"name\": \""
                + longName
                + "\", \"targets\": [{\"provider\": \"p1\", \"model\": \"m\"}]}",
            422,
            "name"),
        new Case(
            "POST",
            "/api/v1/models",
            "{\"name\": \"m2\", \"targets\": [{\"provider\": \"p1\", \"model\": \"m\", \"weight\": 1.5}]}",
            400,
            "targets[0].weight"),
        new Case(
            "POST",
            "/api/v1/models",
            "{\"name\": \"m2\", \"targets\": [{\"provider\": \"p1\", \"model\": \"m\", \"weight\": 99999999999}]}",
            400,
            "targets[0].weight"),
        new Case(
            "POST",
            "/api/v1/models",
            "{\"name\": \"m2\", \"targets\": {\"provider\": \"p1\"}}",
            400,
            "targets"),
        new Case(
            "POST", "/api/v1/models", "{\"name\": \"m2\", \"targets\": [null]}", 422, "targets[0]"),
        new Case(
            "POST",
            "/api/v1/models",
            "{\"name\": \"m2\", \"targets\": [{\"provider\": \"p1\", \"model\": \"m\"}], \"pricing\": {\"input_per_million\": 1e300}}",
            422,
            "pricing.input_per_million"),
        new Case("POST", "/api/v1/teams", "{\"name\": null}", 422, "name"),
        new Case("POST", "/api/v1/teams", "{\"name\": true}", 400, "name"),
        new Case(
            "POST",
            "/api/v1/keys",
            "{\"name\": \"k\", \"team\": \"t1\", \"expires_at\": \"tomorrow\"}",
            400,
            "expires_at"),
        new Case(
            "POST",
            "/api/v1/keys",
            "{\"name\": \"k\", \"team\": \"t1\", \"allowed_models\": \"m1\"}",
            400,
            "allowed_models"),
        new Case("GET", "/api/v1/keys/not-a-uuid", null, 404, null),
        new Case("GET", "/api/v1/keys/00000000-0000-0000-0000-00000000000g", null, 404, null),
        new Case("POST", "/api/v1/keys/123/revoke", null, 404, null),
        new Case("GET", "/api/v1/keys?status=sleeping", null, 400, "status"),
        new Case("PATCH", "/api/v1/keys/" + keyId, "{\"name\": \"k2\"}", 422, "version"),
        new Case("PATCH", "/api/v1/keys/" + keyId, "{\"name\": \"k2\"}", 400, "If-Match"),
        new Case(
            "POST",
            "/api/v1/quotas",
            "{\"scope\": \"team\", \"scope_id\": null, \"metric\": \"input_tokens\", \"window\": \"day\", \"limit\": 5}",
            422,
            "scope_id"),
        new Case(
            "POST",
            "/api/v1/quotas",
            "{\"scope\": \"global\", \"metric\": \"input_tokens\", \"window\": \"day\", \"limit\": \"5\"}",
            400,
            "limit"),
        new Case("GET", "/api/v1/quotas?scope_id=xyz", null, 400, "scope_id"),
        new Case(
            "POST",
            "/api/v1/fleets",
            "{\"name\": \"f\", \"listener_port\": 0}",
            422,
            "listener_port"),
        new Case("POST", "/api/v1/fleets", "{\"name\": \"f\"}", 422, "listener_port"),
        // Envoy's official image cannot bind below 1024, and 9901 is the bootstrap's admin port.
        new Case(
            "POST",
            "/api/v1/fleets",
            "{\"name\": \"f\", \"listener_port\": 443}",
            422,
            "listener_port"),
        new Case(
            "POST",
            "/api/v1/fleets",
            "{\"name\": \"f\", \"listener_port\": 9901}",
            422,
            "listener_port"),
        new Case(
            "POST", "/api/v1/admin-tokens", "{\"name\": \"n\", \"role\": \"root\"}", 422, "role"),
        new Case("DELETE", "/api/v1/admin-tokens/nope", null, 404, null),
        new Case("GET", "/api/v1/no-such-thing", null, 404, null),
        new Case("POST", "/api/v1/teams", "{\"name\": \"a\\u0000b\"}", 422, "name"),
        new Case("GET", "/api/v1/teams?q=%00", null, 400, "q"),
        new Case("GET", "/api/v1/audit?to=%2B999999999-12-31T23:59:59Z", null, 400, "to"),
        new Case(
            "PATCH",
            "/api/v1/keys/" + keyId,
            "{\"expires_at\": \"+999999999-12-31T23:59:59Z\", \"version\": 1}",
            422,
            "expires_at"),
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"ok\", \"schema\": \"openai\", \"base_url\": \"https://a.b\", \"settings\": {\"organization\": \"o\\u0000\"}}",
            422,
            "settings.organization"),
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"ok\", \"schema\": \"openai_compatible\", \"base_url\": \"https://a.b\", \"settings\": {\"responses_api\": \"yes\"}}",
            422,
            "settings.responses_api"),
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"ok\", \"schema\": \"openai\", \"base_url\": \"https://a.b\", \"settings\": {\"responses_api\": \"true\"}}",
            422,
            "settings.responses_api"),
        // A provider's own CA bundle: PEM certificates only, never a key or other text.
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"ok\", \"schema\": \"openai_compatible\", \"base_url\": \"https://a.b\", \"settings\": {\"ca_bundle\": \"not a certificate\"}}",
            422,
            "settings.ca_bundle"),
        new Case(
            "POST",
            "/api/v1/providers",
            "{\"name\": \"ok\", \"schema\": \"openai_compatible\", \"base_url\": \"https://a.b\", \"settings\": {\"ca_bundle\": \"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n-----BEGIN PRIVATE KEY-----\"}}",
            422,
            "settings.ca_bundle"),
        new Case("POST", "/api/v1/providers", "{\"Sk-Live-Secret\": 1}", 400, "*"),
        new Case("PUT", "/api/v1/providers/p1", "{}", 404, null));
  }

  @Test
  void badRequestsGetAProblemResponseAndChangeNothing() {
    long revision = ConfigRevisions.current(db.dsl());
    int audited = client.get("/api/v1/audit").json().get("total").asInt();
    for (Case c : cases()) {
      AdminClient.Response r =
          c.field() != null && c.field().equals("If-Match")
              ? client.send(c.method(), c.path(), c.body(), "not-a-version")
              : client.send(c.method(), c.path(), c.body(), null);
      String what = c.method() + " " + c.path() + " " + c.body() + " -> " + r;
      assertThat(r.status()).as(what).isEqualTo(c.status());
      assertThat(r.contentType()).as(what).startsWith("application/problem+json");
      JsonNode problem = r.json();
      assertThat(problem.get("status").asInt()).as(what).isEqualTo(c.status());
      assertThat(problem.get("title").asText()).as(what).isNotEmpty();
      if (c.field() != null) {
        assertThat(problem.get("errors").findValuesAsText("field")).as(what).contains(c.field());
      }
      assertThat(r.body()).as(what).doesNotContain("Exception").doesNotContain("at dev.");
    }
    assertThat(ConfigRevisions.current(db.dsl())).isEqualTo(revision);
    assertThat(client.get("/api/v1/audit").json().get("total").asInt()).isEqualTo(audited);
    assertThat(client.get("/api/v1/providers").json().get("total").asInt()).isEqualTo(1);
    assertThat(client.get("/api/v1/providers/" + providerId).json().get("version").asInt())
        .isEqualTo(1);
  }

  @Test
  void aNulInThePathIsRefusedByJettyBeforeRouting() {
    // Jetty rejects the encoded NUL itself (its own HTML 400), so no handler ever sees it.
    assertThat(client.get("/api/v1/teams/a%00b").status()).isEqualTo(400);
  }

  @Test
  void unknownPathsOutsideTheApiAreNotAnsweredWithAProblem() {
    // Other unknown paths are console routes, answered with the console's index.html.
    AdminClient.Response r = client.get("/assets/no-such-file.js");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.contentType()).doesNotContain("problem+json");
  }

  @Test
  void oversizedBodiesAreRefusedWithAProblem() {
    String big = "{\"name\": \"" + "a".repeat(1_100_000) + "\"}";
    AdminClient.Response r = client.post("/api/v1/teams", big);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.contentType()).startsWith("application/problem+json");
  }
}
