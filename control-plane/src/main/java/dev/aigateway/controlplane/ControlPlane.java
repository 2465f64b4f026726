package dev.aigateway.controlplane;

import static java.util.Objects.requireNonNull;

import dev.aigateway.controlplane.admin.AdminApi;
import dev.aigateway.controlplane.admin.auth.AdminBootstrap;
import dev.aigateway.controlplane.admin.provider.UpstreamAddressPolicy;
import dev.aigateway.controlplane.console.ConsoleRoutes;
import dev.aigateway.controlplane.http.HttpServers;
import dev.aigateway.controlplane.lastgood.LastGood;
import dev.aigateway.controlplane.lastgood.LastGoodXdsFile;
import dev.aigateway.controlplane.ops.OpsRoutes;
import dev.aigateway.controlplane.ops.Readiness;
import dev.aigateway.controlplane.outage.DatabaseMonitor;
import dev.aigateway.controlplane.outage.DatabaseRecovery;
import dev.aigateway.controlplane.usage.UsageRoutes;
import dev.aigateway.controlplane.xds.ConfigSource;
import dev.aigateway.controlplane.xds.XdsRoutes;
import dev.aigateway.controlplane.xds.XdsServer;
import dev.aigateway.db.Database;
import dev.aigateway.db.secret.SecretCipher;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
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
  private final DatabaseMonitor monitor;
  private final @Nullable DatabaseRecovery recovery;

  private ControlPlane(
      Javalin http,
      XdsServer xds,
      List<String> startupNotes,
      AtomicBoolean started,
      DatabaseMonitor monitor,
      @Nullable DatabaseRecovery recovery) {
    this.http = http;
    this.xds = xds;
    this.startupNotes = List.copyOf(startupNotes);
    this.started = started;
    this.monitor = monitor;
    this.recovery = recovery;
  }

  /** Starts every part of the control plane; on failure nothing is left running. */
  public static ControlPlane start(
      ControlPlaneSettings settings, Database database, PrometheusMeterRegistry registry) {
    return start(settings, database, registry, null, null);
  }

  /**
   * Starts every part of the control plane; on failure nothing is left running.
   *
   * @param dataDir where the last good xDS state is kept (null: not kept)
   * @param lastGood a state from disk to serve because the database is down at start (null: the
   *     database answered); the admin token and the schema are then seen to once it answers
   */
  public static ControlPlane start(
      ControlPlaneSettings settings,
      Database database,
      PrometheusMeterRegistry registry,
      @Nullable Path dataDir,
      LastGood.@Nullable Loaded lastGood) {
    requireNonNull(settings, "settings");
    requireNonNull(database, "database");
    List<String> notes = new ArrayList<>();
    if (lastGood == null) {
      AdminBootstrap.ensure(database, settings.adminToken())
          .ifPresent(token -> notes.add(adminTokenNote(token)));
    }
    SecretCipher cipher = new SecretCipher(settings.secretKey(), settings.previousSecretKeys());
    // Ready once the launcher has started every component of the process; degraded (still ready)
    // while the database is down and the config is served from memory or disk.
    AtomicBoolean started = new AtomicBoolean();
    DatabaseMonitor monitor =
        new DatabaseMonitor(
                database::probeFailure, Duration.ofSeconds(1), Clock.systemUTC(), lastGood == null)
            .start();
    LastGoodXdsFile file =
        dataDir == null ? null : new LastGoodXdsFile(dataDir, cipher, Clock.systemUTC());
    XdsServer xds;
    try {
      xds =
          XdsServer.start(
              settings,
              database,
              registry,
              file == null ? state -> {} : file::save,
              lastGood == null
                  ? null
                  : new XdsServer.LastGoodState(lastGood.state(), lastGood.savedAt()));
    } catch (RuntimeException e) {
      monitor.close();
      throw e;
    }
    Javalin http;
    try {
      http =
          HttpServers.start(
              settings.bindAddress(),
              settings.adminPort(),
              config -> {
                OpsRoutes.registerWithDetails(
                    config.routes,
                    () -> readiness(started.get(), monitor, xds, registry),
                    registry,
                    settings.security().metricsToken());
                ConsoleRoutes.register(config);
                AdminApi.configure(
                    config,
                    database,
                    cipher,
                    new UpstreamAddressPolicy(settings.security().allowPrivateUpstreams()),
                    monitor::reachable);
                XdsRoutes.register(config.routes, database.dsl(), settings, xds::port);
                UsageRoutes.register(config.routes, database, Clock.systemUTC());
              });
    } catch (RuntimeException e) {
      xds.close();
      monitor.close();
      throw e;
    }
    log.info("admin API listening on {}:{}", settings.bindAddress(), http.port());
    DatabaseRecovery recovery =
        lastGood == null
            ? null
            : DatabaseRecovery.start(
                monitor,
                () -> {
                  database.migrate();
                  AdminBootstrap.ensure(database, settings.adminToken())
                      // The launcher printed its banner long ago; a token generated now (a new,
                      // empty database) is printed the same way, once.
                      .ifPresent(token -> System.out.println(adminTokenNote(token)));
                });
    return new ControlPlane(http, xds, notes, started, monitor, recovery);
  }

  private static String adminTokenNote(String token) {
    return "Admin token (shown once, store it now): " + token;
  }

  private static Readiness readiness(
      boolean started, DatabaseMonitor monitor, XdsServer xds, MeterRegistry registry) {
    if (!started) {
      return Readiness.of(false);
    }
    DatabaseMonitor.Status database = monitor.status();
    ConfigSource config = xds.source();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put(
        "database", database.reachable() ? "reachable" : "unreachable since " + database.since());
    details.put("config", config.describe());
    Gauge spool = registry.find("gateway.usage.spool.depth").gauge();
    if (spool != null) {
      // Usage records written to disk and not yet in the database (run: the ext_proc's spool).
      details.put("spool", (long) spool.value());
    }
    boolean healthy = database.reachable() && config.fromDatabase();
    return new Readiness(healthy ? Readiness.State.READY : Readiness.State.DEGRADED, details);
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
    if (recovery != null) {
      recovery.close();
    }
    http.stop();
    xds.close();
    monitor.close();
  }
}
