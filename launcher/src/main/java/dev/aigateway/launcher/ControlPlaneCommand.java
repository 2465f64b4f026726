package dev.aigateway.launcher;

import dev.aigateway.controlplane.ControlPlane;
import dev.aigateway.controlplane.ops.Metrics;
import dev.aigateway.db.Database;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.tls.TlsFiles;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gateway control-plane}: one control-plane replica. */
@Command(
    name = "control-plane",
    mixinStandardHelpOptions = true,
    description = {
      "Run one control-plane replica: admin REST API, console, /metrics and the xDS server that"
          + " pushes Envoy config. Several replicas may share one PostgreSQL."
    })
final class ControlPlaneCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Mixin ServerOptions servers;
  @Mixin TlsOptions tlsOptions;
  @Mixin AdminSecurityOptions adminSecurity;

  @Override
  public Integer call() throws Exception {
    servers.validate();
    var dbSettings = database.settings();
    byte[] secretKey = SecretOptions.currentKey(dbSettings.dataDir());
    TlsFiles tls = tlsOptions.configured();
    var security = adminSecurity.security(tls, tlsOptions.forEnvoys(tls));
    var registry = Metrics.newRegistry();
    Lifecycle lifecycle = new Lifecycle();
    try {
      ControlPlaneDatabase cpDb =
          ControlPlaneDatabase.open(
              dbSettings, new SecretCipher(secretKey, SecretOptions.previousKeys()));
      Database db = lifecycle.add(cpDb.database());
      ControlPlane controlPlane =
          lifecycle.add(
              Components.controlPlane(
                  servers, security, cpDb, dbSettings.dataDir(), secretKey, registry));
      System.out.printf(
          "control plane: admin API http://%s:%d/api/v1/, xDS %s:%d%n",
          servers.bindAddress, controlPlane.adminPort(), servers.bindAddress, servers.xdsPort);
      if (tls == null) {
        System.out.println(TlsOptions.PLAINTEXT_WARNING);
      }
      controlPlane.startupNotes().forEach(System.out::println);
      controlPlane.markStarted();
    } catch (RuntimeException e) {
      lifecycle.close();
      throw e;
    }
    lifecycle.awaitShutdown();
    return 0;
  }
}
