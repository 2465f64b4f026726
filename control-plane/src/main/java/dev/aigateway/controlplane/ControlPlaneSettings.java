package dev.aigateway.controlplane;

import static java.util.Objects.requireNonNull;

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
 */
public record ControlPlaneSettings(
    String bindAddress,
    int adminPort,
    int xdsPort,
    String extProcHost,
    int extProcPort,
    @Nullable String adminToken,
    String replicaId) {

  public ControlPlaneSettings {
    requireNonNull(bindAddress, "bindAddress");
    requireNonNull(extProcHost, "extProcHost");
    requireNonNull(replicaId, "replicaId");
  }
}
