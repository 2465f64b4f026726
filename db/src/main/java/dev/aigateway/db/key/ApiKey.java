package dev.aigateway.db.key;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A client key as stored: never its secret, only the prefix operators see. */
public record ApiKey(
    UUID id,
    String name,
    UUID teamId,
    String teamName,
    String prefix,
    List<String> allowedModels,
    @Nullable Instant expiresAt,
    @Nullable Instant revokedAt,
    long version,
    Instant createdAt,
    Instant updatedAt) {
  public ApiKey {
    allowedModels = List.copyOf(allowedModels);
  }

  /** {@code revoked}, {@code expired} or {@code active} at {@code now}. */
  public String status(Instant now) {
    if (revokedAt != null) {
      return "revoked";
    }
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      return "expired";
    }
    return "active";
  }
}
