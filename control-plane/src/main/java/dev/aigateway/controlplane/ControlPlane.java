package dev.aigateway.controlplane;

import static java.util.Objects.requireNonNull;

import dev.aigateway.controlplane.admin.AdminApi;
import dev.aigateway.controlplane.admin.auth.AdminBootstrap;
import dev.aigateway.controlplane.admin.provider.UpstreamAddressPolicy;
import dev.aigateway.controlplane.console.ConsoleRoutes;
import dev.aigateway.controlplane.http.HttpServers;
import dev.aigateway.controlplane.ops.CachedCheck;
import dev.aigateway.controlplane.ops.OpsRoutes;
import dev.aigateway.controlplane.usage.UsageRoutes;
import dev.aigateway.controlplane.xds.XdsRoutes;
import dev.aigateway.controlplane.xds.XdsServer;
import dev.aigateway.db.Database;
import dev.aigateway.db.secret.SecretCipher;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane of one replica: the admin HTTP server (REST API, console, health, metrics) and
 * the xDS server, both backed by the database.
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  private final Javalin http;
  private final XdsServer xds;
  private final List<String> startupNotes;
  private final AtomicBoolean started;

  private ControlPlane(
      Javalin http, XdsServer xds, List<String> startupNotes, AtomicBoolean started) {
    this.http = http;
    this.xds = xds;
    this.startupNotes = List.copyOf(startupNotes);
    this.started = started;
  }

  /** Starts every part of the control plane; on failure nothing is left running. */
  public static ControlPlane start(
      ControlPlaneSettings settings, Database database, PrometheusMeterRegistry registry) {
    requireNonNull(settings, "settings");
    requireNonNull(database, "database");
    List<String> notes = new ArrayList<>();
    AdminBootstrap.ensure(database, settings.adminToken())
        .ifPresent(token -> notes.add("Admin token (shown once, store it now): " + token));
    SecretCipher cipher = new SecretCipher(settings.secretKey(), settings.previousSecretKeys());
    // Ready once the launcher has started every component of the process and while the database
    // answers.
    AtomicBoolean started = new AtomicBoolean();
    CachedCheck databaseReachable = new CachedCheck(database::isReachable, Duration.ofSeconds(1));
    XdsServer xds = XdsServer.start(settings, database, registry);
    Javalin http;
    try {
      http =
          HttpServers.start(
              settings.bindAddress(),
              settings.adminPort(),
              config -> {
                OpsRoutes.register(
                    config.routes,
                    () -> started.get() && databaseReachable.getAsBoolean(),
                    registry,
                    settings.security().metricsToken());
                ConsoleRoutes.register(config);
                AdminApi.configure(
                    config,
                    database,
                    cipher,
                    new UpstreamAddressPolicy(settings.security().allowPrivateUpstreams()));
                XdsRoutes.register(config.routes, database.dsl(), settings, xds::port);
                UsageRoutes.register(config.routes, database, Clock.systemUTC());
              });
    } catch (RuntimeException e) {
      xds.close();
      throw e;
    }
    log.info("admin API listening on {}:{}", settings.bindAddress(), http.port());
    return new ControlPlane(http, xds, notes, started);
  }

  /** The port the admin HTTP server listens on. */
  public int adminPort() {
    return http.port();
  }

  /** Reports ready on {@code /readyz} from now on (while the database is reachable). */
  public void markStarted() {
    started.set(true);
  }

  /** Method and path of every HTTP route, such as {@code GET /api/v1/providers}. */
  public List<String> httpRoutes() {
    return http.unsafe.internalRouter.allHttpHandlers().stream()
        .map(e -> e.endpoint)
        .filter(e -> e.method.isHttpMethod())
        .map(e -> e.method.name() + " " + e.path)
        .toList();
  }

  /** The port the xDS server listens on. */
  public int xdsPort() {
    return xds.port();
  }

  /** Lines to print once at startup (for example a newly generated admin token). */
  public List<String> startupNotes() {
    return startupNotes;
  }

  @Override
  public void close() {
    http.stop();
    xds.close();
  }
}
