package dev.aigateway.controlplane.xds;

import static java.util.Objects.requireNonNull;

import dev.aigateway.tls.TlsFiles;
import org.jspecify.annotations.Nullable;

/**
 * Where Envoys reach the ext_proc service (the data-plane filter).
 *
 * @param tls the client certificate, key and CA as Envoys see them, for mutual TLS; null: plaintext
 */
public record ExtProcTarget(String host, int port, @Nullable TlsFiles tls) {
  public ExtProcTarget {
    requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
  }

  /** A plaintext target. */
  public ExtProcTarget(String host, int port) {
    this(host, port, null);
  }
}
