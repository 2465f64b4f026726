package dev.aigateway.controlplane.xds;

import io.envoyproxy.envoy.config.core.v3.SchemeHeaderTransformation;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.InternalAddressConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ServerHeaderTransformation;

/**
 * What a client is allowed to tell Envoy, and what Envoy tells a provider about itself.
 *
 * <p>With {@code use_remote_address: false} (the default) Envoy takes the client address from
 * {@code x-forwarded-for}; a client sending a private address there counts as internal and keeps
 * {@code x-envoy-retry-on} and friends, so it could make Envoy bill several attempts for one
 * metered request (conn_manager_utility.cc mutateRequestHeaders; Istio bulletin 2024-006).
 */
final class ClientTrust {
  private ClientTrust() {}

  static void apply(HttpConnectionManager.Builder hcm, EnvoyOptions options) {
    hcm
        // The peer address decides; behind a load balancer, the configured number of its hops.
        .setUseRemoteAddress(com.google.protobuf.BoolValue.of(true))
        .setXffNumTrustedHops(options.xffNumTrustedHops())
        // No address is internal: every client is treated as external, so Envoy strips the
        // x-envoy-* request headers it would otherwise obey and regenerates x-request-id.
        .setInternalAddressConfig(InternalAddressConfig.newBuilder().setUnixSockets(false).build())
        // :scheme follows the upstream transport, so https providers never see ":scheme: http"
        // from a plaintext listener (http_connection_manager.proto; ai-gateway and Envoy Gateway
        // set the same).
        .setSchemeHeaderTransformation(
            SchemeHeaderTransformation.newBuilder().setMatchUpstream(true))
        // No "server: envoy" added; the provider's own server header is removed by the route
        // configuration's response_headers_to_remove.
        .setServerHeaderTransformation(ServerHeaderTransformation.PASS_THROUGH);
  }
}
