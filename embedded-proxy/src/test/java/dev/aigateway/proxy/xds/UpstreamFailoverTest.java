package dev.aigateway.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import org.junit.jupiter.api.Test;

/** How the proxy reads the cluster settings of issue 19 (and what it refuses, as Envoy would). */
class UpstreamFailoverTest {

  private static LbEndpoint endpoint(int port, int weight, String target) {
    return LbEndpoint.newBuilder()
        .setEndpoint(
            Endpoint.newBuilder()
                .setAddress(
                    Address.newBuilder()
                        .setSocketAddress(
                            SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(port)))
                .setHostname(target + ".test"))
        .setLoadBalancingWeight(UInt32Value.of(weight))
        .setMetadata(
            Metadata.newBuilder()
                .putFilterMetadata(
                    "envoy.transport_socket_match",
                    Struct.newBuilder().putFields("target", string(target)).build())
                .putFilterMetadata(
                    "dev.aigateway",
                    Struct.newBuilder().putFields("target", string(target)).build()))
        .build();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Cluster.Builder cluster() {
    return Cluster.newBuilder()
        .setName("model_chat")
        .setType(Cluster.DiscoveryType.STATIC)
        .setLoadAssignment(
            ClusterLoadAssignment.newBuilder()
                .setClusterName("model_chat")
                .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(endpoint(1, 3, "a")))
                .addEndpoints(
                    LocalityLbEndpoints.newBuilder()
                        .setPriority(1)
                        .addLbEndpoints(endpoint(2, 1, "b"))));
  }

  // endpoint_components.proto: priority, load_balancing_weight, hostname, metadata;
  // cluster.proto transport_socket_matches: the first entry whose match is a subset of the
  // endpoint's envoy.transport_socket_match metadata.
  @Test
  void endpointsKeepTheirLevelWeightHostnameMetadataAndTheirOwnTls() throws Exception {
    Cluster c =
        cluster()
            .addTransportSocketMatches(
                Cluster.TransportSocketMatch.newBuilder()
                    .setName("target_b")
                    .setMatch(Struct.newBuilder().putFields("target", string("b")))
                    .setTransportSocket(
                        TransportSocket.newBuilder()
                            .setName("envoy.transport_sockets.tls")
                            .setTypedConfig(
                                Any.pack(
                                    UpstreamTlsContext.newBuilder().setSni("b.test").build()))))
            .build();

    var spec = ClusterTranslator.cluster(c);

    var a = spec.endpoints().get(0);
    var b = spec.endpoints().get(1);
    assertThat(a.priority()).isZero();
    assertThat(a.weight()).isEqualTo(3);
    assertThat(a.hostname()).isEqualTo("a.test");
    assertThat(a.tls()).isNull();
    assertThat(b.priority()).isEqualTo(1);
    assertThat(b.metadata().get("dev.aigateway")).containsEntry("target", "b");
    assertThat(b.tls()).isNotNull();
    assertThat(b.tls().sni()).isEqualTo("b.test");
  }

  // http_protocol_options.proto http_filters: the upstream chain must end in upstream_codec.
  @Test
  void anUpstreamFilterChainThatDoesNotEndInTheCodecIsRefused() {
    Cluster c =
        cluster()
            .putTypedExtensionProtocolOptions(
                ClusterTranslator.HTTP_OPTIONS,
                Any.pack(
                    HttpProtocolOptions.newBuilder()
                        .addHttpFilters(
                            HttpFilter.newBuilder()
                                .setName("envoy.filters.http.ext_proc")
                                .setTypedConfig(Any.pack(ExternalProcessor.getDefaultInstance())))
                        .build()))
            .build();
    assertThatThrownBy(() -> ClusterTranslator.cluster(c))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessageContaining("upstream_codec");
  }

  // A retry condition the proxy does not implement is refused, not silently ignored.
  @Test
  void anUnsupportedRetryConditionIsRefused() {
    assertThatThrownBy(
            () ->
                RetryPolicies.of(
                    io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
                        .setRetryOn("5xx,retriable-4xx")
                        .build(),
                    "route r"))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessageContaining("retriable-4xx");
  }

  // route_components.proto RetryPolicy defaults: one retry, 25 ms base, max 10 x base.
  @Test
  void retryPolicyDefaultsAreEnvoys() throws Exception {
    var p =
        RetryPolicies.of(
            io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder().setRetryOn("5xx").build(),
            "route r");
    assertThat(p.numRetries()).isEqualTo(1);
    assertThat(p.baseInterval()).isEqualTo(java.time.Duration.ofMillis(25));
    assertThat(p.maxInterval()).isEqualTo(java.time.Duration.ofMillis(250));
    assertThat(p.retriesStatus(503)).isTrue();
    assertThat(p.retriesStatus(429)).isFalse();
    assertThat(p.retriesPerTryTimeout()).isTrue();
  }
}
