package dev.aigateway.vocabulary.provider;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How a provider credential authenticates. The {@code *_default} kinds store no secret: the gateway
 * process's own cloud identity (environment, workload identity, metadata server) is used.
 */
public enum CredentialKind {
  API_KEY("api_key", "API key", List.of(CredentialField.secret("api_key", "API key", 4096))),
  AWS(
      "aws",
      "AWS access key",
      List.of(
          CredentialField.plain("access_key_id", "Access key ID", 128),
          CredentialField.secret("secret_access_key", "Secret access key", 256),
          new CredentialField("session_token", "Session token", true, false, 8192, false))),
  AWS_DEFAULT(
      "aws_default",
      "AWS default credential chain",
      List.of(
          CredentialField.optional("role_arn", "Role ARN to assume", 2048),
          CredentialField.optional("external_id", "External ID", 1224),
          CredentialField.optional("session_name", "Role session name", 64))),
  GCP_SERVICE_ACCOUNT(
      "gcp_service_account",
      "GCP service account key",
      List.of(
          new CredentialField(
              "service_account_json", "Service account JSON key", true, true, 32_768, true),
          CredentialField.optional(
              "impersonate_service_account", "Service account to impersonate", 256))),
  GCP_DEFAULT(
      "gcp_default",
      "GCP application default credentials",
      List.of(
          CredentialField.optional(
              "impersonate_service_account", "Service account to impersonate", 256))),
  AZURE_CLIENT_SECRET(
      "azure_client_secret",
      "Azure Entra ID client secret",
      List.of(
          CredentialField.plain("tenant_id", "Tenant ID", 256),
          CredentialField.plain("client_id", "Client ID", 256),
          CredentialField.secret("client_secret", "Client secret", 1024))),
  AZURE_DEFAULT(
      "azure_default",
      "Azure managed or workload identity",
      List.of(CredentialField.optional("client_id", "Client ID (user-assigned identity)", 256)));

  private final String wire;
  private final String label;
  private final List<CredentialField> fields;

  CredentialKind(String wire, String label, List<CredentialField> fields) {
    this.wire = wire;
    this.label = label;
    this.fields = fields;
  }

  /** The name in the admin API and in {@code provider_credentials.kind}. */
  public String wire() {
    return wire;
  }

  public String label() {
    return label;
  }

  public List<CredentialField> fields() {
    return fields;
  }

  /**
   * Whether turning this credential into headers may wait on the network (a token endpoint, STS):
   * the data plane then runs that step off the event loop.
   */
  public boolean mayBlock() {
    return switch (this) {
      case API_KEY, AWS -> false;
      case AWS_DEFAULT, GCP_SERVICE_ACCOUNT, GCP_DEFAULT, AZURE_CLIENT_SECRET, AZURE_DEFAULT ->
          true;
    };
  }

  /** Whether the operator pastes a secret (false: the process's cloud identity is used). */
  public boolean storesSecret() {
    return switch (this) {
      case API_KEY, AWS, GCP_SERVICE_ACCOUNT, AZURE_CLIENT_SECRET -> true;
      case AWS_DEFAULT, GCP_DEFAULT, AZURE_DEFAULT -> false;
    };
  }

  public static Optional<CredentialKind> fromWire(String value) {
    return Arrays.stream(values()).filter(k -> k.wire.equals(value)).findFirst();
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(CredentialKind::wire).toList();
  }
}
