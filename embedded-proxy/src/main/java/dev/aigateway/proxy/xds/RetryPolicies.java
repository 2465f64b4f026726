package dev.aigateway.proxy.xds;

import dev.aigateway.proxy.router.RetryPolicy;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/** Reads a route's retry_policy, NACKing what the proxy would not do as Envoy does. */
final class RetryPolicies {
  static final String PREVIOUS_PRIORITIES = "envoy.retry_priorities.previous_priorities";
  static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";

  private RetryPolicies() {}

  static RetryPolicy of(io.envoyproxy.envoy.config.route.v3.RetryPolicy p, String where)
      throws InvalidResourceException {
    Set<String> on = new LinkedHashSet<>();
    for (String c : p.getRetryOn().split(",")) {
      String t = c.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (!RetryPolicy.SUPPORTED.contains(t)) {
        throw new InvalidResourceException(where + ": retry_on " + t + " unsupported");
      }
      on.add(t);
    }
    if (p.getRetriableHeadersCount() > 0
        || p.getRetriableRequestHeadersCount() > 0
        || p.hasRateLimitedRetryBackOff()
        || p.getRetryOptionsPredicatesCount() > 0) {
      throw new InvalidResourceException(where + ": retry_policy option unsupported");
    }
    boolean previousPriorities = false;
    if (p.hasRetryPriority()) {
      if (!p.getRetryPriority().getName().equals(PREVIOUS_PRIORITIES)) {
        throw new InvalidResourceException(
            where + ": retry_priority " + p.getRetryPriority().getName() + " unsupported");
      }
      previousPriorities = true;
    }
    boolean previousHosts = false;
    for (var predicate : p.getRetryHostPredicateList()) {
      if (!predicate.getName().equals(PREVIOUS_HOSTS)) {
        throw new InvalidResourceException(
            where + ": retry_host_predicate " + predicate.getName() + " unsupported");
      }
      previousHosts = true;
    }
    // Envoy's defaults: 1 retry, 25 ms base, 10 x base max (route_components.proto).
    Duration base =
        p.getRetryBackOff().hasBaseInterval()
            ? XdsDurations.of(p.getRetryBackOff().getBaseInterval())
            : Duration.ofMillis(25);
    Duration max =
        p.getRetryBackOff().hasMaxInterval()
            ? XdsDurations.of(p.getRetryBackOff().getMaxInterval())
            : base.multipliedBy(10);
    return new RetryPolicy(
        on,
        new LinkedHashSet<>(p.getRetriableStatusCodesList()),
        p.hasNumRetries() ? p.getNumRetries().getValue() : 1,
        p.hasPerTryTimeout() ? XdsDurations.of(p.getPerTryTimeout()) : Duration.ZERO,
        base,
        max,
        previousPriorities,
        previousHosts,
        (int) Math.min(Integer.MAX_VALUE, p.getHostSelectionRetryMaxAttempts()));
  }
}
