package dev.aigateway.launcher;

import dev.aigateway.controlplane.ControlPlane;
import dev.aigateway.controlplane.ControlPlaneSecurity;
import dev.aigateway.controlplane.ControlPlaneSettings;
import dev.aigateway.controlplane.admin.auth.AdminBootstrap;
import dev.aigateway.dataplane.ExtProcServer;
import dev.aigateway.dataplane.ExtProcSettings;
import dev.aigateway.dataplane.ServerEventLoops;
import dev.aigateway.db.Database;
import dev.aigateway.tls.TlsFiles;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Starts the gateway's servers from the command-line settings; shared by the commands. */
final class Components {
  private Components() {}

  static ControlPlane controlPlane(
      ServerOptions servers,
      ControlPlaneSecurity security,
      Database db,
      byte[] secretKey,
      PrometheusMeterRegistry registry) {
    String adminToken = System.getenv("GATEWAY_ADMIN_TOKEN");
    Settings.require(
        adminToken == null
            || adminToken.isBlank()
            || adminToken.trim().length() >= AdminBootstrap.MIN_CONFIGURED_TOKEN_LENGTH,
        "GATEWAY_ADMIN_TOKEN must be at least "
            + AdminBootstrap.MIN_CONFIGURED_TOKEN_LENGTH
            + " characters (generate one with: openssl rand -base64 32)");
    return Ports.bind(
        servers.bindAddress,
        servers.adminPort,
        servers::settingOf,
        () ->
            ControlPlane.start(
                new ControlPlaneSettings(
                    servers.bindAddress,
                    servers.adminPort,
                    servers.xdsPort,
                    servers.extProcHost,
                    servers.extProcPort,
                    adminToken,
                    Replica.id(),
                    secretKey,
                    SecretOptions.previousKeys(),
                    security),
                db,
                registry));
  }

  /**
   * The ext_proc service with fleet-wide quotas and the usage ledger, on the given event loops
   * (null: its own).
   */
  static ExtProcServer extProc(
      ServerOptions servers,
      Database db,
      Path dataDir,
      byte[] secretKey,
      PrometheusMeterRegistry registry,
      @Nullable TlsFiles tls,
      @Nullable ServerEventLoops loops) {
    return Ports.bind(
        servers.bindAddress,
        servers.extProcPort,
        servers::settingOf,
        () ->
            ExtProcServer.startWithUsageLimiting(
                withTls(
                    new ExtProcSettings(
                        servers.bindAddress,
                        servers.extProcPort,
                        dataDir,
                        secretKey,
                        SecretOptions.previousKeys()),
                    tls),
                db,
                registry,
                loops));
  }

  private static ExtProcSettings withTls(ExtProcSettings settings, @Nullable TlsFiles tls) {
    return tls == null ? settings : settings.withTls(tls);
  }
}
