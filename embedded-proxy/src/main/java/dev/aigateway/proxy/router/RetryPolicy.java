package dev.aigateway.proxy.router;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A route's retry_policy as the proxy applies it (router.cc, retry_state_impl.cc).
 *
 * @param retryOn Envoy's condition names that the proxy implements
 * @param perTryTimeout zero: none (then only the route timeout applies)
 * @param previousPriorities retry_priority previous_priorities (update_frequency 1)
 * @param previousHosts retry_host_predicate previous_hosts
 * @param hostSelectionAttempts host_selection_retry_max_attempts
 */
public record RetryPolicy(
    Set<String> retryOn,
    Set<Integer> retriableStatusCodes,
    int numRetries,
    Duration perTryTimeout,
    Duration baseInterval,
    Duration maxInterval,
    boolean previousPriorities,
    boolean previousHosts,
    int hostSelectionAttempts) {

  /** The conditions the proxy implements; any other is NACKed. */
  public static final Set<String> SUPPORTED =
      Set.of("5xx", "gateway-error", "reset", "connect-failure", "retriable-status-codes");

  public RetryPolicy {
    retryOn = Set.copyOf(retryOn);
    retriableStatusCodes = Set.copyOf(retriableStatusCodes);
  }

  /** retry_state_impl.cc wouldRetryFromHeaders. */
  public boolean retriesStatus(int status) {
    return (retryOn.contains("5xx") && status >= 500)
        || (retryOn.contains("gateway-error") && status >= 502 && status <= 504)
        || (retryOn.contains("retriable-status-codes") && retriableStatusCodes.contains(status));
  }

  /** wouldRetryFromReset: any reset with reset, 5xx or gateway-error; connect-failure for those. */
  public boolean retriesReset(boolean connectFailure) {
    return retryOn.contains("reset")
        || retryOn.contains("5xx")
        || retryOn.contains("gateway-error")
        || (connectFailure && retryOn.contains("connect-failure"));
  }

  /** A per-try timeout is retried only with 5xx or gateway-error (retry_state_impl.cc). */
  public boolean retriesPerTryTimeout() {
    return retryOn.contains("5xx") || retryOn.contains("gateway-error");
  }

  /**
   * Envoy's jittered exponential back-off: a random time up to base * (2^n - 1), capped at the max
   * interval, before retry n (1-based).
   */
  public Duration backOff(int retry) {
    long base = Math.max(1, baseInterval.toMillis());
    long cap = Math.max(base, maxInterval.toMillis());
    long upper = retry >= 20 ? cap : Math.min(cap, base * ((1L << retry) - 1));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(upper + 1));
  }
}
