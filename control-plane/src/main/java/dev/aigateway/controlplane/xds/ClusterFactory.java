package dev.aigateway.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.Builder;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/** Builds the CDS clusters: one per provider and one for the ext_proc service. */
final class ClusterFactory {
  static final String PROTOCOL_OPTIONS_KEY =
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  private ClusterFactory() {}

  /**
   * A provider cluster: DNS-resolved base URL host, TLS with SNI and verification against the
   * system trust store for https, HTTP/2 where the provider is known to speak it.
   */
  static Cluster provider(XdsState.Provider provider, UpstreamEndpoint endpoint) {
    String name = XdsNames.providerCluster(provider.name());
    boolean http2 = endpoint.tls() && speaksHttp2(provider.schema());
    Cluster.Builder cluster =
        Cluster.newBuilder()
            .setName(name)
            .setConnectTimeout(seconds(5))
            .setLoadAssignment(loadAssignment(name, endpoint.host(), endpoint.port()))
            // Responses are buffered whole for non-streaming translation; the 1 MiB default is
            // too small for long completions.
            .setPerConnectionBufferLimitBytes(UInt32Value.of(8 * 1024 * 1024))
            .setCircuitBreakers(circuitBreakers(1024))
            .putTypedExtensionProtocolOptions(
                PROTOCOL_OPTIONS_KEY, Any.pack(protocolOptions(http2, seconds(60))));
    if (UpstreamEndpoint.isIpLiteral(endpoint.host())) {
      cluster.setType(Cluster.DiscoveryType.STATIC);
    } else {
      // One logical host per provider: the usual choice for large web services behind DNS.
      cluster
          .setType(Cluster.DiscoveryType.LOGICAL_DNS)
          .setDnsLookupFamily(Cluster.DnsLookupFamily.V4_PREFERRED);
    }
    if (endpoint.tls()) {
      cluster.setTransportSocket(tls(endpoint.host(), http2));
    }
    return cluster.build();
  }

  /** The plaintext HTTP/2 cluster of the ext_proc gRPC service. */
  static Cluster extProc(ExtProcTarget target) {
    String name = XdsNames.EXT_PROC_CLUSTER;
    Cluster.Builder cluster =
        Cluster.newBuilder()
            .setName(name)
            .setConnectTimeout(seconds(1))
            .setLoadAssignment(loadAssignment(name, target.host(), target.port()))
            .setPerConnectionBufferLimitBytes(UInt32Value.of(8 * 1024 * 1024))
            // One gRPC stream per HTTP request: the limits must not be below the listener's.
            .setCircuitBreakers(circuitBreakers(100_000))
            .putTypedExtensionProtocolOptions(
                PROTOCOL_OPTIONS_KEY, Any.pack(protocolOptions(true, seconds(300))));
    if (UpstreamEndpoint.isIpLiteral(target.host())) {
      cluster.setType(Cluster.DiscoveryType.STATIC);
    } else {
      // Every address behind the name: ext_proc replicas share the load.
      cluster
          .setType(Cluster.DiscoveryType.STRICT_DNS)
          .setDnsLookupFamily(Cluster.DnsLookupFamily.V4_PREFERRED);
    }
    return cluster.build();
  }

  /** Whether the provider's endpoint negotiates HTTP/2; unknown schemas get the safe HTTP/1.1. */
  static boolean speaksHttp2(String schema) {
    return ProviderSchema.fromWire(schema).map(ProviderSchema::http2).orElse(false);
  }

  private static ClusterLoadAssignment loadAssignment(String cluster, String host, int port) {
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(cluster)
        .addEndpoints(
            LocalityLbEndpoints.newBuilder()
                .addLbEndpoints(
                    LbEndpoint.newBuilder()
                        .setEndpoint(
                            Endpoint.newBuilder()
                                .setAddress(
                                    Address.newBuilder()
                                        .setSocketAddress(
                                            SocketAddress.newBuilder()
                                                .setAddress(host)
                                                .setPortValue(port))))))
        .build();
  }

  private static HttpProtocolOptions protocolOptions(boolean http2, Duration idleTimeout) {
    HttpProtocolOptions.ExplicitHttpConfig.Builder explicit =
        HttpProtocolOptions.ExplicitHttpConfig.newBuilder();
    if (http2) {
      explicit.setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance());
    } else {
      explicit.setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance());
    }
    Builder common =
        io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
            .setIdleTimeout(idleTimeout);
    return HttpProtocolOptions.newBuilder()
        .setCommonHttpProtocolOptions(common)
        .setExplicitHttpConfig(explicit)
        .build();
  }

  private static TransportSocket tls(String host, boolean http2) {
    CertificateValidationContext validation =
        CertificateValidationContext.newBuilder()
            .setSystemRootCerts(CertificateValidationContext.SystemRootCerts.getDefaultInstance())
            .addMatchTypedSubjectAltNames(
                SubjectAltNameMatcher.newBuilder()
                    .setSanType(SubjectAltNameMatcher.SanType.DNS)
                    .setMatcher(StringMatcher.newBuilder().setExact(host)))
            .build();
    UpstreamTlsContext context =
        UpstreamTlsContext.newBuilder()
            .setSni(host)
            .setCommonTlsContext(
                CommonTlsContext.newBuilder()
                    .addAlpnProtocols(http2 ? "h2" : "http/1.1")
                    .setValidationContext(validation))
            .build();
    return TransportSocket.newBuilder()
        .setName("envoy.transport_sockets.tls")
        .setTypedConfig(Any.pack(context))
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
