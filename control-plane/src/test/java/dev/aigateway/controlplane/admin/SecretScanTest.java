package dev.aigateway.controlplane.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scans every response body and log line of the admin test suite (this class runs last, see
 * junit-platform.properties) for the plaintext of every credential, key and token the suite
 * created. It also produces its own traffic, so it proves something when run alone.
 */
@ExtendWith(PostgresExtension.class)
@Order(Integer.MAX_VALUE)
class SecretScanTest {
  private final Database db;

  SecretScanTest(Database db) {
    this.db = db;
  }

  @Test
  void noSecretAppearsInAnyResponseOrLogLine() {
    try (AdminServer server = AdminServer.start(db)) {
      AdminClient client = server.client();
      Fixtures.provider(client, "scan-openai");
      Fixtures.model(client, "scan-model", "scan-openai");
      Fixtures.team(client, "scan-team");
      Fixtures.key(client, "scan-key", "scan-team");
      String awsSecret = "aws-" + Fixtures.apiKey();
      Transcript.secret(awsSecret, "aws secret");
      AdminClient.Response bedrock =
          client.post(
              "/api/v1/providers",
              """
              {"name": "scan-bedrock", "schema": "aws_bedrock", "base_url": "https://b.example",
               "settings": {"region": "eu-west-1"},
               "credentials": [{"kind": "aws", "access_key_id": "AKIASCAN", "secret_access_key": "%s",
                                "session_token": "%s"}]}
              """
                  .formatted(awsSecret, awsSecret + "-session"));
      assertThat(bedrock.status()).isEqualTo(201);
      // Every credential kind with secret fields, on every schema that takes it.
      String bedrockKey = "bedrock-" + Fixtures.apiKey();
      String vertexKey = "vertex-" + Fixtures.apiKey();
      String entraSecret = "entra-" + Fixtures.apiKey();
      String privateKey = "-----BEGIN PRIVATE KEY-----" + Fixtures.apiKey();
      Transcript.secret(bedrockKey, "bedrock api key");
      Transcript.secret(vertexKey, "vertex api key");
      Transcript.secret(entraSecret, "entra client secret");
      Transcript.secret(privateKey, "service account private key");
      String[] created = {
        """
        {"name": "scan-bedrock-key", "schema": "aws_bedrock", "base_url": "https://b.example",
         "settings": {"region": "eu-west-1"},
         "credentials": [{"kind": "api_key", "api_key": "%s"},
                         {"kind": "aws_default", "role_arn": "arn:aws:iam::1:role/r"}]}
        """
            .formatted(bedrockKey),
        """
        {"name": "scan-vertex", "schema": "gcp_vertex", "base_url": "https://v.example",
         "settings": {"project": "p", "location": "l"},
         "credentials": [{"kind": "api_key", "api_key": "%s"}, {"kind": "gcp_default"},
                         {"kind": "gcp_service_account", "impersonate_service_account": "b@p",
                          "service_account_json": "{\\"type\\":\\"service_account\\",\\"client_email\\":\\"a@p\\",\\"private_key\\":\\"%s\\"}"}]}
        """
            .formatted(vertexKey, privateKey),
        """
        {"name": "scan-azure", "schema": "azure_openai", "base_url": "https://a.example",
         "settings": {"api_version": "2024-10-21", "authority_host": "https://login.example"},
         "credentials": [{"kind": "azure_client_secret", "tenant_id": "t", "client_id": "c",
                          "client_secret": "%s"}, {"kind": "azure_default"}]}
        """
            .formatted(entraSecret)
      };
      for (String body : created) {
        AdminClient.Response response = client.post("/api/v1/providers", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
      }
      // A wrong field on a kind must not echo the value.
      client.post(
          "/api/v1/providers/scan-azure/credentials",
          "{\"kind\": \"azure_default\", \"client_secret\": \"" + entraSecret + "\"}");
      // Error paths that receive secrets must not echo them either.
      String leaked = Fixtures.apiKey();
      client.post("/api/v1/providers", "{\"name\": \"" + leaked + "\"}");
      client.post("/api/v1/providers", "{\"name\": \"x\", \"schema\": " + leaked + "}");
      client.post("/api/v1/providers", "{\"" + leaked + "\": 1}");
      client.post("/api/v1/teams", "{\"name\": [\"" + leaked + "\"]}");
      client.post(
          "/api/v1/providers",
          "{\"name\": \"y\", \"schema\": \"openai\", \"base_url\": \"https://a.b\", \"settings\": {\""
              + leaked
              + "\": \"v\"}}");
      client.post(
          "/api/v1/providers",
          "{\"name\": \"y\", \"schema\": \"openai\", \"base_url\": \"https://a.b\", \"settings\": {\""
              + leaked
              + "\": 5}}");
      client.post(
          "/api/v1/providers/scan-openai/credentials",
          "{\"kind\": \"api_key\", \"api_key\": 5, \"x\": \"" + leaked + "\"}");
      client.withToken(leaked).get("/api/v1/providers");
      client.get("/api/v1/audit?limit=500");
      client.get("/api/v1/providers?limit=500");
      client.get("/api/v1/keys?limit=500");
    }

    List<Transcript.Response> responses = Transcript.responses();
    List<String> logLines = Transcript.logLines();
    List<Transcript.Secret> secrets = Transcript.secrets();
    assertThat(responses).hasSizeGreaterThan(10);
    assertThat(logLines).isNotEmpty();
    assertThat(secrets.stream().filter(s -> s.what().equals("client key"))).isNotEmpty();

    List<String> leaks = new ArrayList<>();
    for (Transcript.Secret secret : secrets) {
      boolean seenWhereAllowed = secret.allowedIn() < 0;
      for (Transcript.Response response : responses) {
        if (!response.body().contains(secret.value())) {
          continue;
        }
        if (response.id() == secret.allowedIn()) {
          seenWhereAllowed = true;
        } else {
          leaks.add(secret.what() + " in response to " + response.request());
        }
      }
      for (String line : logLines) {
        if (line.contains(secret.value())) {
          leaks.add(
              secret.what() + " in log line: " + line.substring(0, Math.min(80, line.length())));
        }
      }
      assertThat(seenWhereAllowed).as(secret.what() + " shown in its creation response").isTrue();
    }
    assertThat(leaks).isEmpty();
  }
}
