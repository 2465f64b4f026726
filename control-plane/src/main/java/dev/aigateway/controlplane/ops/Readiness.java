package dev.aigateway.controlplane.ops;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code /readyz} answers. Kubernetes readiness probes look only at the status code: 200 while
 * the process serves (also when degraded: known keys and the last good config are served from
 * memory while the database is down), 503 before it has started or when it has nothing to serve.
 *
 * @param details what is degraded and why, in the order given (database, config, spool...)
 */
public record Readiness(State state, Map<String, Object> details) {
  /** The three answers and their status codes. */
  public enum State {
    READY("ready", 200),
    DEGRADED("degraded", 200),
    NOT_READY("not ready", 503);

    private final String wire;
    private final int httpStatus;

    State(String wire, int httpStatus) {
      this.wire = wire;
      this.httpStatus = httpStatus;
    }

    /** The {@code status} field's value. */
    public String wire() {
      return wire;
    }

    /** The HTTP status code of {@code /readyz}. */
    public int httpStatus() {
      return httpStatus;
    }
  }

  public Readiness {
    requireNonNull(state, "state");
    details = new LinkedHashMap<>(details);
  }

  /** Ready or not, with no details (processes that only know their database's reachability). */
  public static Readiness of(boolean ready) {
    return new Readiness(ready ? State.READY : State.NOT_READY, Map.of());
  }
}
