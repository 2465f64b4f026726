package dev.aigateway.controlplane.admin.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.controlplane.admin.AdminClient;
import dev.aigateway.controlplane.admin.AdminServer;
import dev.aigateway.controlplane.admin.Fixtures;
import dev.aigateway.controlplane.admin.Transcript;
import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderApiTest {
  private final Database db;
  private final AdminServer server;
  private final AdminClient client;

  ProviderApiTest(Database db) {
    this.db = db;
    this.server = AdminServer.start(db);
    this.client = server.client();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void providerLifecycleShowsCredentialsOnlyAsKindAndHint() {
    String apiKey = Fixtures.apiKey();
    long revisionBefore = ConfigRevisions.current(db.dsl());
    AdminClient.Response created =
        client.post(
            "/api/v1/providers",
            """
            {"name": "azure-east", "schema": "azure_openai", "base_url": "https://east.openai.azure.com",
             "settings": {"api_version": "2024-10-21"},
             "credentials": [{"kind": "api_key", "api_key": "%s"}]}
            """
                .formatted(apiKey));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode p = created.json();
    assertThat(p.get("name").asText()).isEqualTo("azure-east");
    assertThat(p.get("schema").asText()).isEqualTo("azure_openai");
    assertThat(p.get("settings").get("api_version").asText()).isEqualTo("2024-10-21");
    assertThat(p.get("version").asLong()).isEqualTo(1);
    JsonNode credential = p.get("credentials").get(0);
    assertThat(credential.get("kind").asText()).isEqualTo("api_key");
    assertThat(credential.get("hint").asText())
        .isEqualTo("…" + apiKey.substring(apiKey.length() - 4));
    assertThat(credential.has("api_key")).isFalse();
    assertThat(ConfigRevisions.current(db.dsl())).isGreaterThan(revisionBefore);

    String id = p.get("id").asText();
    assertThat(client.get("/api/v1/providers/" + id).json().get("name").asText())
        .isEqualTo("azure-east");
    assertThat(client.get("/api/v1/providers/azure-east").json().get("id").asText()).isEqualTo(id);
    JsonNode list = client.get("/api/v1/providers?schema=azure_openai&q=east").json();
    assertThat(list.get("total").asInt()).isEqualTo(1);
    assertThat(list.get("limit").asInt()).isEqualTo(50);
    assertThat(client.get("/api/v1/providers?schema=anthropic").json().get("total").asInt())
        .isZero();

    AdminClient.Response patched =
        client.patch(
            "/api/v1/providers/" + id,
            ("{\"base_url\": \"https://east2.openai.azure.com\", \"version\": 1,"
                    + " \"credentials\": [{\"kind\": \"api_key\", \"api_key\": \"%s\"}]}")
                .formatted(apiKey));
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("version").asLong()).isEqualTo(2);
    assertThat(patched.json().get("credentials")).hasSize(1);
    // A new base_url comes with its credentials again (the set is replaced).
    credential = patched.json().get("credentials").get(0);

    AdminClient.Response stale =
        client.patch(
            "/api/v1/providers/" + id, "{\"base_url\": \"https://x.example\", \"version\": 1}");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.contentType()).startsWith("application/problem+json");
    assertThat(client.get("/api/v1/providers/" + id).json().get("base_url").asText())
        .isEqualTo("https://east2.openai.azure.com");

    AdminClient.Response ifMatch =
        client.patch("/api/v1/providers/" + id, "{\"name\": \"azure-east-2\"}", "\"2\"");
    assertThat(ifMatch.status()).as(ifMatch.body()).isEqualTo(200);
    assertThat(ifMatch.json().get("version").asLong()).isEqualTo(3);

    String second = Fixtures.apiKey();
    AdminClient.Response added =
        client.post(
            "/api/v1/providers/" + id + "/credentials",
            "{\"kind\": \"api_key\", \"api_key\": \"" + second + "\"}");
    assertThat(added.status()).as(added.body()).isEqualTo(201);
    assertThat(added.json().get("hint").asText()).endsWith(second.substring(second.length() - 4));
    assertThat(client.get("/api/v1/providers/" + id).json().get("credentials")).hasSize(2);

    String firstCredential = credential.get("id").asText();
    assertThat(
            client.delete("/api/v1/providers/" + id + "/credentials/" + firstCredential).status())
        .isEqualTo(204);
    assertThat(client.get("/api/v1/providers/" + id).json().get("credentials")).hasSize(1);
    assertThat(
            client.delete("/api/v1/providers/" + id + "/credentials/" + firstCredential).status())
        .isEqualTo(404);

    assertThat(client.delete("/api/v1/providers/" + id).status()).isEqualTo(204);
    assertThat(client.get("/api/v1/providers/" + id).status()).isEqualTo(404);
  }

  @Test
  void deletingAProviderThatAModelTargetsIsRefusedNamingTheModels() {
    JsonNode provider = Fixtures.provider(client, "openai-ref");
    Fixtures.model(client, "ref-model-a", "openai-ref");
    Fixtures.model(client, "ref-model-b", "openai-ref");

    AdminClient.Response refused = client.delete("/api/v1/providers/openai-ref");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("referenced_by").findValuesAsText("name"))
        .containsExactly("ref-model-a", "ref-model-b");
    assertThat(refused.json().get("detail").asText()).contains("ref-model-a");
    assertThat(client.get("/api/v1/providers/" + provider.get("id").asText()).status())
        .isEqualTo(200);

    assertThat(client.delete("/api/v1/models/ref-model-a").status()).isEqualTo(204);
    assertThat(client.delete("/api/v1/models/ref-model-b").status()).isEqualTo(204);
    assertThat(client.delete("/api/v1/providers/openai-ref").status()).isEqualTo(204);
  }

  @Test
  void credentialsInAPatchReplaceTheWholeSet() {
    JsonNode provider = Fixtures.provider(client, "replaced");
    String oldCredential = provider.get("credentials").get(0).get("id").asText();
    String first = Fixtures.apiKey();
    String second = Fixtures.apiKey();
    AdminClient.Response patched =
        client.patch(
            "/api/v1/providers/replaced",
            "{\"credentials\": [{\"kind\": \"api_key\", \"api_key\": \""
                + first
                + "\"}, {\"kind\": \"api_key\", \"api_key\": \""
                + second
                + "\"}], \"version\": 1}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    JsonNode credentials = patched.json().get("credentials");
    assertThat(credentials).hasSize(2);
    assertThat(credentials.findValuesAsText("id")).doesNotContain(oldCredential);
    assertThat(credentials.get(1).get("hint").asText())
        .isEqualTo("…" + second.substring(second.length() - 4));
  }

  @Test
  void everyCredentialKindIsAcceptedForItsSchema() {
    String secretAccessKey = "aws-secret-" + Fixtures.apiKey();
    Transcript.secret(secretAccessKey, "aws secret");
    AdminClient.Response bedrock =
        client.post(
            "/api/v1/providers",
            """
            {"name": "bedrock", "schema": "aws_bedrock", "base_url": "https://bedrock-runtime.us-east-1.amazonaws.com",
             "settings": {"region": "us-east-1"},
             "credentials": [{"kind": "aws", "access_key_id": "AKIAEXAMPLE123", "secret_access_key": "%s"}]}
            """
                .formatted(secretAccessKey));
    assertThat(bedrock.status()).as(bedrock.body()).isEqualTo(201);
    assertThat(bedrock.json().get("credentials").get(0).get("hint").asText())
        .isEqualTo("AKIAEXAMPLE123");

    String privateKey = "-----BEGIN PRIVATE KEY-----" + Fixtures.apiKey();
    Transcript.secret(privateKey, "gcp private key");
    String sa =
        "{\\\"type\\\": \\\"service_account\\\", \\\"client_email\\\": \\\"gw@proj.iam.gserviceaccount.com\\\", \\\"private_key\\\": \\\""
            + privateKey
            + "\\\"}";
    AdminClient.Response vertex =
        client.post(
            "/api/v1/providers",
            """
            {"name": "vertex", "schema": "gcp_vertex", "base_url": "https://us-central1-aiplatform.googleapis.com",
             "settings": {"project": "proj", "location": "us-central1"},
             "credentials": [{"kind": "gcp_service_account", "service_account_json": "%s"}]}
            """
                .formatted(sa));
    assertThat(vertex.status()).as(vertex.body()).isEqualTo(201);
    assertThat(vertex.json().get("credentials").get(0).get("hint").asText())
        .isEqualTo("gw@proj.iam.gserviceaccount.com");

    String clientSecret = "azure-secret-" + Fixtures.apiKey();
    Transcript.secret(clientSecret, "azure client secret");
    AdminClient.Response azure =
        client.post(
            "/api/v1/providers",
            """
            {"name": "azure-entra", "schema": "azure_openai", "base_url": "https://x.openai.azure.com",
             "settings": {"api_version": "2024-10-21"},
             "credentials": [{"kind": "azure_client_secret", "tenant_id": "t-1", "client_id": "c-1", "client_secret": "%s"}]}
            """
                .formatted(clientSecret));
    assertThat(azure.status()).as(azure.body()).isEqualTo(201);
  }
}
