package dev.aigateway.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.KeepaliveSettings;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import org.junit.jupiter.api.Test;

class ClusterTranslatorTest {
  // protocol.proto Http2ProtocolOptions.connection_keepalive: the ext_proc cluster's pings.
  @Test
  void theExtProcClustersKeepaliveIsWhatTheProxysChannelsPingWith() throws Exception {
    Cluster cluster =
        Cluster.newBuilder()
            .setName("ai_gateway_ext_proc")
            .setType(Cluster.DiscoveryType.STATIC)
            .putTypedExtensionProtocolOptions(
                ClusterTranslator.HTTP_OPTIONS,
                Any.pack(
                    HttpProtocolOptions.newBuilder()
                        .setExplicitHttpConfig(
                            HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                                .setHttp2ProtocolOptions(
                                    Http2ProtocolOptions.newBuilder()
                                        .setConnectionKeepalive(
                                            KeepaliveSettings.newBuilder()
                                                .setInterval(Duration.newBuilder().setSeconds(30))
                                                .setTimeout(Duration.newBuilder().setSeconds(5)))))
                        .build()))
            .build();

    var spec = ClusterTranslator.cluster(cluster);

    assertThat(spec.http2()).isTrue();
    assertThat(spec.keepalive().interval()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(spec.keepalive().timeout()).isEqualTo(java.time.Duration.ofSeconds(5));
  }
}
