package dev.aigateway.controlplane.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** {@code /healthz}, {@code /readyz} and {@code /metrics}, served by every gateway process. */
public final class OpsRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OpsRoutes() {}

  /**
   * Registers the routes.
   *
   * @param ready true when the process can serve (for example: database reachable and migrated)
   */
  public static void register(
      RoutesConfig routes, BooleanSupplier ready, PrometheusMeterRegistry registry) {
    register(routes, ready, registry, null);
  }

  /**
   * Registers the routes; with a {@code metricsToken}, {@code /metrics} answers 401 to requests
   * without {@code Authorization: Bearer <token>} (metric labels name keys, teams and models).
   */
  public static void register(
      RoutesConfig routes,
      BooleanSupplier ready,
      PrometheusMeterRegistry registry,
      @Nullable String metricsToken) {
    registerWithDetails(routes, () -> Readiness.of(ready.getAsBoolean()), registry, metricsToken);
  }

  /**
   * Registers the routes with a {@code /readyz} that says what is degraded (see {@link Readiness}
   * for the status codes).
   */
  public static void registerWithDetails(
      RoutesConfig routes,
      Supplier<Readiness> readiness,
      PrometheusMeterRegistry registry,
      @Nullable String metricsToken) {
    routes.get(
        "/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
    routes.get(
        "/readyz",
        ctx -> {
          Readiness now = readiness.get();
          ObjectNode body = JSON.createObjectNode();
          body.put("status", now.state().wire());
          now.details().forEach((name, value) -> body.set(name, JSON.valueToTree(value)));
          ctx.status(now.state().httpStatus())
              .contentType("application/json")
              .result(JSON.writeValueAsString(body));
        });
    byte[] expected =
        metricsToken == null ? null : ("Bearer " + metricsToken).getBytes(StandardCharsets.UTF_8);
    routes.get(
        "/metrics",
        ctx -> {
          if (expected != null && !bearerMatches(ctx.header("Authorization"), expected)) {
            ctx.status(401)
                .header("WWW-Authenticate", "Bearer")
                .contentType("text/plain; charset=utf-8")
                .result("metrics require the metrics token");
            return;
          }
          ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
        });
  }

  private static boolean bearerMatches(@Nullable String header, byte[] expected) {
    return header != null
        && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), expected);
  }
}
