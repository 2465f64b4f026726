package dev.aigateway.controlplane.xds;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
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
  /** The one "internal" range: no TCP peer can have this address. */
  static final String NO_CLIENT_ADDRESS = "0.0.0.0";

  private ClientTrust() {}

  static void apply(HttpConnectionManager.Builder hcm, EnvoyOptions options) {
    hcm
        // The peer address decides; behind a load balancer, the configured number of its hops.
        .setUseRemoteAddress(com.google.protobuf.BoolValue.of(true))
        .setXffNumTrustedHops(options.xffNumTrustedHops())
        // No client is internal, so Envoy strips the x-envoy-* request headers it would otherwise
        // obey and regenerates x-request-id. An empty cidr_ranges is not enough: Envoy releases
        // without the explicit_internal_address_config change fall back to RFC 1918 for it
        // (http_connection_manager/config.h InternalAddressConfig::isInternalAddress), and pods
        // and VPC clients have RFC 1918 addresses. 0.0.0.0/32 is a range no peer comes from.
        .setInternalAddressConfig(
            InternalAddressConfig.newBuilder()
                .setUnixSockets(false)
                .addCidrRanges(
                    CidrRange.newBuilder()
                        .setAddressPrefix(NO_CLIENT_ADDRESS)
                        .setPrefixLen(UInt32Value.of(32)))
                .build())
        // :scheme follows the upstream transport, so https providers never see ":scheme: http"
        // from a plaintext listener (http_connection_manager.proto; ai-gateway and Envoy Gateway
        // set the same).
        .setSchemeHeaderTransformation(
            SchemeHeaderTransformation.newBuilder().setMatchUpstream(true))
        // No "server: envoy" added; the provider's own server header is removed by the route
        // configuration's response_headers_to_remove.
        .setServerHeaderTransformation(ServerHeaderTransformation.PASS_THROUGH)
        // The client never chooses the request id (above), so it is handed back: the id the
        // ext_proc records as the ledger's client_request_id, for a client to quote and for
        // joining what a client saw with the ledger (OutageFaultIT).
        .setAlwaysSetRequestIdInResponse(true);
  }
}
