package dev.aigateway.db.provider;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A configured LLM provider; credentials appear only as their non-secret descriptions. */
public record Provider(
    UUID id,
    String name,
    String schema,
    String baseUrl,
    Map<String, String> settings,
    List<CredentialInfo> credentials,
    long version,
    Instant createdAt,
    Instant updatedAt) {
  public Provider {
    settings = Map.copyOf(settings);
    credentials = List.copyOf(credentials);
  }
}
