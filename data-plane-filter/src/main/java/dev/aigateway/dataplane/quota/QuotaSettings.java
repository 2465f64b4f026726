package dev.aigateway.dataplane.quota;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.UUID;

/**
 * How quotas are enforced.
 *
 * @param flushInterval how often a replica sends its deltas and learns the fleet-wide totals
 * @param defaultMaxOutputTokens the output reservation of a request without {@code max_tokens}
 * @param replicaId this replica's name in the heartbeat table (unique per process)
 */
public record QuotaSettings(Duration flushInterval, long defaultMaxOutputTokens, String replicaId) {
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(200);
  public static final long DEFAULT_MAX_OUTPUT_TOKENS = 1024;

  public QuotaSettings {
    requireNonNull(flushInterval, "flushInterval");
    requireNonNull(replicaId, "replicaId");
    if (flushInterval.isNegative() || flushInterval.isZero() || flushInterval.toSeconds() > 5) {
      throw new IllegalArgumentException(
          "flushInterval: " + flushInterval + " (expected: > 0 and <= 5 s)");
    }
    if (defaultMaxOutputTokens < 0) {
      throw new IllegalArgumentException(
          "defaultMaxOutputTokens: " + defaultMaxOutputTokens + " (expected: >= 0)");
    }
  }

  /** Defaults with a random replica id. */
  public static QuotaSettings defaults() {
    return new QuotaSettings(
        DEFAULT_FLUSH_INTERVAL, DEFAULT_MAX_OUTPUT_TOKENS, "ext-proc-" + UUID.randomUUID());
  }

  /** How long a replica counts as live after its last flush. */
  Duration liveWindow() {
    return flushInterval.multipliedBy(10).plusSeconds(1);
  }
}
