package dev.aigateway.controlplane.admin.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.controlplane.admin.AdminClient;
import dev.aigateway.controlplane.admin.AdminServer;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.vocabulary.provider.CredentialKind;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin API accepts exactly the credential kinds the vocabulary allows per schema. */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CredentialKindsApiTest {
  private final AdminServer server;
  private final AdminClient client;

  CredentialKindsApiTest(Database db) {
    this.server = AdminServer.start(db);
    this.client = server.client();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static String settings(ProviderSchema schema) {
    return switch (schema) {
      case AZURE_OPENAI -> "{\"api_version\": \"2024-10-21\"}";
      case AWS_BEDROCK -> "{\"region\": \"us-east-1\"}";
      case GCP_VERTEX -> "{\"project\": \"p\", \"location\": \"us-central1\"}";
      case OPENAI, OPENAI_COMPATIBLE, ANTHROPIC, GEMINI -> "{}";
    };
  }

  /** The required fields of a kind, with plausible values. */
  private static String credential(CredentialKind kind) {
    return switch (kind) {
      case API_KEY -> "{\"kind\": \"api_key\", \"api_key\": \"key-0123456789abcdef\"}";
      case AWS -> "{\"kind\": \"aws\", \"access_key_id\": \"AKIA1\", \"secret_access_key\": \"s\"}";
      case AWS_DEFAULT ->
          "{\"kind\": \"aws_default\", \"role_arn\": \"arn:aws:iam::1:role/r\","
              + " \"external_id\": \"e\"}";
      case GCP_SERVICE_ACCOUNT ->
          "{\"kind\": \"gcp_service_account\", \"service_account_json\":"
              + " \"{\\\"type\\\":\\\"service_account\\\",\\\"client_email\\\":\\\"a@p.iam\\\","
              + "\\\"private_key\\\":\\\"k\\\"}\", \"impersonate_service_account\": \"b@p.iam\"}";
      case GCP_DEFAULT -> "{\"kind\": \"gcp_default\"}";
      case AZURE_CLIENT_SECRET ->
          "{\"kind\": \"azure_client_secret\", \"tenant_id\": \"t\", \"client_id\": \"c\","
              + " \"client_secret\": \"s\"}";
      case AZURE_DEFAULT -> "{\"kind\": \"azure_default\", \"client_id\": \"c\"}";
    };
  }

  private AdminClient.Response create(String name, ProviderSchema schema, CredentialKind kind) {
    return client.post(
        "/api/v1/providers",
        "{\"name\": \"%s\", \"schema\": \"%s\", \"base_url\": \"https://x.example\","
                .formatted(name, schema.wire())
            + " \"settings\": "
            + settings(schema)
            + ", \"credentials\": ["
            + credential(kind)
            + "]}");
  }

  @Test
  void everyAllowedPairIsStoredAndEveryOtherIsA422NamingTheKindField() {
    List<String> wrong = new ArrayList<>();
    int n = 0;
    for (ProviderSchema schema : ProviderSchema.values()) {
      for (CredentialKind kind : CredentialKind.values()) {
        AdminClient.Response response = create("pair-" + n++, schema, kind);
        if (schema.credentialKinds().contains(kind)) {
          if (response.status() != 201
              || !response.json().at("/credentials/0/kind").asText().equals(kind.wire())) {
            wrong.add(schema.wire() + " x " + kind.wire() + ": " + response.body());
          }
        } else if (response.status() != 422
            || !response.body().contains("credentials[0].kind")
            || !response.body().contains("is not supported by schema " + schema.wire())) {
          wrong.add(schema.wire() + " x " + kind.wire() + ": " + response.body());
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void fieldOfAnotherKindIsA422AndOfTheWrongTypeA400() {
    AdminClient.Response other =
        client.post(
            "/api/v1/providers",
            """
            {"name": "mixed", "schema": "aws_bedrock", "base_url": "https://x.example",
             "settings": {"region": "us-east-1"},
             "credentials": [{"kind": "aws_default", "secret_access_key": "s"}]}
            """);
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.body())
        .contains("credentials[0].secret_access_key")
        .contains("is not a field of kind aws_default");

    AdminClient.Response number =
        client.post(
            "/api/v1/providers",
            """
            {"name": "typed", "schema": "openai", "base_url": "https://x.example",
             "credentials": [{"kind": "api_key", "api_key": 5}]}
            """);
    assertThat(number.status()).isEqualTo(400);
    assertThat(number.body()).contains("credentials[0].api_key").contains("wrong type");
  }

  @Test
  void authorityHostMustBeAUrl() {
    AdminClient.Response response =
        client.post(
            "/api/v1/providers",
            """
            {"name": "sovereign", "schema": "azure_openai", "base_url": "https://x.example",
             "settings": {"api_version": "2024-10-21", "authority_host": "login.chinacloudapi.cn"}}
            """);
    assertThat(response.status()).isEqualTo(422);
    assertThat(response.body()).contains("settings.authority_host");
  }

  @Test
  void vocabularyEndpointListsEachSchemasKindsAndEachKindsFields() {
    JsonNode vocabulary = client.get("/api/v1/provider-schemas").json();
    JsonNode schemas = vocabulary.get("schemas");
    assertThat(schemas).hasSize(ProviderSchema.values().length);
    for (JsonNode schema : schemas) {
      ProviderSchema known = ProviderSchema.fromWire(schema.get("name").asText()).orElseThrow();
      List<String> kinds = new ArrayList<>();
      schema.get("credential_kinds").forEach(k -> kinds.add(k.asText()));
      assertThat(kinds)
          .containsExactlyElementsOf(
              known.credentialKinds().stream().map(CredentialKind::wire).toList());
      assertThat(schema.get("http2").asBoolean()).isEqualTo(known.http2());
    }
    JsonNode azure =
        vocabulary.get("credential_kinds").get(CredentialKind.AZURE_CLIENT_SECRET.ordinal());
    assertThat(azure.get("name").asText()).isEqualTo("azure_client_secret");
    assertThat(azure.get("fields").get(2).get("name").asText()).isEqualTo("client_secret");
    assertThat(azure.get("fields").get(2).get("secret").asBoolean()).isTrue();
  }
}
