package dev.aigateway.controlplane;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How the control plane listens and what it tells Envoys.
 *
 * @param bindAddress address the admin HTTP and xDS servers bind to
 * @param adminPort admin REST API, console, health and metrics
 * @param xdsPort ADS (state-of-the-world and delta) gRPC
 * @param extProcHost host Envoys use to reach the ext_proc service
 * @param extProcPort port Envoys use to reach the ext_proc service
 * @param adminToken bootstrap admin token from configuration, or null to generate one on first
 *     start
 * @param replicaId name of this control-plane replica in fleet status
 * @param secretKey the 32-byte key provider credentials are sealed with ({@code
 *     GATEWAY_SECRET_KEY})
 * @param previousSecretKeys older keys still accepted for opening ({@code
 *     GATEWAY_SECRET_KEY_PREVIOUS})
 * @param security mutual TLS, metrics token and provider address rules
 */
public record ControlPlaneSettings(
    String bindAddress,
    int adminPort,
    int xdsPort,
    String extProcHost,
    int extProcPort,
    @Nullable String adminToken,
    String replicaId,
    byte[] secretKey,
    List<byte[]> previousSecretKeys,
    ControlPlaneSecurity security) {

  public ControlPlaneSettings {
    requireNonNull(security, "security");
    requireNonNull(bindAddress, "bindAddress");
    requireNonNull(extProcHost, "extProcHost");
    requireNonNull(replicaId, "replicaId");
    requireNonNull(secretKey, "secretKey");
    previousSecretKeys = List.copyOf(previousSecretKeys);
  }

  /** Settings with {@link ControlPlaneSecurity#DEFAULTS}. */
  public ControlPlaneSettings(
      String bindAddress,
      int adminPort,
      int xdsPort,
      String extProcHost,
      int extProcPort,
      @Nullable String adminToken,
      String replicaId,
      byte[] secretKey,
      List<byte[]> previousSecretKeys) {
    this(
        bindAddress,
        adminPort,
        xdsPort,
        extProcHost,
        extProcPort,
        adminToken,
        replicaId,
        secretKey,
        previousSecretKeys,
        ControlPlaneSecurity.DEFAULTS);
  }

  /** The same settings with {@code security}. */
  public ControlPlaneSettings withSecurity(ControlPlaneSecurity security) {
    return new ControlPlaneSettings(
        bindAddress,
        adminPort,
        xdsPort,
        extProcHost,
        extProcPort,
        adminToken,
        replicaId,
        secretKey,
        previousSecretKeys,
        security);
  }

  /** Hides the admin token and the keys. */
  @Override
  public String toString() {
    return "ControlPlaneSettings[bind="
        + bindAddress
        + ", adminPort="
        + adminPort
        + ", xdsPort="
        + xdsPort
        + ", extProc="
        + extProcHost
        + ":"
        + extProcPort
        + ", replicaId="
        + replicaId
        + ", "
        + security
        + ", secrets hidden]";
  }
}
