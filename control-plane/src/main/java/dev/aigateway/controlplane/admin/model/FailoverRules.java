package dev.aigateway.controlplane.admin.model;

import dev.aigateway.controlplane.admin.problem.Validation;
import dev.aigateway.db.model.Failover;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Validates a request's failover settings over a base (the defaults, or the stored ones). */
final class FailoverRules {
  private FailoverRules() {}

  /**
   * The settings with the request's fields applied; an absent field keeps the base's value. Errors
   * go to {@code v} under {@code failover.<field>}; the returned value is then meaningless.
   */
  static Failover merge(Validation v, Failover base, ModelRequests.@Nullable Failover in) {
    if (in == null) {
      return base;
    }
    List<String> retryOn = base.retryOn();
    if (in.retryOn() != null) {
      retryOn = conditions(v, in.retryOn());
    }
    int attempts = in.attempts() == null ? base.attempts() : in.attempts();
    int timeout =
        in.perAttemptTimeoutMs() == null ? base.perAttemptTimeoutMs() : in.perAttemptTimeoutMs();
    int backoffBase = in.backoffBaseMs() == null ? base.backoffBaseMs() : in.backoffBaseMs();
    int backoffMax = in.backoffMaxMs() == null ? base.backoffMaxMs() : in.backoffMaxMs();
    v.range("failover.attempts", attempts, 1, Failover.MAX_ATTEMPTS);
    v.range("failover.per_attempt_timeout_ms", timeout, 0, Failover.MAX_PER_ATTEMPT_TIMEOUT_MS);
    boolean baseOk =
        v.range("failover.backoff_base_ms", backoffBase, 1, Failover.MAX_BACKOFF_BASE_MS);
    boolean maxOk = v.range("failover.backoff_max_ms", backoffMax, 1, Failover.MAX_BACKOFF_MAX_MS);
    if (baseOk && maxOk && backoffMax < backoffBase) {
      v.add("failover.backoff_max_ms", "must be >= backoff_base_ms (" + backoffBase + ")");
    }
    return new Failover(retryOn, attempts, timeout, backoffBase, backoffMax);
  }

  private static List<String> conditions(Validation v, List<String> requested) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    if (requested.size() > Failover.CONDITIONS.size() * 2) {
      v.add("failover.retry_on", "has at most " + Failover.CONDITIONS.size() + " conditions");
      return List.of();
    }
    for (int i = 0; i < requested.size(); i++) {
      String c = requested.get(i);
      if (c == null || !Failover.CONDITIONS.contains(c)) {
        v.add(
            "failover.retry_on[" + i + "]",
            "must be one of " + String.join(", ", Failover.CONDITIONS));
        continue;
      }
      out.add(c);
    }
    return new ArrayList<>(out);
  }
}
