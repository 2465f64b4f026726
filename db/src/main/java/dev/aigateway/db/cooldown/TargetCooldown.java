package dev.aigateway.db.cooldown;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;

/**
 * A target set aside until {@code endsAt} because its provider answered {@code status} with a
 * {@code retry-after}.
 */
public record TargetCooldown(UUID targetId, Instant endsAt, int status) {
  public TargetCooldown {
    requireNonNull(targetId, "targetId");
    requireNonNull(endsAt, "endsAt");
    if (status != 429 && status != 503 && status != 529) {
      throw new IllegalArgumentException("status: " + status + " (expected: 429, 503 or 529)");
    }
  }
}
