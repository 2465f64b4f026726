package dev.aigateway.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;

/** Builds the CDS clusters: one per provider and one for the ext_proc service. */
final class ClusterFactory {
  static final String PROTOCOL_OPTIONS_KEY =
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  private ClusterFactory() {}

  /**
   * A provider cluster: DNS-resolved base URL host; for https, TLS with SNI, the provider's own CA
   * bundle or the fleet's trusted CA file, a SAN check, and HTTP/2 or HTTP/1.1 by ALPN.
   */
  static Cluster provider(
      XdsState.Provider provider, UpstreamEndpoint endpoint, EnvoyOptions options) {
    String name = XdsNames.providerCluster(provider.name());
    Cluster.Builder cluster =
        Cluster.newBuilder()
            .setName(name)
            .setConnectTimeout(seconds(5))
            .setLoadAssignment(loadAssignment(name, endpoint.host(), endpoint.port()))
            // Non-streaming responses are buffered whole for translation: the one body limit
            // (filter_manager.cc responseDataTooLarge answers 500 above it).
            .setPerConnectionBufferLimitBytes(bufferLimit(options))
            .setCircuitBreakers(circuitBreakers(1024))
            .putTypedExtensionProtocolOptions(
                PROTOCOL_OPTIONS_KEY, Any.pack(providerProtocolOptions(endpoint.tls())));
    if (UpstreamEndpoint.isIpLiteral(endpoint.host())) {
      cluster.setType(Cluster.DiscoveryType.STATIC);
    } else {
      // One logical host per provider: the usual choice for large web services behind DNS.
      cluster
          .setType(Cluster.DiscoveryType.LOGICAL_DNS)
          .setDnsLookupFamily(Cluster.DnsLookupFamily.V4_PREFERRED);
    }
    if (endpoint.tls()) {
      cluster.setTransportSocket(
          UpstreamTls.transportSocket(endpoint.host(), provider.caBundle(), options));
    }
    return cluster.build();
  }

  /** The HTTP/2 cluster of the ext_proc gRPC service; mutual TLS when the target has files. */
  static Cluster extProc(ExtProcTarget target, EnvoyOptions options) {
    String name = XdsNames.EXT_PROC_CLUSTER;
    Cluster.Builder cluster =
        Cluster.newBuilder()
            .setName(name)
            .setConnectTimeout(seconds(1))
            .setLoadAssignment(loadAssignment(name, target.host(), target.port()))
            // A buffered body travels whole in one gRPC message.
            .setPerConnectionBufferLimitBytes(bufferLimit(options))
            // One gRPC stream per HTTP request: the limits must not be below the listener's.
            .setCircuitBreakers(circuitBreakers(100_000))
            .setOutlierDetection(ExtProcHealth.outlierDetection())
            .putTypedExtensionProtocolOptions(
                PROTOCOL_OPTIONS_KEY, Any.pack(ExtProcHealth.protocolOptions(seconds(300))));
    if (UpstreamEndpoint.isIpLiteral(target.host())) {
      cluster.setType(Cluster.DiscoveryType.STATIC);
    } else {
      // Every address behind the name: ext_proc replicas share the load.
      cluster
          .setType(Cluster.DiscoveryType.STRICT_DNS)
          .setDnsLookupFamily(Cluster.DnsLookupFamily.V4_PREFERRED);
    }
    if (target.tls() != null) {
      cluster.setTransportSocket(MutualTlsSockets.client(target.tls(), target.host()));
    }
    return cluster.build();
  }

  /**
   * The one body limit plus room for headers and gRPC framing, so a body of exactly the limit
   * passes Envoy and the ext_proc (not Envoy) is the one that refuses, in the client API's shape.
   */
  static UInt32Value bufferLimit(EnvoyOptions options) {
    return UInt32Value.of((int) (options.bodyLimitBytes() + (1 << 20)));
  }

  /**
   * https: {@code auto_config} negotiates h2 or http/1.1 by ALPN (an HTTP/1.1-only front gets
   * HTTP/1.1 instead of a 503); plaintext: HTTP/1.1, since there is no ALPN to negotiate with.
   * [upstreams/http/v3/http_protocol_options.proto: auto_config]
   */
  static HttpProtocolOptions providerProtocolOptions(boolean tls) {
    HttpProtocolOptions.Builder options =
        HttpProtocolOptions.newBuilder()
            .setCommonHttpProtocolOptions(
                io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
                    .setIdleTimeout(seconds(60)));
    if (tls) {
      options.setAutoConfig(
          HttpProtocolOptions.AutoHttpConfig.newBuilder()
              .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance())
              .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()));
    } else {
      options.setExplicitHttpConfig(
          HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
              .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance()));
    }
    return options.build();
  }

  private static ClusterLoadAssignment loadAssignment(String cluster, String host, int port) {
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(cluster)
        .addEndpoints(
            LocalityLbEndpoints.newBuilder()
                .addLbEndpoints(
                    LbEndpoint.newBuilder()
                        .setEndpoint(Endpoint.newBuilder().setAddress(address(host, port)))))
        .build();
  }

  static Address address(String host, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port))
        .build();
  }

  private static CircuitBreakers circuitBreakers(int limit) {
    return CircuitBreakers.newBuilder()
        .addThresholds(
            CircuitBreakers.Thresholds.newBuilder()
                .setPriority(RoutingPriority.DEFAULT)
                .setMaxConnections(UInt32Value.of(limit))
                .setMaxPendingRequests(UInt32Value.of(limit))
                .setMaxRequests(UInt32Value.of(limit))
                .setMaxRetries(UInt32Value.of(3)))
        .build();
  }

  static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }
}
