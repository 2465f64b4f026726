package dev.aigateway.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.controlplane.ControlPlaneSecurity;
import dev.aigateway.controlplane.admin.AdminClient;
import dev.aigateway.controlplane.admin.AdminServer;
import dev.aigateway.controlplane.admin.Fixtures;
import dev.aigateway.controlplane.admin.auth.AdminBootstrap;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14 item 11, replayed against a real control plane: provider addresses (422, the API's
 * invalid-field status) that reach the cloud metadata service or the gateway itself, re-targeting
 * stored credentials, an absurd usage date, missing console headers, open metrics and a short admin
 * token.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminAttacksTest {
  private static final String METRICS_TOKEN = "metrics-token-0123456789abcdef0123456789";
  private final Database db;
  private final AdminServer strict;
  private final AdminServer permissive;
  private final HttpClient http = HttpClient.newHttpClient();

  AdminAttacksTest(Database db) {
    this.db = db;
    this.strict = AdminServer.start(db, new ControlPlaneSecurity(null, null, METRICS_TOKEN, false));
    this.permissive = AdminServer.start(db, new ControlPlaneSecurity(null, null, null, true));
  }

  @AfterAll
  void stop() {
    strict.close();
    permissive.close();
  }

  private static String provider(String name, String baseUrl) {
    return """
        {"name": "%s", "schema": "openai", "base_url": "%s",
         "credentials": [{"kind": "api_key", "api_key": "%s"}]}
        """
        .formatted(name, baseUrl, Fixtures.apiKey());
  }

  @Test
  void metadataAndLinkLocalAddressesAreRefusedEvenWhenPrivateOnesAreAllowed() {
    for (String url :
        new String[] {
          "http://169.254.169.254",
          "http://169.254.10.1:8080",
          "http://[fe80::1]",
          "http://[fd00:ec2::254]",
          "http://metadata.google.internal",
          "http://100.100.100.200",
          "http://0.0.0.0:8080",
          "http://[::ffff:169.254.169.254]"
        }) {
      AdminClient.Response refused =
          permissive.client().post("/api/v1/providers", provider("meta", url));
      assertThat(refused.status()).as(url + " " + refused.body()).isEqualTo(422);
      assertThat(refused.body()).contains("base_url");
    }
  }

  @Test
  void theGatewaysOwnAdminPortAndPrivateRangesNeedTheOperatorSetting() {
    String self = "http://127.0.0.1:" + strict.controlPlane.adminPort();
    for (String url : new String[] {self, "http://10.0.0.5:8000", "http://localhost:11434"}) {
      AdminClient.Response refused =
          strict.client().post("/api/v1/providers", provider("internal", url));
      assertThat(refused.status()).as(url + " " + refused.body()).isEqualTo(422);
      assertThat(refused.body()).contains("GATEWAY_ALLOW_PRIVATE_UPSTREAMS");
    }
    AdminClient.Response allowed =
        permissive
            .client()
            .post("/api/v1/providers", provider("ollama-local", "http://10.0.0.5:8000"));
    assertThat(allowed.status()).as(allowed.body()).isEqualTo(201);
  }

  @Test
  void testConnectionRefusesAStoredPrivateAddress() {
    JsonNode created =
        permissive
            .client()
            .post("/api/v1/providers", provider("self-target", "http://127.0.0.1:9"))
            .json();
    AdminClient.Response test =
        strict.client().post("/api/v1/providers/" + created.get("id").asText() + "/test", null);
    assertThat(test.status()).as(test.body()).isEqualTo(400);
    assertThat(test.body()).contains("base_url");
  }

  @Test
  void patchingBaseUrlWithoutReenteringCredentialsIsRefused() {
    JsonNode created =
        strict
            .client()
            .post("/api/v1/providers", provider("retarget", "https://api.openai.com"))
            .json();
    String id = created.get("id").asText();
    AdminClient.Response retarget =
        strict
            .client()
            .patch(
                "/api/v1/providers/" + id,
                "{\"base_url\": \"https://attacker.example\", \"version\": 1}");
    assertThat(retarget.status()).as(retarget.body()).isEqualTo(422);
    assertThat(retarget.body()).contains("credentials");
    assertThat(strict.client().get("/api/v1/providers/" + id).json().get("base_url").asText())
        .isEqualTo("https://api.openai.com");

    AdminClient.Response withCredentials =
        strict
            .client()
            .patch(
                "/api/v1/providers/" + id,
                ("{\"base_url\": \"https://eu.api.openai.com\", \"version\": 1, \"credentials\":"
                        + " [{\"kind\": \"api_key\", \"api_key\": \"%s\"}]}")
                    .formatted(Fixtures.apiKey()));
    assertThat(withCredentials.status()).as(withCredentials.body()).isEqualTo(200);
  }

  @Test
  void usageWithAYearBeyondTheDatabaseIsA400() {
    for (String query :
        new String[] {
          "to=%2B1000000000-12-31T23:59:59Z",
          "from=-1000000000-01-01T00:00:00Z",
          "to=%2B10000-01-01T00:00:00Z"
        }) {
      for (String path : new String[] {"/api/v1/usage?", "/api/v1/usage/requests?"}) {
        AdminClient.Response response = strict.client().get(path + query);
        assertThat(response.status()).as(path + query + " " + response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
      }
    }
  }

  @Test
  void consoleAndApiResponsesForbidFramingSniffingAndForeignScripts() throws Exception {
    for (String path : new String[] {"/", "/providers", "/api/v1/providers", "/healthz"}) {
      HttpResponse<String> response = get(path, null);
      assertThat(response.headers().firstValue("Content-Security-Policy"))
          .as(path)
          .hasValueSatisfying(
              csp -> assertThat(csp).contains("frame-ancestors 'none'", "script-src 'self'"));
      assertThat(response.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
      assertThat(response.headers().firstValue("X-Content-Type-Options"))
          .as(path)
          .contains("nosniff");
    }
  }

  @Test
  void metricsNeedTheConfiguredToken() throws Exception {
    assertThat(get("/metrics", null).statusCode()).isEqualTo(401);
    assertThat(get("/metrics", "Bearer wrong").statusCode()).isEqualTo(401);
    assertThat(get("/metrics", "Bearer " + strict.adminToken).statusCode()).isEqualTo(401);
    HttpResponse<String> ok = get("/metrics", "Bearer " + METRICS_TOKEN);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("jvm_");
  }

  @Test
  void aShortConfiguredAdminTokenIsRefused() {
    assertThatThrownBy(() -> AdminBootstrap.ensure(db, "short-admin-token-0123456789"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 characters");
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + strict.controlPlane.adminPort() + path));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
