package dev.aigateway.controlplane.admin.provider;

import static dev.aigateway.db.jooq.Tables.PROVIDER_CREDENTIALS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.controlplane.admin.AdminClient;
import dev.aigateway.controlplane.admin.AdminServer;
import dev.aigateway.controlplane.admin.Fixtures;
import dev.aigateway.db.Database;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.db.testing.PostgresExtension;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The stored form of credentials (docs/contracts.md) and the provider connectivity test. */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderCredentialStorageTest {
  private final Database db;
  private final AdminServer server;
  private final AdminClient client;

  ProviderCredentialStorageTest(Database db) {
    this.db = db;
    this.server = AdminServer.start(db);
    this.client = server.client();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void credentialsAreSealedPerContractUnderTheCurrentKey() throws Exception {
    String secret = "aws-" + Fixtures.apiKey();
    dev.aigateway.controlplane.admin.Transcript.secret(secret, "aws secret");
    AdminClient.Response created =
        client.post(
            "/api/v1/providers",
            """
            {"name": "sealed", "schema": "aws_bedrock", "base_url": "https://b.example",
             "settings": {"region": "eu-west-1"},
             "credentials": [{"kind": "aws", "access_key_id": "AKIA1", "secret_access_key": "%s"}]}
            """
                .formatted(secret));
    assertThat(created.status()).isEqualTo(201);
    UUID credentialId =
        UUID.fromString(created.json().get("credentials").get(0).get("id").asText());
    var row =
        db.dsl()
            .selectFrom(PROVIDER_CREDENTIALS)
            .where(PROVIDER_CREDENTIALS.ID.eq(credentialId))
            .fetchOne();
    SecretCipher cipher = new SecretCipher(server.secretKey, List.of());
    assertThat(row.getKeyId()).isEqualTo(cipher.currentKeyId());
    assertThat(new String(row.getCiphertext(), StandardCharsets.ISO_8859_1)).doesNotContain(secret);
    byte[] plain =
        cipher.open(
            new SecretCipher.Sealed(row.getKeyId(), row.getCiphertext()), credentialId.toString());
    JsonNode fields = new ObjectMapper().readTree(plain);
    assertThat(fields.get("access_key_id").asText()).isEqualTo("AKIA1");
    assertThat(fields.get("secret_access_key").asText()).isEqualTo(secret);
    assertThat(fields.has("session_token")).isTrue();
    assertThat(fields.get("session_token").isNull()).isTrue();
    assertThat(row.getHint()).isEqualTo("AKIA1");
  }

  @Test
  void connectivityTestCallsTheModelsListWithTheCredentialAndNeverEchoesIt() throws Exception {
    AtomicReference<String> seenAuthorization = new AtomicReference<>();
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/v1/models",
        exchange -> {
          seenAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              "{\"object\": \"list\", \"data\": [{\"id\": \"a\"}, {\"id\": \"b\"}]}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    try {
      String apiKey = Fixtures.apiKey();
      AdminClient.Response created =
          client.post(
              "/api/v1/providers",
              """
              {"name": "local", "schema": "openai", "base_url": "http://127.0.0.1:%d/v1",
               "credentials": [{"kind": "api_key", "api_key": "%s"}]}
              """
                  .formatted(upstream.getAddress().getPort(), apiKey));
      assertThat(created.status()).isEqualTo(201);
      AdminClient.Response ok = client.post("/api/v1/providers/local/test", null);
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.json().get("ok").asBoolean()).as(ok.body()).isTrue();
      assertThat(ok.json().get("status").asInt()).isEqualTo(200);
      assertThat(ok.json().get("detail").asText()).contains("2 models");
      assertThat(seenAuthorization.get()).isEqualTo("Bearer " + apiKey);
    } finally {
      upstream.stop(0);
    }
    AdminClient.Response down = client.post("/api/v1/providers/local/test", null);
    assertThat(down.status()).isEqualTo(200);
    assertThat(down.json().get("ok").asBoolean()).isFalse();

    Fixtures.provider(client, "unsupported");
    client.patch(
        "/api/v1/providers/unsupported", "{\"base_url\": \"http://127.0.0.1:1\", \"version\": 1}");
    AdminClient.Response anthropic =
        client.post(
            "/api/v1/providers",
            "{\"name\": \"claude\", \"schema\": \"anthropic\", \"base_url\": \"https://api.anthropic.com\"}");
    assertThat(anthropic.status()).isEqualTo(201);
    AdminClient.Response notSupported = client.post("/api/v1/providers/claude/test", null);
    assertThat(notSupported.json().get("ok").asBoolean()).isFalse();
    assertThat(notSupported.json().get("detail").asText()).contains("not supported");
  }
}
