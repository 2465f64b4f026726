package dev.aigateway.controlplane.admin.provider;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The upstream API families, with the settings and credential kinds each accepts. */
public enum ProviderSchema {
  OPENAI("openai", Set.of(), Set.of("organization")),
  OPENAI_COMPATIBLE("openai_compatible", Set.of(), Set.of("responses_api")),
  AZURE_OPENAI("azure_openai", Set.of("api_version"), Set.of()),
  ANTHROPIC("anthropic", Set.of(), Set.of("anthropic_version")),
  AWS_BEDROCK("aws_bedrock", Set.of("region"), Set.of()),
  GEMINI("gemini", Set.of(), Set.of()),
  GCP_VERTEX("gcp_vertex", Set.of("project", "location"), Set.of());

  private final String wire;
  private final Set<String> required;
  private final Set<String> optional;

  ProviderSchema(String wire, Set<String> required, Set<String> optional) {
    this.wire = wire;
    this.required = required;
    this.optional = optional;
  }

  public String wire() {
    return wire;
  }

  public Set<String> requiredSettings() {
    return required;
  }

  public boolean allowsSetting(String name) {
    // Any schema may sit behind a private CA (self-hosted vLLM, a corporate API front).
    return required.contains(name) || optional.contains(name) || name.equals(CaBundle.SETTING);
  }

  /** The credential kinds that make sense for this schema. */
  public Set<CredentialKind> credentialKinds() {
    return switch (this) {
      case OPENAI, OPENAI_COMPATIBLE, ANTHROPIC, GEMINI -> Set.of(CredentialKind.API_KEY);
      case AZURE_OPENAI -> Set.of(CredentialKind.API_KEY, CredentialKind.AZURE_CLIENT_SECRET);
      case AWS_BEDROCK -> Set.of(CredentialKind.AWS, CredentialKind.API_KEY);
      case GCP_VERTEX -> Set.of(CredentialKind.GCP_SERVICE_ACCOUNT, CredentialKind.API_KEY);
    };
  }

  public static Optional<ProviderSchema> fromWire(String value) {
    return Arrays.stream(values()).filter(s -> s.wire.equals(value)).findFirst();
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(ProviderSchema::wire).toList();
  }
}
