package dev.aigateway.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.extensions.filters.network.connection_limit.v3.ConnectionLimit;

/**
 * Bounds on what slow or numerous clients can hold on a fleet listener (issue 14 item 8). Sources
 * and what the embedded proxy does with each: docs/security.md, "Slow and keyless clients".
 */
final class DownstreamLimits {
  /**
   * HCM {@code request_timeout}: "the amount of time that Envoy will wait for the entire request to
   * be received ... disarmed when the last byte of the request is sent upstream ... OR when the
   * response is initiated" (http_connection_manager.proto), so it bounds a body trickled in by a
   * client without touching long streamed responses. Two minutes lets a 16 MiB body arrive at about
   * 140 KB/s.
   */
  static final Duration REQUEST_TIMEOUT = Duration.newBuilder().setSeconds(120).build();

  /**
   * Open downstream connections per listener: {@code envoy.filters.network.connection_limit} closes
   * connections over {@code max_connections} at once (connection_limit.proto: no delay).
   */
  static final long MAX_CONNECTIONS = 4096;

  private DownstreamLimits() {}

  static Filter connectionLimit(String fleet) {
    return Filter.newBuilder()
        .setName("envoy.filters.network.connection_limit")
        .setTypedConfig(
            Any.pack(
                ConnectionLimit.newBuilder()
                    .setStatPrefix("gateway_" + fleet + "_connections")
                    .setMaxConnections(UInt64Value.of(MAX_CONNECTIONS))
                    .build()))
        .build();
  }
}
