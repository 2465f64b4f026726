package dev.aigateway.controlplane;

import static java.util.Objects.requireNonNull;

import dev.aigateway.controlplane.http.HttpServers;
import dev.aigateway.controlplane.ops.OpsRoutes;
import dev.aigateway.controlplane.xds.XdsRoutes;
import dev.aigateway.controlplane.xds.XdsServer;
import dev.aigateway.db.Database;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
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

  private ControlPlane(Javalin http, XdsServer xds, List<String> startupNotes) {
    this.http = http;
    this.xds = xds;
    this.startupNotes = List.copyOf(startupNotes);
  }

  /** Starts every part of the control plane; on failure nothing is left running. */
  public static ControlPlane start(
      ControlPlaneSettings settings, Database database, PrometheusMeterRegistry registry) {
    requireNonNull(settings, "settings");
    requireNonNull(database, "database");
    List<String> notes = new ArrayList<>();
    XdsServer xds = XdsServer.start(settings, database, registry);
    Javalin http;
    try {
      http =
          HttpServers.start(
              settings.bindAddress(),
              settings.adminPort(),
              config -> {
                OpsRoutes.register(config.routes, database::isReachable, registry);
                XdsRoutes.register(config.routes, database.dsl(), settings, xds::port);
              });
    } catch (RuntimeException e) {
      xds.close();
      throw e;
    }
    log.info("admin API listening on {}:{}", settings.bindAddress(), http.port());
    return new ControlPlane(http, xds, notes);
  }

  /** The port the admin HTTP server listens on. */
  public int adminPort() {
    return http.port();
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
