package dev.aigateway.vocabulary.quota;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;

/** One fleet-wide counter: a quota in one of its windows. */
public record CounterKey(UUID quotaId, Instant windowStart) {
  public CounterKey {
    requireNonNull(quotaId, "quotaId");
    requireNonNull(windowStart, "windowStart");
  }
}
