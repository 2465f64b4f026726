package dev.aigateway.controlplane.admin.provider;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Request bodies of the provider routes. */
final class ProviderRequests {
  private ProviderRequests() {}

  record Create(
      @Nullable String name,
      @Nullable String schema,
      @Nullable String baseUrl,
      @Nullable Map<String, String> settings,
      @Nullable List<CredentialInput> credentials) {}

  record Patch(
      @Nullable String name,
      @Nullable String baseUrl,
      @Nullable Map<String, String> settings,
      @Nullable List<CredentialInput> credentials,
      @Nullable Long version) {}
}
