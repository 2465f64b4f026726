package dev.aigateway.controlplane;

import static java.util.Objects.requireNonNull;

import dev.aigateway.controlplane.http.HttpServers;
import dev.aigateway.controlplane.ops.OpsRoutes;
import dev.aigateway.db.Database;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
  private final List<String> startupNotes;
  private final AtomicBoolean started;

  private ControlPlane(Javalin http, List<String> startupNotes, AtomicBoolean started) {
    this.http = http;
    this.startupNotes = List.copyOf(startupNotes);
    this.started = started;
  }

  /** Starts every part of the control plane; on failure nothing is left running. */
  public static ControlPlane start(
      ControlPlaneSettings settings, Database database, PrometheusMeterRegistry registry) {
    requireNonNull(settings, "settings");
    requireNonNull(database, "database");
    List<String> notes = new ArrayList<>();
    // Ready once the launcher has started every component of the process and while the database
    // answers.
    AtomicBoolean started = new AtomicBoolean();
    Javalin http =
        HttpServers.start(
            settings.bindAddress(),
            settings.adminPort(),
            config ->
                OpsRoutes.register(
                    config.routes, () -> started.get() && database.isReachable(), registry));
    log.info("admin API listening on {}:{}", settings.bindAddress(), http.port());
    return new ControlPlane(http, notes, started);
  }

  /** The port the admin HTTP server listens on. */
  public int adminPort() {
    return http.port();
  }

  /** Reports ready on {@code /readyz} from now on (while the database is reachable). */
  public void markStarted() {
    started.set(true);
  }

  /** Lines to print once at startup (for example a newly generated admin token). */
  public List<String> startupNotes() {
    return startupNotes;
  }

  @Override
  public void close() {
    http.stop();
  }
}
