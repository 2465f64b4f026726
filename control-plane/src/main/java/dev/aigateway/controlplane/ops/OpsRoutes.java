package dev.aigateway.controlplane.ops;

import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.BooleanSupplier;

/** {@code /healthz}, {@code /readyz} and {@code /metrics}, served by every gateway process. */
public final class OpsRoutes {
  private OpsRoutes() {}

  /**
   * Registers the routes.
   *
   * @param ready true when the process can serve (for example: database reachable and migrated)
   */
  public static void register(
      RoutesConfig routes, BooleanSupplier ready, PrometheusMeterRegistry registry) {
    routes.get(
        "/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
    routes.get(
        "/readyz",
        ctx -> {
          boolean isReady = ready.getAsBoolean();
          ctx.status(isReady ? 200 : 503)
              .contentType("application/json")
              .result(isReady ? "{\"status\":\"ready\"}" : "{\"status\":\"not ready\"}");
        });
    routes.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
  }
}
