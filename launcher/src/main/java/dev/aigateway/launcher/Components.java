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
      ControlPlaneDatabase db,
      Path dataDir,
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
                db.database(),
                registry,
                dataDir,
                db.lastGood()));
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
                        SecretOptions.previousKeys(),
                        // The one body limit: the same value the control plane gives Envoy.
                        dev.aigateway.controlplane.xds.EnvoyOptions.fromEnvironment(System.getenv())
                            .bodyLimitBytes(),
                        drainGrace()),
                    tls),
                db,
                registry,
                loops));
  }

  private static ExtProcSettings withTls(ExtProcSettings settings, @Nullable TlsFiles tls) {
    return tls == null ? settings : settings.withTls(tls);
  }

  /** {@code GATEWAY_EXT_PROC_DRAIN_SECONDS}: grace for streams in flight at shutdown. */
  private static java.time.Duration drainGrace() {
    String value = System.getenv("GATEWAY_EXT_PROC_DRAIN_SECONDS");
    if (value == null || value.isBlank()) {
      return ExtProcSettings.DEFAULT_DRAIN_GRACE;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      if (seconds >= 0) {
        return java.time.Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "GATEWAY_EXT_PROC_DRAIN_SECONDS: " + value + " (expected: whole seconds >= 0)");
  }
}
