package dev.aigateway.launcher;

import dev.aigateway.controlplane.http.HttpServers;
import dev.aigateway.controlplane.ops.CachedCheck;
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
          + " /healthz, /readyz and /metrics on the admin port."
    })
final class ExtProcCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Mixin ServerOptions servers;
  @Mixin TlsOptions tlsOptions;

  @Override
  public Integer call() throws Exception {
    servers.validate();
    var dbSettings = database.settings();
    byte[] secretKey = SecretOptions.currentKey(dbSettings.dataDir());
    var tls = tlsOptions.configured();
    var registry = Metrics.newRegistry();
    Lifecycle lifecycle = new Lifecycle();
    try {
      Database db = lifecycle.add(Database.start(dbSettings));
      Database dataPlaneDb =
          lifecycle.add(db.newPool(PoolLimits.dataPlane(dbSettings.maxPoolSize())));
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
                              new CachedCheck(db::isReachable, java.time.Duration.ofSeconds(1)),
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
