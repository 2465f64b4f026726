package dev.aigateway.vocabulary.provider;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The upstream API families, with the settings and credential kinds each accepts. The admin API,
 * the xDS factories, the data plane, the provider tester and the console all read this one list.
 */
public enum ProviderSchema {
  OPENAI(
      "openai",
      "OpenAI",
      // The OpenAI SDK's form: the API root with its version; /chat/completions is appended.
      "https://api.openai.com/v1",
      List.of(Setting.optional("organization", "Organization", ""))),
  OPENAI_COMPATIBLE(
      "openai_compatible",
      "OpenAI-compatible",
      "",
      List.of(
          Setting.optional(
              "responses_api",
              "Serves /v1/responses",
              "true: Responses requests pass through; otherwise they are translated to chat"
                  + " completions."))),
  AZURE_OPENAI(
      "azure_openai",
      "Azure OpenAI",
      "https://RESOURCE.openai.azure.com",
      List.of(
          Setting.required("api_version", "API version", "For example 2024-10-21."),
          Setting.optional(
              "authority_host",
              "Entra ID authority host",
              "For Entra ID credentials; defaults to " + ProviderSchema.AZURE_AUTHORITY + "."))),
  ANTHROPIC(
      "anthropic",
      "Anthropic",
      "https://api.anthropic.com",
      List.of(
          Setting.optional("anthropic_version", "Anthropic version", "Defaults to 2023-06-01."))),
  AWS_BEDROCK(
      "aws_bedrock",
      "AWS Bedrock",
      "https://bedrock-runtime.us-east-1.amazonaws.com",
      List.of(Setting.required("region", "Region", "For example us-east-1."))),
  GEMINI("gemini", "Google Gemini", "https://generativelanguage.googleapis.com", List.of()),
  GCP_VERTEX(
      "gcp_vertex",
      "Google Vertex AI",
      "https://us-central1-aiplatform.googleapis.com",
      List.of(
          Setting.required("project", "Project", ""),
          Setting.required("location", "Location", "For example us-central1.")));

  /** Entra ID's public-cloud authority host; sovereign clouds have their own. */
  public static final String AZURE_AUTHORITY = "https://login.microsoftonline.com";

  private final String wire;
  private final String label;
  private final String defaultBaseUrl;
  private final List<Setting> settings;

  ProviderSchema(String wire, String label, String defaultBaseUrl, List<Setting> settings) {
    this.wire = wire;
    this.label = label;
    this.defaultBaseUrl = defaultBaseUrl;
    this.settings = settings;
  }

  /** The name stored in {@code providers.schema} and used in the admin API. */
  public String wire() {
    return wire;
  }

  public String label() {
    return label;
  }

  /** A suggestion for the console (empty: the operator must give one). */
  public String defaultBaseUrl() {
    return defaultBaseUrl;
  }

  public List<Setting> settings() {
    return settings;
  }

  public Set<String> requiredSettings() {
    return settings.stream()
        .filter(Setting::required)
        .map(Setting::name)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /**
   * A PEM bundle of private CAs the provider's certificate chains to, accepted by every schema
   * (self-hosted vLLM, a corporate API front); the admin API validates it, the xDS clusters trust
   * it. Not in {@link #settings()}: the console does not offer it (a single-line field would lose
   * the PEM's line breaks).
   */
  public static final String CA_BUNDLE = "ca_bundle";

  public boolean allowsSetting(String name) {
    return name.equals(CA_BUNDLE) || settings.stream().anyMatch(s -> s.name().equals(name));
  }

  /** The credential kinds the data plane can use with this schema (in the console's order). */
  public List<CredentialKind> credentialKinds() {
    return switch (this) {
      case OPENAI, OPENAI_COMPATIBLE, ANTHROPIC, GEMINI -> List.of(CredentialKind.API_KEY);
      case AZURE_OPENAI ->
          List.of(
              CredentialKind.API_KEY,
              CredentialKind.AZURE_CLIENT_SECRET,
              CredentialKind.AZURE_DEFAULT);
      case AWS_BEDROCK ->
          List.of(CredentialKind.AWS, CredentialKind.AWS_DEFAULT, CredentialKind.API_KEY);
      case GCP_VERTEX ->
          List.of(
              CredentialKind.GCP_SERVICE_ACCOUNT,
              CredentialKind.GCP_DEFAULT,
              CredentialKind.API_KEY);
    };
  }

  /** Whether a provider of this schema may have no credential (local vLLM, Ollama). */
  public boolean credentialOptional() {
    return switch (this) {
      case OPENAI_COMPATIBLE -> true;
      case OPENAI, AZURE_OPENAI, ANTHROPIC, AWS_BEDROCK, GEMINI, GCP_VERTEX -> false;
    };
  }

  /**
   * Whether the provider's public endpoint speaks HTTP/2 over TLS (self-hosted OpenAI-compatible
   * servers often speak only HTTP/1.1). Informational: provider clusters negotiate the protocol by
   * ALPN ({@code auto_config}), so this is not emitted into xDS.
   */
  public boolean http2() {
    return switch (this) {
      case OPENAI, AZURE_OPENAI, ANTHROPIC, AWS_BEDROCK, GCP_VERTEX, GEMINI -> true;
      case OPENAI_COMPATIBLE -> false;
    };
  }

  public static Optional<ProviderSchema> fromWire(String value) {
    return Arrays.stream(values()).filter(s -> s.wire.equals(value)).findFirst();
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(ProviderSchema::wire).toList();
  }
}
