package dev.aigateway.dataplane.config;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A client key as the data plane needs it; the secret itself is never held, only its hash. */
public record ClientKey(
    UUID id,
    String name,
    UUID teamId,
    String prefix,
    Set<String> allowedModels,
    @Nullable Instant expiresAt,
    @Nullable Instant revokedAt) {

  public ClientKey {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(teamId, "teamId");
    requireNonNull(prefix, "prefix");
    allowedModels = Set.copyOf(allowedModels);
  }

  /** Not revoked and not expired at {@code now}. */
  public boolean isValidAt(Instant now) {
    return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
  }

  /** An empty allow-list means every model. */
  public boolean allows(String model) {
    return allowedModels.isEmpty() || allowedModels.contains(model);
  }
}
