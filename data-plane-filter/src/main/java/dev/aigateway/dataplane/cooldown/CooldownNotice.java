package dev.aigateway.dataplane.cooldown;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What an attempt point heard: {@code target}'s provider answered {@code status} (429, 503 or 529)
 * with a {@code retry-after} that ends at {@code until} (already bounded).
 *
 * @param target the target's id, as the model cluster's endpoint metadata carries it
 */
public record CooldownNotice(String target, Instant until, int status) {
  public CooldownNotice {
    requireNonNull(target, "target");
    requireNonNull(until, "until");
  }
}
