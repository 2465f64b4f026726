package dev.aigateway.controlplane.admin.key;

import dev.aigateway.db.key.ApiKey;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A client key as the API shows it: the prefix, never the secret. */
public record KeyView(
    UUID id,
    String name,
    String team,
    UUID teamId,
    String prefix,
    List<String> allowedModels,
    @Nullable Instant expiresAt,
    @Nullable Instant revokedAt,
    String status,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  static KeyView of(ApiKey k, Instant now) {
    return new KeyView(
        k.id(),
        k.name(),
        k.teamName(),
        k.teamId(),
        k.prefix(),
        k.allowedModels(),
        k.expiresAt(),
        k.revokedAt(),
        k.status(now),
        k.version(),
        k.createdAt(),
        k.updatedAt());
  }
}
