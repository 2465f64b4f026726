package dev.aigateway.launcher;

import dev.aigateway.controlplane.http.HttpServers;
import dev.aigateway.controlplane.ops.Metrics;
import dev.aigateway.controlplane.ops.OpsRoutes;
import dev.aigateway.dataplane.ExtProcServer;
import dev.aigateway.db.Database;
import dev.aigateway.db.PoolLimits;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gateway ext-proc}: one ext_proc replica. */
@Command(
    name = "ext-proc",
    mixinStandardHelpOptions = true,
    description = {
      "Run one ext_proc replica: the gRPC service Envoy calls for every request (client keys,"
          + " model routing, translation, metering, quotas, upstream credentials). It serves"
          + " /healthz, /readyz and /metrics on the admin port. It needs an external PostgreSQL"
          + " (GATEWAY_DATABASE_URL) and never migrates it; started while the database is down, it"
          + " serves the last good configuration sealed in its data directory."
    })
final class ExtProcCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Mixin ServerOptions servers;
  @Mixin TlsOptions tlsOptions;

  @Override
  public Integer call() throws Exception {
    servers.validate();
    var dbSettings = database.settings();
    Settings.require(
        !dbSettings.embedded(),
        "ext-proc needs GATEWAY_DATABASE_URL / --database-url (the embedded PostgreSQL belongs to"
            + " `gateway run`)");
    byte[] secretKey = SecretOptions.currentKey(dbSettings.dataDir());
    var tls = tlsOptions.configured();
    var registry = Metrics.newRegistry();
    Lifecycle lifecycle = new Lifecycle();
    try {
      // Not Database.start: the ext_proc never migrates (a schema behind this build is reported and
      // retried by its config feed), and it starts while the database is unreachable.
      Database dataPlaneDb =
          lifecycle.add(
              Database.connectLazily(
                  dbSettings.jdbcUrl(),
                  dbSettings.credentials(),
                  PoolLimits.dataPlane(dbSettings.maxPoolSize())));
      ExtProcServer extProc =
          lifecycle.add(
              Components.extProc(
                  servers, dataPlaneDb, dbSettings.dataDir(), secretKey, registry, tls, null));
      var ops =
          Ports.bind(
              servers.bindAddress,
              servers.adminPort,
              servers::settingOf,
              () ->
                  HttpServers.start(
                      servers.bindAddress,
                      servers.adminPort,
                      config ->
                          OpsRoutes.register(
                              config.routes,
                              // Ready while it serves a configuration, live or its sealed
                              // last good copy: a database outage alone must not take it out
                              // of service.
                              () -> extProc.configRevision() > 0,
                              registry,
                              AdminSecurityOptions.metricsTokenFromEnvironment())));
      lifecycle.add(ops::stop);
      System.out.printf(
          "ext_proc: gRPC %s:%d, health and metrics http://%s:%d/%n",
          servers.bindAddress, extProc.port(), servers.bindAddress, ops.port());
      if (tls == null) {
        System.out.println(TlsOptions.PLAINTEXT_WARNING);
      }
    } catch (RuntimeException e) {
      lifecycle.close();
      throw e;
    }
    lifecycle.awaitShutdown();
    return 0;
  }
}
