package dev.aigateway.controlplane;

import dev.aigateway.tls.TlsFiles;
import org.jspecify.annotations.Nullable;

/**
 * The control plane's security settings beyond the admin token.
 *
 * @param xdsTls mutual TLS of the xDS server (its certificate, key and the CA client certificates
 *     must come from); null: plaintext, for loopback-only setups and tests
 * @param envoyTls the same kind of files as the Envoys of every fleet see them on their own disks:
 *     written into the bootstrap's xDS cluster and into the CDS ext_proc cluster as the client
 *     certificate Envoy presents; null: those links stay plaintext
 * @param metricsToken when set, {@code /metrics} answers only requests bearing this token
 * @param allowPrivateUpstreams provider base URLs may name private (RFC 1918, loopback, unique
 *     local) addresses; metadata and link-local addresses stay refused
 */
public record ControlPlaneSecurity(
    @Nullable TlsFiles xdsTls,
    @Nullable TlsFiles envoyTls,
    @Nullable String metricsToken,
    boolean allowPrivateUpstreams) {

  /** Plaintext gRPC, open metrics, public provider addresses only. */
  public static final ControlPlaneSecurity DEFAULTS =
      new ControlPlaneSecurity(null, null, null, false);

  /** Hides the metrics token. */
  @Override
  public String toString() {
    return "ControlPlaneSecurity[xdsTls="
        + xdsTls
        + ", envoyTls="
        + envoyTls
        + ", metricsToken="
        + (metricsToken == null ? "none" : "set")
        + ", allowPrivateUpstreams="
        + allowPrivateUpstreams
        + "]";
  }
}
