package dev.aigateway.controlplane.admin.provider;

import org.jspecify.annotations.Nullable;

/**
 * A credential as submitted: {@code kind} plus the fields of that kind. Never serialised back: its
 * {@link #toString} hides every value.
 */
public record CredentialInput(
    @Nullable String kind,
    @Nullable String apiKey,
    @Nullable String accessKeyId,
    @Nullable String secretAccessKey,
    @Nullable String sessionToken,
    @Nullable String serviceAccountJson,
    @Nullable String tenantId,
    @Nullable String clientId,
    @Nullable String clientSecret) {

  @Override
  public String toString() {
    return "CredentialInput[kind=" + kind + ", values hidden]";
  }
}
