package dev.aigateway.db.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How a model's request moves on to the next target (issue 19): the conditions that retry, the
 * number of attempts in all, the per-attempt timeout and the back-off between attempts. The xDS
 * route's {@code retry_policy} is made from it (docs/envoy.md).
 *
 * @param retryOn conditions from {@link #CONDITIONS}; empty: never retry
 * @param attempts attempts in all, the first included (1: no retry)
 * @param perAttemptTimeoutMs time an attempt may take until its response headers; 0: none
 * @param backoffBaseMs first back-off interval; later ones double, with jitter, up to the max
 * @param backoffMaxMs longest back-off interval
 */
public record Failover(
    List<String> retryOn,
    int attempts,
    int perAttemptTimeoutMs,
    int backoffBaseMs,
    int backoffMaxMs) {

  /**
   * The retry conditions an operator may choose. The first four are Envoy's {@code retry_on} names;
   * {@code 429} (rate limited) and {@code 529} (Anthropic's "overloaded") become {@code
   * retriable_status_codes}.
   */
  public static final List<String> CONDITIONS =
      List.of("connect-failure", "reset", "5xx", "gateway-error", "429", "529");

  /** What a model gets when the operator says nothing (also the V33 column defaults). */
  public static final Failover DEFAULTS =
      new Failover(List.of("connect-failure", "reset", "5xx", "429", "529"), 3, 0, 25, 250);

  public static final int MAX_ATTEMPTS = 10;
  public static final int MAX_PER_ATTEMPT_TIMEOUT_MS = 3_600_000;
  public static final int MAX_BACKOFF_BASE_MS = 60_000;
  public static final int MAX_BACKOFF_MAX_MS = 600_000;

  public Failover {
    requireNonNull(retryOn, "retryOn");
    retryOn = List.copyOf(retryOn);
  }
}
