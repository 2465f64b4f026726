package dev.aigateway.controlplane.xds;

import static java.util.Objects.requireNonNull;

/** Where Envoys reach the ext_proc service (the data-plane filter). */
public record ExtProcTarget(String host, int port) {
  public ExtProcTarget {
    requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
  }
}
