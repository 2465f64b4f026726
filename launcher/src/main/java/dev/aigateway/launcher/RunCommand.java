package dev.aigateway.launcher;

import dev.aigateway.controlplane.ControlPlane;
import dev.aigateway.controlplane.ControlPlaneSettings;
import dev.aigateway.controlplane.ops.Metrics;
import dev.aigateway.dataplane.ExtProcServer;
import dev.aigateway.dataplane.ExtProcSettings;
import dev.aigateway.db.Database;
import dev.aigateway.db.DatabaseSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gateway run}: the whole gateway in one process. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole gateway in one process: database (embedded PostgreSQL unless"
          + " GATEWAY_DATABASE_URL is set), control plane (admin API, console, xDS), ext_proc"
          + " service and the embedded proxy, talking to each other over their real protocols on"
          + " loopback."
    })
final class RunCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Mixin ServerOptions servers;

  @Override
  public Integer call() throws Exception {
    servers.validate();
    DatabaseSettings dbSettings = database.settings();
    byte[] secretKey = SecretOptions.currentKey(dbSettings.dataDir());
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    Lifecycle lifecycle = new Lifecycle();
    try {
      Database db = lifecycle.add(Database.start(dbSettings));
      ControlPlane controlPlane =
          lifecycle.add(
              Ports.bind(
                  servers.bindAddress,
                  servers.adminPort,
                  ServerOptions.ADMIN_PORT,
                  () ->
                      ControlPlane.start(
                          new ControlPlaneSettings(
                              servers.bindAddress,
                              servers.adminPort,
                              servers.xdsPort,
                              servers.extProcHost,
                              servers.extProcPort,
                              System.getenv("GATEWAY_ADMIN_TOKEN"),
                              Replica.id()),
                          db,
                          registry)));
      ExtProcServer extProc =
          lifecycle.add(
              Ports.bind(
                  servers.bindAddress,
                  servers.extProcPort,
                  ServerOptions.EXT_PROC_PORT,
                  () ->
                      ExtProcServer.start(
                          new ExtProcSettings(
                              servers.bindAddress,
                              servers.extProcPort,
                              dbSettings.dataDir(),
                              secretKey,
                              SecretOptions.previousKeys()),
                          db,
                          registry)));
      printBanner(System.out, db, dbSettings, controlPlane, extProc);
      controlPlane.markStarted();
    } catch (RuntimeException e) {
      lifecycle.close();
      throw e;
    }
    lifecycle.awaitShutdown();
    return 0;
  }

  private void printBanner(
      PrintStream out,
      Database db,
      DatabaseSettings dbSettings,
      ControlPlane controlPlane,
      ExtProcServer extProc) {
    String host = servers.bindAddress;
    String admin = "http://" + host + ":" + controlPlane.adminPort();
    out.println();
    out.println("AI gateway is running");
    out.printf("  Admin API       %s/api/v1/%n", admin);
    out.printf("  Console         %s/%n", admin);
    out.printf("  Health          %s/healthz  %s/readyz%n", admin, admin);
    out.printf("  Metrics         %s/metrics%n", admin);
    out.printf("  xDS (ADS)       %s:%d%n", host, servers.xdsPort);
    out.printf("  ext_proc        %s:%d%n", host, extProc.port());
    out.printf("  Data directory  %s%n", dbSettings.dataDir());
    out.printf(
        "  Database        %s%n",
        db.isEmbedded()
            ? "embedded PostgreSQL (data in " + dbSettings.dataDir().resolve("postgres") + ")"
            : dev.aigateway.db.Redaction.jdbcUrl(db.jdbcUrl()));
    for (String note : controlPlane.startupNotes()) {
      out.println("  " + note);
    }
    out.println("Press Ctrl-C to stop.");
    out.flush();
  }
}
